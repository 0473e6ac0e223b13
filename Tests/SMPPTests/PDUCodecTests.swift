import NIOCore
import Testing
@testable import SMPP

/// PDU layouts from the SMPP 3.4 specification (sections 3.2, 4.1–4.7), as hex dumps.
@Suite struct PDUCodecTests {
    @Test func enquireLinkAndResponses() throws {
        #expect(try SMPPPDU(.enquireLink, sequenceNumber: 1).bytes() == hex("00000010 00000015 00000000 00000001"))
        #expect(try SMPPPDU(.enquireLinkResponse, sequenceNumber: 1).bytes() == hex("00000010 80000015 00000000 00000001"))
        #expect(try SMPPPDU(.unbind, sequenceNumber: 7).bytes() == hex("00000010 00000006 00000000 00000007"))
        #expect(try SMPPPDU(.unbindResponse, sequenceNumber: 7).bytes() == hex("00000010 80000006 00000000 00000007"))
        let nack = hex("00000010 80000000 00000003 00000005")
        #expect(try SMPPPDU(.genericNack, sequenceNumber: 5, commandStatus: .ESME_RINVCMDID).bytes() == nack)
        let decoded = try SMPPPDU.decode(bytes: nack)
        #expect(decoded.body == .genericNack)
        #expect(decoded.commandStatus == .ESME_RINVCMDID)
        #expect(decoded.sequenceNumber == 5)
    }

    @Test func bindTransmitter() throws {
        // system_id "SMPP3TEST", password "secret08", system_type "SUBMIT1", version 0x34, TON 1, NPI 1, range "".
        let wire = hex("""
            0000002F 00000002 00000000 00000001
            534D5050 33544553 5400 7365 63726574 303800 5355424D 49543100 34 01 01 00
            """)
        let pdu = SMPPPDU(.bind(SMPPBind(
            type: .transmitter, systemID: "SMPP3TEST", password: "secret08", systemType: "SUBMIT1",
            addressTON: .international, addressNPI: .isdn
        )), sequenceNumber: 1)
        #expect(try pdu.bytes() == wire)
        #expect(try SMPPPDU.decode(bytes: wire) == pdu)
    }

    @Test(arguments: SMPPBindType.allCases) func bindRoundTrip(type: SMPPBindType) throws {
        let pdu = SMPPPDU(.bind(SMPPBind(type: type, systemID: "herald", password: "pw")), sequenceNumber: 42)
        let decoded = try SMPPPDU.decode(bytes: try pdu.bytes())
        #expect(decoded == pdu)
        #expect(decoded.commandID == type.commandID)
    }

    @Test func bindTransceiverResponseWithInterfaceVersion() throws {
        let wire = hex("0000001A 80000009 00000000 00000001 534D5343 00 0210 0001 34")
        let decoded = try SMPPPDU.decode(bytes: wire)
        guard case .bindResponse(let response) = decoded.body else { Issue.record("not a bind response"); return }
        #expect(response.type == .transceiver)
        #expect(response.systemID == "SMSC")
        #expect(response.optionalParameters[.scInterfaceVersion] == [0x34])
        #expect(try decoded.bytes() == wire)
    }

    @Test func bindResponseErrorWithoutBody() throws {
        let decoded = try SMPPPDU.decode(bytes: hex("00000010 80000009 0000000E 00000001"))
        #expect(decoded.commandStatus == .ESME_RINVPASWD)
        #expect(decoded.body == .bindResponse(SMPPBindResponse(type: .transceiver, systemID: "")))
    }

    @Test func submitSM() throws {
        let wire = hex("""
            00000039 00000004 00000000 00000002
            00
            05 00 48657261 6C6400
            01 01 34393135 31313233 34353637 3800
            00 00 00 00 00 01 00 00 00
            05 48656C6C 6F
            """)
        let message = SMPPShortMessage(
            source: SMPPAddress("Herald")!, destination: SMPPAddress("+4915112345678")!,
            registeredDelivery: 1, shortMessage: Array("Hello".utf8)
        )
        let pdu = SMPPPDU(.submitSM(message), sequenceNumber: 2)
        #expect(try pdu.bytes() == wire)
        #expect(try SMPPPDU.decode(bytes: wire) == pdu)
    }

