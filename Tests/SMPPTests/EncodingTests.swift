import Testing
@testable import SMPP

@Suite struct EncodingTests {
    @Test func gsmBasicTable() {
        #expect(GSM7.encode("@£$¥") == [0x00, 0x01, 0x02, 0x03])
        #expect(GSM7.encode("Hello") == Array("Hello".utf8))
        #expect(GSM7.encode("Δ_ÆßÉ¡§¿àü") == [0x10, 0x11, 0x1C, 0x1E, 0x1F, 0x40, 0x5F, 0x60, 0x7F, 0x7E])
        #expect(GSM7.encode("line\r\nnext") == [0x6C, 0x69, 0x6E, 0x65, 0x0D, 0x0A, 0x6E, 0x65, 0x78, 0x74])
        #expect(SMSEncoding(for: "Grüße aus Köln") == .gsm7)
    }

    @Test func euroSignUsesTheExtensionTable() {
        #expect(GSM7.encode("€") == [0x1B, 0x65])
        #expect(GSM7.septetCount("5 €") == 4)
        #expect(SMSEncoding(for: "Pay 5 € now") == .gsm7)
        #expect(GSM7.decode([0x1B, 0x65]) == "€")
    }

    @Test func extensionCharacters() {
        let text = "{}[]~|\\^"
        #expect(GSM7.encode(text) == [0x1B, 0x28, 0x1B, 0x29, 0x1B, 0x3C, 0x1B, 0x3E, 0x1B, 0x3D, 0x1B, 0x40, 0x1B, 0x2F, 0x1B, 0x14])
        #expect(GSM7.septetCount(text) == 16)
        #expect(GSM7.decode(GSM7.encode(text)!) == text)
        #expect(SMSSegmentation.segmentCount(for: String(repeating: "{", count: 80)) == 1)  // 160 septets
        #expect(SMSSegmentation.segmentCount(for: String(repeating: "{", count: 81)) == 2)  // 162 septets
    }

    @Test func ucs2WhenNeeded() throws {
        #expect(SMSEncoding(for: "Привет") == .ucs2)
        #expect(SMSEncoding(for: "ok 😀") == .ucs2)
        let segmentation = try SMSSegmentation(text: "Aж😀", reference: 1)
        #expect(segmentation.encoding == .ucs2)
        #expect(segmentation.encoding.dataCoding == 8)
        #expect(segmentation.segments == [[0x00, 0x41, 0x04, 0x36, 0xD8, 0x3D, 0xDE, 0x00]])
        #expect(SMSEncoding.decode(segmentation.segments[0], dataCoding: 8) == "Aж😀")
    }

    @Test(arguments: [(1, 1), (153, 1), (154, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)])
    func gsmSegmentBoundaries(length: Int, segments: Int) throws {
        let text = String(repeating: "a", count: length)
        #expect(SMSSegmentation.segmentCount(for: text) == segments)
        let segmentation = try SMSSegmentation(text: text, reference: 0x42)
        #expect(segmentation.count == segments)
        #expect(segmentation.encoding == .gsm7)
        if segments == 1 {
            #expect(segmentation.segments[0].count == length)
        } else {
            for (index, segment) in segmentation.segments.enumerated() {
                #expect(Array(segment.prefix(6)) == [0x05, 0x00, 0x03, 0x42, UInt8(segments), UInt8(index + 1)])
                #expect(segment.count - 6 <= 153)
            }
            #expect(segmentation.segments.map { $0.count - 6 }.reduce(0, +) == length)
        }
    }

    @Test(arguments: [(70, 1), (71, 2), (134, 2), (135, 3)])
    func ucs2SegmentBoundaries(length: Int, segments: Int) throws {
        let text = String(repeating: "ж", count: length)
        #expect(SMSSegmentation.segmentCount(for: text) == segments)
        let segmentation = try SMSSegmentation(text: text, reference: 7)
        #expect(segmentation.count == segments)
        if segments > 1 {
            #expect(segmentation.segments.allSatisfy { ($0.count - 6) / 2 <= 67 })
        }
    }

