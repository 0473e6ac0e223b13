import Foundation
@testable import HeraldApp
import Testing

/// The quick reading of common import lines gives exactly what `JSONDecoder` gives, and leaves
/// every other line to the decoder.
struct ImportLineQuickTests {
    static func same(_ a: ImportLine, _ b: ImportLine) -> Bool {
        a.commsCode == b.commsCode && a.customerId == b.customerId && a.accountId == b.accountId
            && a.subscriptionId == b.subscriptionId && a.priority == b.priority && a.deliveryMethod == b.deliveryMethod
            && a.fields == b.fields && a.idempotencyKey == b.idempotencyKey && a.eventType == b.eventType
            && a.eventCode == b.eventCode && a.whenToCreate == b.whenToCreate && a.invalidReason == b.invalidReason
            && (a.data == nil) == (b.data == nil)
    }

    @Test("Lines the quick reading takes decode the same with JSONDecoder", arguments: [
        #"{"commsCode":"WELCOME","accountId":"A-1","deliveryMethod":"sms"}"#,
        #"{ "commsCode" : "BILL_READY" , "customerId":"C-1", "priority": 1, "fields": {"BILLDATE": "2026-12-01", "AMOUNT": "42.00"} }"#,
        #"{"eventType":"DEBT","eventCode":"DBAR","accountId":"A-2","whenToCreate":"OnResolve","priority":-3}"#,
        #"{"commsCode":"WELCOME","subscriptionId":"S-1","fields":{},"idempotencyKey":"k-1"}"#,
        #"{"commsCode":"WELCOME","customerId":"Zoë Ångström ✓","fields":{"NAME":"Jürgen"}}"#,
        "{}",
        "{\t\"commsCode\":\r\n\"X\"}",
        #"{"priority":0}"#,
    ])
    func takenLinesMatchTheDecoder(_ raw: String) throws {
        let quick = try #require(ImportLine.quick(raw))
        let decoded = try JSONDecoder().decode(ImportLine.self, from: Data(raw.utf8))
        #expect(Self.same(quick, decoded))
    }

    @Test("Other lines are left to the decoder", arguments: [
        #"{"customer":{"id":"C-1","language":"en"}}"#,
        #"{"commsCode":null}"#,
        #"{"commsCode":"A\"B"}"#,
        #"{"commsCode":"A\u0042"}"#,
        #"{"priority":2.0}"#,
        #"{"priority":1e0}"#,
        #"{"priority":02}"#,
        #"{"priority":"2"}"#,
        #"{"commsCode":"A","commsCode":"B"}"#,
        #"{"fields":{"A":"1","A":"2"}}"#,
        #"{"fields":{"A":1}}"#,
        #"{"feilds":{}}"#,
        #"{"commsCode":"A",}"#,
        #"{"commsCode":"A"} x"#,
        #"{"commsCode":"A""#,
        #"["commsCode"]"#,
        #"{"commsCode":true}"#,
        "",
    ])
    func otherLinesAreNotTaken(_ raw: String) {
        #expect(ImportLine.quick(raw) == nil)
    }

    @Test func invalidUTF8IsLeftToTheDecoder() {
        let raw = String(decoding: Array(#"{"commsCode":"A"#.utf8) + [0xFF] + Array(#""}"#.utf8), as: UTF8.self)
        // String(decoding:) repairs the byte to U+FFFD; either way the quick reading must agree
        // with the decoder or step aside.
        if let quick = ImportLine.quick(raw) {
            let decoded = try? JSONDecoder().decode(ImportLine.self, from: Data(raw.utf8))
            #expect(decoded.map { Self.same(quick, $0) } == true)
        }
    }
}
