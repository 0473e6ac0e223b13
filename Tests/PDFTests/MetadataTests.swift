import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import PDF

@Suite struct MetadataTests {
    @Test func civilDateFromUnixTime() {
        let date = CivilDate(Date(timeIntervalSince1970: 1_709_210_096))  // 2024-02-29T12:34:56Z
        #expect(date == CivilDate(year: 2024, month: 2, day: 29, hour: 12, minute: 34, second: 56))
        #expect(date.pdfString == "D:20240229123456+00'00'")
        #expect(date.xmpString == "2024-02-29T12:34:56+00:00")
        #expect(CivilDate(Date(timeIntervalSince1970: -1)).xmpString == "1969-12-31T23:59:59+00:00")
        #expect(CivilDate(Date(timeIntervalSince1970: 0)).pdfString == "D:19700101000000+00'00'")
    }

    @Test func xmpEscapesAndDeclaresConformance() {
        var options = PDFOptions()
        options.title = "Fish & <Chips>"
        options.creationDate = Date(timeIntervalSince1970: 0)
        let xmp = String(decoding: XMPPacket.build(options: options), as: UTF8.self)
        #expect(xmp.contains("<pdfaid:part>2</pdfaid:part>"))
        #expect(xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"))
        #expect(xmp.contains("<rdf:li xml:lang=\"x-default\">Fish &amp; &lt;Chips&gt;</rdf:li>"))
        #expect(xmp.contains("<xmp:CreateDate>1970-01-01T00:00:00+00:00</xmp:CreateDate>"))
        #expect(xmp.contains("<pdf:Producer>Herald Letterpress</pdf:Producer>"))
        #expect(xmp.hasPrefix("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"))
        #expect(xmp.hasSuffix("<?xpacket end=\"w\"?>"))
        // The XML must be well-formed.
        #expect(throws: Never.self) { try XMLDocument(data: Data(XMPPacket.build(options: options))) }
    }

    @Test func subsetTagIsSixUppercaseLettersAndDependsOnTheGlyphs() {
        let a = SubsetTag.make(postScriptName: "DejaVuSans", index: 0, glyphs: [0, 3, 4])
        let b = SubsetTag.make(postScriptName: "DejaVuSans", index: 0, glyphs: [0, 3, 5])
        #expect(a.count == 6)
        #expect(a.utf8.allSatisfy { $0 >= 65 && $0 <= 90 })
        #expect(a != b)
        #expect(a == SubsetTag.make(postScriptName: "DejaVuSans", index: 0, glyphs: [0, 3, 4]))
    }
}