    @Test func submitSMResponse() throws {
        let wire = hex("00000017 80000004 00000000 00000002 61626331 323300")
        #expect(try SMPPPDU.decode(bytes: wire) == SMPPPDU(.submitSMResponse(messageID: "abc123"), sequenceNumber: 2))
        #expect(try SMPPPDU(.submitSMResponse(messageID: "abc123"), sequenceNumber: 2).bytes() == wire)
        // An error response may omit message_id.
        let throttled = try SMPPPDU.decode(bytes: hex("00000010 80000004 00000058 00000003"))
        #expect(throttled.commandStatus == .ESME_RTHROTTLED)
        #expect(throttled.body == .submitSMResponse(messageID: ""))
    }

    @Test func deliverSMReceiptWithTLVs() throws {
        var message = SMPPShortMessage(
            source: SMPPAddress(ton: .international, npi: .isdn, address: "4915112345678"),
            destination: SMPPAddress(ton: .alphanumeric, npi: .unknown, address: "Herald"),
            esmClass: 0x04, shortMessage: Array("id:smsc-1 stat:DELIVRD".utf8)
        )
        message.optionalParameters.receiptedMessageID = "smsc-1"
        message.optionalParameters.messageState = .delivered
        message.optionalParameters.networkErrorCode = SMPPNetworkErrorCode(networkType: 3, errorCode: 0x0001)
        message.optionalParameters.all.append(SMPPTLV(tag: SMPPTLV.Tag(rawValue: 0x1403), value: [0xAA, 0xBB]))
        let pdu = SMPPPDU(.deliverSM(message), sequenceNumber: 9)
        let bytes = try pdu.bytes()
        let tail = hexString(bytes.suffix(11 + 5 + 7 + 6))
        #expect(tail == "001e0007736d73632d3100" + "0427000102" + "04230003030001" + "14030002aabb")
        let decoded = try SMPPPDU.decode(bytes: bytes)
        #expect(decoded == pdu)
        guard case .deliverSM(let received) = decoded.body else { Issue.record("not deliver_sm"); return }
        #expect(received.optionalParameters.receiptedMessageID == "smsc-1")
        #expect(received.optionalParameters.messageState == .delivered)
        #expect(received.optionalParameters[SMPPTLV.Tag(rawValue: 0x1403)] == [0xAA, 0xBB])
        #expect(received.isDeliveryReceipt)
    }

    @Test func sarAndPayloadTLVs() throws {
        var parameters = SMPPOptionalParameters()
        parameters.sarMessageReferenceNumber = 0x1234
        parameters.sarTotalSegments = 3
        parameters.sarSegmentSequenceNumber = 2
        parameters.messagePayload = Array(repeating: 0x41, count: 300)
        let message = SMPPShortMessage(source: .empty, destination: SMPPAddress("12345")!, optionalParameters: parameters)
        let decoded = try SMPPPDU.decode(bytes: try SMPPPDU(.submitSM(message), sequenceNumber: 3).bytes())
        guard case .submitSM(let received) = decoded.body else { Issue.record("not submit_sm"); return }
        #expect(received.optionalParameters.sarMessageReferenceNumber == 0x1234)
        #expect(received.optionalParameters.sarTotalSegments == 3)
        #expect(received.optionalParameters.sarSegmentSequenceNumber == 2)
        #expect(received.optionalParameters.messagePayload?.count == 300)
    }

    @Test func unknownCommandIsPreserved() throws {
        let wire = hex("00000014 00000103 00000000 00000004 DEADBEEF")
        let decoded = try SMPPPDU.decode(bytes: wire)
        #expect(decoded.body == .other(commandID: .dataSM, body: [0xDE, 0xAD, 0xBE, 0xEF]))
        #expect(try decoded.bytes() == wire)
    }

    @Test func commandStatusNamesAndTransience() {
        #expect(SMPPCommandStatus.ESME_RTHROTTLED.isTransient)
        #expect(SMPPCommandStatus.ESME_RMSGQFUL.isTransient)
        #expect(!SMPPCommandStatus.ESME_RINVDSTADR.isTransient)
        #expect(!SMPPCommandStatus.ESME_RBINDFAIL.isTransient)
        #expect(SMPPCommandStatus.ESME_RTHROTTLED.name == "ESME_RTHROTTLED")
        #expect(SMPPCommandStatus(rawValue: 0x400).name == "0x400")
        #expect(SMPPCommandStatus.ESME_RINVDSTADR.description == "ESME_RINVDSTADR (0xB)")
    }

