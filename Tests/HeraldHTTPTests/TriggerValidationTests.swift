import Foundation
import HTTPTypes
import HeraldHTTP
import HummingbirdTesting
import Testing

@Suite("Trigger validation")
struct TriggerValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var body: String
        var status: Int
        var field: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: #"{"commsCode": "WELCOME", "#, status: 400, field: nil),
        Case(name: "not an object", body: #"["WELCOME"]"#, status: 400, field: nil),
        Case(name: "wrong type", body: #"{"commsCode": "WELCOME", "accountId": "A-2001", "priority": "high", "fields": {"OFFERCODE": "X"}}"#,
             status: 400, field: "priority"),
        Case(name: "field value not a string", body: #"{"commsCode": "WELCOME", "accountId": "A-2001", "fields": {"OFFERCODE": 5}}"#,
             status: 400, field: "fields.OFFERCODE"),
        Case(name: "unknown key", body: #"{"commscode": "WELCOME", "accountId": "A-2001"}"#, status: 422, field: "commscode"),
        Case(name: "missing comms code", body: #"{"accountId": "A-2001"}"#, status: 422, field: "commsCode"),
        Case(name: "unknown comms code", body: #"{"commsCode": "NOPE", "accountId": "A-2001"}"#, status: 422, field: "commsCode"),
        Case(name: "inactive comms code", body: #"{"commsCode": "OLD_PROMO", "accountId": "A-2001"}"#, status: 422, field: "commsCode"),
        Case(name: "unknown target", body: welcomeBody(target: #""accountId": "A-404""#), status: 422, field: "accountId"),
        Case(name: "two targets", body: welcomeBody(target: #""customerId": "C-1001", "accountId": "A-2001""#), status: 422, field: "accountId"),
        Case(name: "no target", body: #"{"commsCode": "WELCOME", "fields": {"OFFERCODE": "X"}}"#, status: 422, field: "customerId"),
        Case(name: "priority 0", body: #"{"commsCode": "WELCOME", "accountId": "A-2001", "priority": 0, "fields": {"OFFERCODE": "X"}}"#,
             status: 422, field: "priority"),
        Case(name: "priority 4", body: #"{"commsCode": "WELCOME", "accountId": "A-2001", "priority": 4, "fields": {"OFFERCODE": "X"}}"#,
             status: 422, field: "priority"),
        Case(name: "unknown delivery method", body: #"{"commsCode": "WELCOME", "accountId": "A-2001", "deliveryMethod": "fax", "fields": {"OFFERCODE": "X"}}"#,
             status: 422, field: "deliveryMethod"),
        Case(name: "method not allowed", body: #"{"commsCode": "WELCOME", "accountId": "A-2001", "deliveryMethod": "letter", "fields": {"OFFERCODE": "X"}}"#,
             status: 422, field: "deliveryMethod"),
        Case(name: "missing required field", body: #"{"commsCode": "WELCOME", "accountId": "A-2001"}"#, status: 422, field: "fields.OFFERCODE"),
        Case(name: "empty required field", body: welcomeBody(offer: ""), status: 422, field: "fields.OFFERCODE"),
        Case(name: "bad field name", body: #"{"commsCode": "WELCOME", "accountId": "A-2001", "fields": {"OFFERCODE": "X", "1BAD": "y"}}"#,
             status: 422, field: "fields.1BAD"),
        Case(name: "unknown copyOf", body: #"{"commsCode": "WELCOME", "accountId": "A-2001", "copyOf": "nope", "fields": {"OFFERCODE": "X"}}"#,
             status: 422, field: "copyOf"),
    ]

    @Test(arguments: cases)
    func rejectedTriggerIsAProblemAndLeavesNoRow(_ c: Case) async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let response = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: c.body)
            #expect(response.isProblem(c.status), "\(response.status) \(response.text)")
            #expect(response.problemField == c.field, "\(response.text)")
            let list = try await client.send(.get, "/v1/comms-requests", key: APIHarness.agentKey)
            #expect((list.object["items"] as? [Any])?.isEmpty == true)
        }
        #expect(try await h.requestCount() == 0)
    }

    @Test func bodyOverTheLimitIs413() async throws {
        let h = try await APIHarness(maxBodyBytes: 1024)
        try await h.run { client in
            let big = welcomeBody(offer: String(repeating: "x", count: 2000))
            let response = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: big)
            #expect(response.isProblem(413))
            let small = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: welcomeBody())
            #expect(small.status == .created)
        }
        #expect(try await h.requestCount() == 1)
    }

    @Test func badIdempotencyKeyIs400() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            for bad in [String(repeating: "k", count: 256), "a b", "clé-1"] {
                let response = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: welcomeBody(),
                                                     headers: ["Idempotency-Key": bad])
                #expect(response.isProblem(400), "\(bad)")
                #expect(response.problemField == "Idempotency-Key")
            }
            for good in [String(repeating: "k", count: 255), "~!\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}"] {
                let response = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: welcomeBody(),
                                                     headers: ["Idempotency-Key": good])
                #expect(response.status == .created, "\(good)")
            }
        }
    }
}
