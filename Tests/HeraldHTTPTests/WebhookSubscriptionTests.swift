import Foundation
import HTTPTypes
import HeraldCore
import HeraldHTTP
import HeraldSQLite
import HummingbirdTesting
import Testing

/// `/v1/webhook-subscriptions` and `/v1/webhook-deliveries`: admin only, bad input named, the
/// secret shown once, dead letters listed and redelivered.
@Suite("Status callback subscriptions")
struct WebhookSubscriptionTests {
    static let secret = "whsec_" + Data(repeating: 9, count: 32).base64EncodedString()

    @Test func createListGetAndDelete() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let created = try await client.send(.post, "/v1/webhook-subscriptions", json: """
                {"url": "https://billing.example.net/hooks", "events": ["distribution.status_changed"], "commsCodes": ["WELCOME"],
                 "sources": ["api", "import"], "description": "billing"}
                """)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.object["id"] as? String)
            #expect(id.hasPrefix("wsub_"))
            let secret = try #require(created.object["secret"] as? String)
            #expect(WebhookSubscription.isValidSecret(secret))
            #expect(created.object["events"] as? [String] == ["distribution.status_changed"])
            #expect(created.object["sources"] as? [String] == ["api", "import"])
            #expect(created.object["origin"] as? String == "api")

            let given = try await client.send(.post, "/v1/webhook-subscriptions", json: """
                {"url": "http://crm.example.net/in", "secret": "\(Self.secret)"}
                """)
            #expect(given.status == .created && given.object["secret"] as? String == Self.secret)
            #expect(given.object["events"] as? [String] == ["request.status_changed", "distribution.status_changed"])
            #expect(given.object["commsCodes"] is NSNull)

            let list = try await client.send(.get, "/v1/webhook-subscriptions")
            let items = try #require(list.object["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.allSatisfy { $0["secret"] == nil }, "the secret is shown only when created")
            let one = try await client.send(.get, "/v1/webhook-subscriptions/\(id)")
            #expect(one.status == .ok && one.object["secret"] == nil && one.object["url"] as? String == "https://billing.example.net/hooks")

            let deleted = try await client.send(.delete, "/v1/webhook-subscriptions/\(id)")
            #expect(deleted.status == .noContent)
            let again = try await client.send(.delete, "/v1/webhook-subscriptions/\(id)")
            #expect(again.status == .notFound)
            let after = try await client.send(.get, "/v1/webhook-subscriptions")
            #expect((after.object["items"] as? [[String: Any]])?.count == 1)
            #expect(try await client.send(.get, "/v1/webhook-subscriptions/\(id)").object["deletedAt"] is String)
        }
    }

    @Test(arguments: [
        (#"{"events": ["request.status_changed"]}"#, "url"),
        (#"{"url": "ftp://x.example.net/"}"#, "url"),
        (#"{"url": "https://x.example.net/", "secret": "plain"}"#, "secret"),
        (#"{"url": "https://x.example.net/", "events": ["request.created"]}"#, "events"),
        (#"{"url": "https://x.example.net/", "events": []}"#, "events"),
        (#"{"url": "https://x.example.net/", "sources": ["fax"]}"#, "sources"),
        (#"{"url": "https://x.example.net/", "commsCodes": "WELCOME"}"#, "commsCodes"),
        (#"{"url": "https://x.example.net/", "colour": "red"}"#, "colour"),
    ])
    func badSubscriptionsAreRefusedNamingTheField(_ body: String, _ field: String) async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let r = try await client.send(.post, "/v1/webhook-subscriptions", json: body)
            #expect(r.status.code == 422 || r.status.code == 400, "\(r.text)")
            #expect(r.problemField == field, "\(r.text)")
            let list = try await client.send(.get, "/v1/webhook-subscriptions")
            #expect((list.object["items"] as? [[String: Any]])?.isEmpty == true, "nothing half-written")
        }
    }

    @Test func onlyAdminsManageSubscriptionsAndDeliveries() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            for key in [APIHarness.triggerKey, APIHarness.agentKey, APIHarness.statusKey, APIHarness.inboxKey] {
                let list = try await client.send(.get, "/v1/webhook-subscriptions", key: key)
                let create = try await client.send(.post, "/v1/webhook-subscriptions", key: key, json: #"{"url": "https://x.example.net/"}"#)
                let failed = try await client.send(.get, "/v1/webhook-deliveries?status=failed", key: key)
                let redeliver = try await client.send(.post, "/v1/webhook-deliveries/1/redeliver", key: key)
                #expect([list, create, failed, redeliver].allSatisfy { $0.status == .forbidden })
            }
            #expect(try await client.send(.get, "/v1/webhook-subscriptions", key: nil).status == .unauthorized)
        }
    }

    @Test func deadLettersAreListedAndRedelivered() async throws {
        let h = try await APIHarness()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        try await h.store.addWebhookSubscription(WebhookSubscription(id: "wsub_test", url: "https://x.example.net/", secret: Self.secret,
                                                                     origin: .api, createdAt: t0))
        let r = CommsRequest(id: Identifier.make(now: t0), commsCode: "WELCOME", priority: 2, status: .awaitingProcessing,
                             target: TargetRef(.customer, "C-1001"), source: .api, createdBy: "test", createdAt: t0)
        _ = try await h.store.submit(TriggerSubmission(requests: [r], actor: "test"), idempotencyWindow: .seconds(60))
        let ticket = ClaimTicket(worker: "t", now: t0, lease: .seconds(30))
        let item = try #require(try await h.store.claim(.callback, ticket: ticket, limit: 1).first?.callback)
        var dead = try CallbackTransition(item.delivery, to: .failed, at: t0)
        dead.attempts = 12
        dead.lastError = "gave up after 12 attempts: HTTP 503"
        dead.responseStatus = 503
        _ = try await h.store.commit([Change(requestId: r.id, callback: dead)], ticket: ticket)
        try await h.run { client in
            let failed = try await client.send(.get, "/v1/webhook-deliveries?status=failed")
            #expect(failed.status == .ok, "\(failed.text)")
            let items = try #require(failed.object["items"] as? [[String: Any]])
            #expect(items.count == 1)
            let d = try #require(items.first)
            #expect(d["requestId"] as? String == r.id && d["subscriptionId"] as? String == "wsub_test")
            #expect(d["status"] as? String == "failed" && d["statusCode"] as? String == "F" && d["attempts"] as? Int == 12)
            #expect(d["responseStatus"] as? Int == 503 && d["lastError"] as? String == "gave up after 12 attempts: HTTP 503")
            #expect(failed.object["nextCursor"] is NSNull)
            let id = try #require(d["id"] as? String)
            #expect((try await client.send(.get, "/v1/webhook-deliveries?status=waiting").object["items"] as? [[String: Any]])?.isEmpty == true)

            let redone = try await client.send(.post, "/v1/webhook-deliveries/\(id)/redeliver")
            #expect(redone.status == .ok, "\(redone.text)")
            #expect(redone.object["status"] as? String == "waiting" && redone.object["attempts"] as? Int == 0)
            #expect((try await client.send(.get, "/v1/webhook-deliveries?status=failed").object["items"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await client.send(.post, "/v1/webhook-deliveries/\(id)/redeliver").status == .conflict)
            #expect(try await client.send(.post, "/v1/webhook-deliveries/424242/redeliver").status == .notFound)
            #expect(try await client.send(.get, "/v1/webhook-deliveries?status=lost").problemField == "status")
            #expect(try await client.send(.get, "/v1/webhook-deliveries?colour=red").problemField == "colour")
        }
    }
}
