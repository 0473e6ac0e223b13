import Foundation
import HTTPTypes
import HeraldHTTP
import HummingbirdTesting
import Testing

@Suite("Customer data")
struct CustomerDataTests {
    /// The example of api-shapes.md.
    static let zoe = #"""
    {"title": "Ms", "firstName": "Zoë", "lastName": "Ångström", "language": "en",
     "timeZone": "Europe/London", "email": "zoe@example.net", "mobile": "+447700900123",
     "postalAddress": {"lines": ["Zoë Ångström", "12 Harbour Street", "Bristol"], "postcode": "BS1 4AB", "country": "GB"},
     "pushTokens": [{"platform": "apns", "token": "abc123"}],
     "preferences": {"optOut": [{"method": "sms", "category": "marketing"}],
                     "preferredMethods": ["email", "sms"],
                     "quietHours": {"from": "21:00", "to": "08:00", "timeZone": "Europe/London"}}}
    """#

    @Test func putCustomerCreatesThenReplaces() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let created = try await client.send(.put, "/v1/customers/C-7", key: APIHarness.triggerKey, json: Self.zoe)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.object["id"] as? String == "C-7")
            #expect(created.object["lastName"] as? String == "Ångström")
            let replaced = try await client.send(.put, "/v1/customers/C-7", key: APIHarness.triggerKey, json: Self.zoe)
            #expect(replaced.status == .ok)
            let fetched = try await client.send(.get, "/v1/customers/C-7", key: APIHarness.agentKey)
            #expect(fetched.status == .ok)
            let preferences = try #require(fetched.object["preferences"] as? [String: Any])
            #expect(preferences["preferredMethods"] as? [String] == ["email", "sms"])
            let quiet = try #require(preferences["quietHours"] as? [String: Any])
            #expect(quiet["from"] as? String == "21:00")
            let address = try #require(fetched.object["postalAddress"] as? [String: Any])
            #expect((address["lines"] as? [String])?.count == 3)
            let missing = try await client.send(.get, "/v1/customers/C-404", key: APIHarness.agentKey)
            #expect(missing.isProblem(404))
        }
    }

    static func edit(_ from: String, _ to: String) -> String {
        precondition(zoe.contains(from))
        return zoe.replacingOccurrences(of: from, with: to)
    }

    @Test(arguments: [
        (edit(#""Europe/London", "email""#, #""Mars/Olympus", "email""#), 422, "timeZone"),
        (edit(#""+447700900123""#, #""07700 900123""#), 422, "mobile"),
        (edit(#""zoe@example.net""#, #""zoe at example""#), 422, "email"),
        (edit(#""from": "21:00""#, #""from": "25:00""#), 422, "preferences.quietHours.from"),
        (edit(#""to": "08:00""#, #""to": "8am""#), 422, "preferences.quietHours.to"),
        (edit(#""to": "08:00", "timeZone": "Europe/London""#, #""to": "08:00", "timeZone": "Nowhere/City""#), 422, "preferences.quietHours.timeZone"),
        (edit(#""language": "en""#, #""language": """#), 422, "language"),
        (edit(#""platform": "apns""#, #""platform": "blackberry""#), 422, "pushTokens[0].platform"),
        (edit(#""preferredMethods": ["email", "sms"]"#, #""preferredMethods": ["email", "fax"]"#), 422, "preferences.preferredMethods[1]"),
        (edit(#"{"method": "sms", "category""#, #"{"method": "pigeon", "category""#), 422, "preferences.optOut[0].method"),
        (edit(#""Bristol"]"#, #""Bristol", "4", "5", "6"]"#), 422, "postalAddress.lines"),
        (edit(#""country": "GB""#, #""country": "gb""#), 422, "postalAddress.country"),
        (edit(#""from": "21:00""#, #""form": "21:00""#), 422, "preferences.quietHours.form"),
        (edit(#""firstName": "Zoë""#, #""firstName": 7"#), 400, "firstName"),
        (edit(#""lines": ["Zoë Ångström""#, #""lines": [1"#), 400, "postalAddress.lines[0]"),
    ])
    func invalidCustomerNamesTheField(body: String, status: Int, field: String) async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let response = try await client.send(.put, "/v1/customers/C-8", key: APIHarness.triggerKey, json: body)
            #expect(response.isProblem(status), "\(response.text)")
            #expect(response.problemField == field, "\(response.text)")
            let notStored = try await client.send(.get, "/v1/customers/C-8")
            #expect(notStored.isProblem(404))
        }
    }

    @Test func accountsAndSubscriptions() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let account = try await client.send(.put, "/v1/accounts/A-9", key: APIHarness.triggerKey,
                                                json: #"{"customerId": "C-1001", "currency": "GBP", "amountDue": "123.45"}"#)
            #expect(account.status == .created, "\(account.text)")
            #expect(account.object["amountDue"] as? String == "123.45")
            let again = try await client.send(.put, "/v1/accounts/A-9", key: APIHarness.triggerKey,
                                              json: #"{"customerId": "C-1001", "currency": "GBP", "amountDue": "0.00"}"#)
            #expect(again.status == .ok)
            let storedAccount = try await client.send(.get, "/v1/accounts/A-9")
            #expect(storedAccount.object["amountDue"] as? String == "0.00")

            let subscription = try await client.send(.put, "/v1/subscriptions/S-9", key: APIHarness.triggerKey,
                                                     json: #"{"customerId": "C-1001", "accountId": "A-9", "msisdn": "+447700900123", "plan": "Unlimited"}"#)
            #expect(subscription.status == .created, "\(subscription.text)")
            let storedSubscription = try await client.send(.get, "/v1/subscriptions/S-9")
            #expect(storedSubscription.object["plan"] as? String == "Unlimited")
        }
    }

    @Test(arguments: [
        ("/v1/accounts/A-9", #"{"customerId": "C-404", "currency": "GBP"}"#, 422, "customerId"),
        ("/v1/accounts/A-9", #"{"currency": "GBP"}"#, 422, "customerId"),
        ("/v1/accounts/A-9", #"{"customerId": "C-1001", "currency": "gbp"}"#, 422, "currency"),
        ("/v1/accounts/A-9", #"{"customerId": "C-1001", "currency": "GBP", "amountDue": "12,50"}"#, 422, "amountDue"),
        ("/v1/accounts/A-9", #"{"customerId": "C-1001", "currency": "GBP", "amountDue": 12.5}"#, 400, "amountDue"),
        ("/v1/accounts/A-9", #"{"id": "A-8", "customerId": "C-1001", "currency": "GBP"}"#, 422, "id"),
        ("/v1/subscriptions/S-9", #"{"customerId": "C-1001", "msisdn": "447700900123"}"#, 422, "msisdn"),
        ("/v1/subscriptions/S-9", #"{"customerId": "C-404"}"#, 422, "customerId"),
        ("/v1/subscriptions/S-9", #"{"customerId": "C-1001", "accountId": "A-404"}"#, 422, "accountId"),
        ("/v1/subscriptions/S-9", #"{"customerId": "C-1001", "accountId": "A-2002"}"#, 422, "accountId"),
    ])
    func invalidAccountOrSubscriptionNamesTheField(path: String, body: String, status: Int, field: String) async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let response = try await client.send(.put, path, key: APIHarness.triggerKey, json: body)
            #expect(response.isProblem(status), "\(response.text)")
            #expect(response.problemField == field, "\(response.text)")
        }
    }
}
