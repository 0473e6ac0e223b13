import Foundation
import HeraldCore
import Testing
@testable import HeraldTransports

/// The hand-made JSON of the external record reads back as what it was made from.
@Suite struct ExternalCommPayloadTests {
    @Test func jsonReadsBackWhateverTheText() throws {
        let tricky = "quote \" backslash \\ slash / tab \t cr \r nl \n bell \u{07} nul \u{00} del \u{7F} é 日本 🎉 \u{2028}"
        var tx = ExternalComms.transmission(1, message: tricky, fields: ["Z": "last", "A": tricky, "middle_1": "", "ä": "umlaut"])
        tx.request.commsCode = "CODE\"X"
        for system in ["PORTAL", nil] as [String?] {
            let payload = ExternalCommPayload(tx, system: system)
            let bytes = payload.json()
            #expect(try JSONDecoder().decode(ExternalCommPayload.self, from: Data(bytes)) == payload)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            #expect(object["message"] as? String == tricky)
            #expect((object["system"] as? String) == system)
            #expect(object.keys.count == (system == nil ? 9 : 10))
        }
        // Fields alone, as the CSV column holds them.
        let fields = ExternalCommPayload(tx, system: nil).fieldsJSON()
        #expect(try JSONDecoder().decode([String: String].self, from: Data(fields.utf8)) == tx.distribution.fields)
        #expect(fields.hasPrefix(#"{"A":"#))
    }

    @Test func jsonIsWhatJSONEncoderWritesForPlainText() throws {
        let payload = ExternalCommPayload(ExternalComms.transmission(3), system: "PORTAL")
        #expect(payload.json() == Array(try ExternalCommPayload.encoder.encode(payload)))
    }

    @Test func timestampsAreISO8601UTCWithMilliseconds() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
        // Fractions a Double holds exactly (Foundation and we may round others differently by 1 ms).
        for seconds in [0, 951_782_400.5, 1_796_632_800.125, 1_709_164_800.75, 4_102_444_799.0, 1_234_567_890.0] as [Double] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(ExternalCommPayload.timestamp(date) == date.formatted(style), "\(seconds)")
        }
        #expect(ExternalCommPayload.timestamp(Date(timeIntervalSince1970: 1_796_632_800)) == "2026-12-07T08:40:00.000Z")
    }
}