    @Test func escapeSequenceIsNeverSplit() throws {
        // 152 septets, then "€" (2 septets) would straddle the 153-septet boundary.
        let text = String(repeating: "a", count: 152) + "€" + String(repeating: "b", count: 10)
        let segmentation = try SMSSegmentation(text: text, reference: 1)
        #expect(segmentation.count == 2)
        #expect(segmentation.segments[0].count - 6 == 152)
        #expect(segmentation.segments[0].last != GSM7.escape)
        #expect(Array(segmentation.segments[1][6...7]) == [0x1B, 0x65])
        let joined = segmentation.segments.map { GSM7.decode($0.dropFirst(6)) }.joined()
        #expect(joined == text)
        // Many escapes in a row: no part ends with a lone escape.
        let braces = try SMSSegmentation(text: String(repeating: "€", count: 200), reference: 2)
        #expect(braces.segments.allSatisfy { $0.last != GSM7.escape && ($0.count - 6) % 2 == 0 })
        #expect(braces.count == 3)  // 400 septets in parts of 152
    }

    @Test func surrogatePairIsNeverSplit() throws {
        #expect(SMSSegmentation.segmentCount(for: String(repeating: "😀", count: 35)) == 1)  // 70 code units
        let text = String(repeating: "😀", count: 36)  // 72 code units
        let segmentation = try SMSSegmentation(text: text, reference: 9)
        #expect(segmentation.count == 2)
        #expect(segmentation.segments[0].count - 6 == 66 * 2)  // 33 pairs: a 34th would need units 67–68
        for segment in segmentation.segments {
            let last = UInt16(segment[segment.count - 2]) << 8 | UInt16(segment[segment.count - 1])
            #expect(!(0xD800...0xDBFF).contains(last))
        }
        let joined = segmentation.segments.map { SMSEncoding.decode(Array($0.dropFirst(6)), dataCoding: 8) }.joined()
        #expect(joined == text)
        // One BMP character first shifts the pairs: the boundary falls after unit 67 exactly.
        let shifted = try SMSSegmentation(text: "x" + String(repeating: "😀", count: 40), reference: 9)
        #expect(shifted.segments[0].count - 6 == 67 * 2)
    }

    @Test func tooManySegmentsIsAnError() {
        #expect(throws: SMPPError.self) { try SMSSegmentation(text: String(repeating: "a", count: 153 * 256), reference: 0) }
    }

    @Test func sourceAddressSelection() {
        #expect(SMPPAddress("+4915112345678") == SMPPAddress(ton: .international, npi: .isdn, address: "4915112345678"))
        #expect(SMPPAddress("12345") == SMPPAddress(ton: .networkSpecific, npi: .unknown, address: "12345"))
        #expect(SMPPAddress("Herald") == SMPPAddress(ton: .alphanumeric, npi: .unknown, address: "Herald"))
        #expect(SMPPAddress("0151123456789") == SMPPAddress(ton: .unknown, npi: .isdn, address: "0151123456789"))
        #expect(SMPPAddress("Herald Comms") == nil)  // 12 characters
        #expect(SMPPAddress("") == nil)
        #expect(SMPPAddress("+1234567890123456") == nil)  // 16 digits
        #expect(SMPPAddress("+49 151") == nil)
    }

    @Test func messageBuildsSubmitBodies() throws {
        let message = SMSMessage(source: SMPPAddress("Herald")!, destination: SMPPAddress("+4915112345678")!, text: String(repeating: "x", count: 200))
        let (segmentation, bodies) = try message.shortMessages(reference: 5)
        #expect(segmentation.count == 2)
        #expect(bodies.count == 2)
        #expect(bodies.allSatisfy { $0.esmClass == 0x40 && $0.registeredDelivery == 1 && $0.dataCoding == 0 })
        let single = try SMSMessage(source: .empty, destination: SMPPAddress("12345")!, text: "hi", registeredDelivery: false).shortMessages(reference: 0)
        #expect(single.1[0].esmClass == 0)
        #expect(single.1[0].registeredDelivery == 0)
    }
}