    @Test func encodingRejectsOverlongFields() {
        let bind = SMPPPDU(.bind(SMPPBind(systemID: "a-system-id-that-is-too-long", password: "x")), sequenceNumber: 1)
        #expect(throws: SMPPError.self) { try bind.bytes() }
        let tooLong = SMPPShortMessage(source: .empty, destination: .empty, shortMessage: Array(repeating: 0, count: 255))
        #expect(throws: SMPPError.self) { try SMPPPDU(.submitSM(tooLong), sequenceNumber: 1).bytes() }
    }

    // MARK: Malformed input: always a typed error

    static let malformed: [(String, String, SMPPDecodingError.Code)] = [
        ("length field larger than the frame", "00000014 00000015 00000000 00000001", .invalidCommandLength),
        ("short header", "00000008 00000015", .invalidCommandLength),
        ("unterminated system_id", "00000014 80000009 00000000 00000001 534D5343", .unterminatedCString),
        ("system_id longer than 15", "00000022 80000009 00000000 00000001 41414141 41414141 41414141 41414141 4100", .cStringTooLong),
        ("submit_sm cut after the source", "00000015 00000004 00000000 00000002 00 05 00 4100", .truncated),
        ("tlv longer than the body", "00000017 80000009 00000000 00000001 4100 0210 0005 34", .invalidTLV),
        ("body on enquire_link", "00000011 00000015 00000000 00000001 00", .unexpectedBodyBytes),
    ]

    @Test(arguments: malformed) func malformedInputIsATypedError(name: String, wire: String, code: SMPPDecodingError.Code) {
        do {
            let pdu = try SMPPPDU.decode(bytes: hex(wire))
            Issue.record("\(name): decoded \(pdu)")
        } catch {
            #expect(error.code == code, "\(name): \(error)")
        }
    }

    @Test func malformedErrorCarriesTheHeader() {
        do {
            _ = try SMPPPDU.decode(bytes: hex("00000014 80000004 00000000 0000002A 41424344"))
            Issue.record("decoded")
        } catch {
            #expect(error.commandID == .submitSMResp)
            #expect(error.sequenceNumber == 42)
            #expect(error.field == "message_id")
        }
    }

    @Test func smLengthAbove254IsRejected() throws {
        var bytes = try SMPPPDU(.submitSM(SMPPShortMessage(source: .empty, destination: .empty)), sequenceNumber: 1).bytes()
        bytes[bytes.count - 1] = 0xFF  // sm_length
        #expect(throws: SMPPDecodingError.self) { try SMPPPDU.decode(bytes: bytes) }
    }

    /// Every truncation and many byte flips of real PDUs decode or throw; none traps.
    @Test func decodingIsTotal() throws {
        var message = SMPPShortMessage(source: SMPPAddress("Herald")!, destination: SMPPAddress("+4915112345678")!, shortMessage: Array("Hi".utf8))
        message.optionalParameters.receiptedMessageID = "x1"
        let samples = [
            try SMPPPDU(.submitSM(message), sequenceNumber: 1).bytes(),
            try SMPPPDU(.deliverSM(message), sequenceNumber: 2).bytes(),
            try SMPPPDU(.bind(SMPPBind(systemID: "a", password: "b")), sequenceNumber: 3).bytes(),
            try SMPPPDU(.submitSMResponse(messageID: "id"), sequenceNumber: 4).bytes(),
        ]
        var seed: UInt64 = 0x5EED
        func random() -> UInt64 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return seed >> 33
        }
        var decodedCount = 0
        var failedCount = 0
        for sample in samples {
            for cut in 0..<sample.count {
                var bytes = Array(sample.prefix(cut))
                if bytes.count >= 4 {  // keep command_length consistent, to reach the body decoder
                    let length = UInt32(bytes.count)
                    bytes[0] = UInt8(length >> 24); bytes[1] = UInt8((length >> 16) & 0xFF)
                    bytes[2] = UInt8((length >> 8) & 0xFF); bytes[3] = UInt8(length & 0xFF)
                }
                if (try? SMPPPDU.decode(bytes: bytes)) != nil { decodedCount += 1 } else { failedCount += 1 }
            }
            for _ in 0..<500 {
                var bytes = sample
                let index = 4 + Int(random() % UInt64(sample.count - 4))
                bytes[index] = UInt8(truncatingIfNeeded: random())
                if (try? SMPPPDU.decode(bytes: bytes)) != nil { decodedCount += 1 } else { failedCount += 1 }
            }
        }
        #expect(failedCount > 0)
        #expect(decodedCount > 0)
    }
}
