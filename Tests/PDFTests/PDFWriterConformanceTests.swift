import Foundation
import Testing
@testable import PDF

/// PDF/A-2b output. veraPDF is not available here, so these tests check what can be checked
/// without it: syntax (qpdf), the XMP packet and its agreement with Info, the output intent with
/// its ICC profile, printable annotations, and CMYK images in an ICC-based colour space.
@Suite struct PDFWriterConformanceTests {
    private func document(compressionLevel: Int = 6) async throws -> [UInt8] {
        let options = PDFOptions(
            title: "Willkommen – Ελληνικά", author: "Herald", subject: "Welcome letter", keywords: "letter, welcome",
            creator: "Letterpress tests", creationDate: SampleDocuments.fixedDate, conformance: .pdfA2b,
            compressionLevel: compressionLevel)
        let font = try TestFonts.sans.get()
        let writer = PDFWriter(options: options)
        let ref = try writer.register(font: font)
        let page = writer.beginPage(width: 595.276, height: 841.89)
        page.text(font: ref, size: 11, color: .black, x: 72, baseline: 72, glyphs: TestFonts.layout("Guten Tag, Ωμέγα!", font: font, size: 11).glyphs)
        page.link(x: 72, y: 60, width: 100, height: 14, uri: "https://example.com")
        writer.end(page: page)
        return try writer.finish()
    }

    @Test func passesQPDFCheck() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(try await document(), to: "pdfa.pdf")
        let check = try await ExternalTool.run("qpdf", ["--check", path])
        #expect(check.status == 0, "qpdf --check: \(check.text) \(check.stderr)")
    }

    @Test func containsXMPMatchingInfoAndTheOutputIntent() async throws {
        let pdf = try await document()
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.contains("/Metadata "))
        #expect(text.contains("/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1)"))
        #expect(text.contains("/Type /Metadata /Subtype /XML /Length"))
        #expect(text.contains("/N 3 /Filter /FlateDecode"))
        #expect(text.contains("/F 4"))
        // The XMP stream is uncompressed and mirrors the Info dictionary.
        #expect(text.contains("<pdfaid:part>2</pdfaid:part>"))
        #expect(text.contains("<pdfaid:conformance>B</pdfaid:conformance>"))
        #expect(text.contains("<rdf:li xml:lang=\"x-default\">Willkommen – Ελληνικά</rdf:li>"))
        #expect(text.contains("<rdf:li>Herald</rdf:li>"))
        #expect(text.contains("<pdf:Keywords>letter, welcome</pdf:Keywords>"))
        #expect(text.contains("<xmp:CreatorTool>Letterpress tests</xmp:CreatorTool>"))
        #expect(text.contains("<xmp:CreateDate>2023-11-14T22:13:20+00:00</xmp:CreateDate>"))
        #expect(text.contains("/CreationDate (D:20231114221320+00'00')"))
        let directory = try TemporaryDirectory()
        let path = try directory.write(pdf, to: "pdfa.pdf")
        let info = try await ExternalTool.run("pdfinfo", ["-enc", "UTF-8", path])
        #expect(info.text.contains("Title:           Willkommen – Ελληνικά"))
        #expect(info.text.contains("Metadata Stream: yes"))
        let meta = try await ExternalTool.run("pdfinfo", ["-meta", path])
        #expect(meta.text.contains("<pdfaid:part>2</pdfaid:part>"))
    }

    @Test func embeddedProfileIsTheGeneratedSRGBProfile() async throws {
        let pdf = try await document(compressionLevel: 0)
        let header = Array(SRGBProfile.bytes.prefix(40))
        var found = false
        if pdf.count >= header.count {
            for i in 0...(pdf.count - header.count) where pdf[i] == header[0] && Array(pdf[i..<(i + header.count)]) == header {
                found = true
                break
            }
        }
        #expect(found)
    }

    @Test func cmykImagesUseAnEmbeddedICCProfileInPDFA() async throws {
        let writer = PDFWriter(options: PDFOptions(conformance: .pdfA2b))
        // C=0 M=1 Y=1 K=0: red.
        let red = writer.register(image: PDFImage(width: 1, height: 1, bitsPerComponent: 8, colorSpace: .cmyk, data: .raw([0, 255, 255, 0])))
        let gray = writer.register(image: PDFImage(width: 1, height: 1, bitsPerComponent: 8, colorSpace: .cmyk, data: .raw([0, 0, 0, 128])))
        let page = writer.beginPage(width: 200, height: 100)
        page.image(red, x: 0, y: 0, width: 100, height: 100)
        page.image(gray, x: 100, y: 0, width: 100, height: 100)
        writer.end(page: page)
        let pdf = try writer.finish()
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(!text.contains("/DeviceCMYK"))
        #expect(PDFInspector.count("/ColorSpace [/ICCBased ", in: pdf) == 2)
        #expect(PDFInspector.count("/N 4", in: pdf) == 1)

        let directory = try TemporaryDirectory()
        let path = try directory.write(pdf, to: "cmyk.pdf")
        #expect(try await ExternalTool.run("qpdf", ["--check", path]).status == 0)
        let output = try await ExternalTool.run("pdftoppm", ["-r", "20", "-singlefile", path, directory.path("render")])
        // Poppler reports profiles lcms cannot use on stderr and would fall back to DeviceCMYK.
        #expect(output.status == 0 && output.stderr.isEmpty, "pdftoppm: \(output.stderr)")
        let map = try PixelMap(ppm: [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.path("render.ppm")))))
        let left = map.rgb(atPoint: 50, 50, dpi: 20), right = map.rgb(atPoint: 150, 50, dpi: 20)
        #expect(left.0 > 200 && left.1 < 60 && left.2 < 60, "CMYK red rendered as \(left)")
        #expect(PixelMap.close(right, (127, 127, 127), tolerance: 12), "50% K rendered as \(right)")
    }

    @Test func plainPDFHasNoPDFAMarkers() async throws {
        let text = String(decoding: try SampleDocuments.multilingual(), as: UTF8.self)
        #expect(!text.contains("/OutputIntents"))
        #expect(!text.contains("/Metadata"))
    }
}
