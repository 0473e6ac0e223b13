import Foundation
import HTTPTypes
import HeraldCore
import HeraldHTTP
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Comms requests")
struct CommsRequestTests {
    @Test func createReturns201AndTheFullRepresentation() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let created = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: welcomeBody())
            #expect(created.status == .created)
            #expect(created.headers[.contentType] == "application/json")
            let body = created.object
            let id = try #require(body["id"] as? String)
            #expect(body["commsCode"] as? String == "WELCOME")
            #expect(body["priority"] as? Int == 2)
            #expect(body["requestStatus"] as? String == "awaitingProcessing")
            #expect(body["requestStatusCode"] as? String == "A")
            #expect(body["accountId"] as? String == "A-2001")
            #expect(body["customerId"] == nil && body["subscriptionId"] == nil)
            #expect(body["overrideMethod"] as? String == "email")
            #expect(body["fields"] as? [String: String] == ["OFFERCODE": "SPRING"])
            #expect(body["source"] as? String == "api")
            #expect(body["createdBy"] as? String == "api:trigger-system")
            for key in ["workflowEventId", "externalTriggerId", "copyOf", "distribution"] {
                #expect(body[key] is NSNull, "\(key) should be null")
            }
            #expect(body["history"] is [Any])
            #expect((body["errors"] as? [Any])?.isEmpty == true)
            let createdAt = try #require(body["createdAt"] as? String)
            #expect(createdAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(createdAt)")

            let fetched = try await client.send(.get, "/v1/comms-requests/\(id)", key: APIHarness.agentKey)
            #expect(fetched.status == .ok)
            #expect(fetched.object["id"] as? String == id)
            // The 201 is built from what was written, not read back: it must say exactly what
            // a read says (no pipeline runs in this harness).
            #expect(String(buffer: created.body) == String(buffer: fetched.body))
            #expect(fetched.object["requestStatusCode"] as? String == "A")
            let byTrigger = try await client.send(.get, "/v1/comms-requests/\(id)", key: APIHarness.triggerKey)
            #expect(byTrigger.status == .ok)
        }
    }

    @Test func getUnknownIs404Problem() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let response = try await client.send(.get, "/v1/comms-requests/nope")
            #expect(response.isProblem(404))
        }
    }

    @Test func idempotentReplayReturns200WithTheSameId() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let first = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: welcomeBody(),
                                              headers: ["Idempotency-Key": "7f3c-1"])
            #expect(first.status == .created)
            // Same content, different formatting and key order.
            let reformatted = #"{ "fields":{"OFFERCODE":"SPRING"},"deliveryMethod":"email","priority":2,"accountId":"A-2001","commsCode":"WELCOME" }"#
            let replay = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: reformatted,
                                               headers: ["Idempotency-Key": "7f3c-1"])
            #expect(replay.status == .ok)
            #expect(replay.object["id"] as? String == first.object["id"] as? String)
        }
        #expect(try await h.requestCount() == 1)
    }

    @Test func sameKeyDifferentBodyIs409AndStoresNothing() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let first = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: welcomeBody(),
                                              headers: ["Idempotency-Key": "k-2"])
            #expect(first.status == .created)
            let other = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: welcomeBody(offer: "SUMMER"),
                                              headers: ["Idempotency-Key": "k-2"])
            #expect(other.isProblem(409))
            #expect(other.problemField == "Idempotency-Key")
        }
        #expect(try await h.requestCount() == 1)
    }

    @Test func cancelWaitingRequestThenAgainIs409() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let created = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: welcomeBody())
            let id = try #require(created.object["id"] as? String)
            let cancelled = try await client.send(.post, "/v1/comms-requests/\(id)/cancel", key: APIHarness.agentKey,
                                                  json: #"{"reason": "customer asked"}"#)
            #expect(cancelled.status == .ok)
            #expect(cancelled.object["requestStatus"] as? String == "cancelled")
            #expect(cancelled.object["requestStatusCode"] as? String == "C")
            let history = try #require(cancelled.object["history"] as? [[String: Any]])
            let last = try #require(history.last)
            #expect(last["to"] as? String == "cancelled")
            #expect(last["from"] as? String == "awaitingProcessing")
            #expect(last["actor"] as? String == "api:agent-desk")
            #expect(last["reason"] as? String == "customer asked")

            let again = try await client.send(.post, "/v1/comms-requests/\(id)/cancel", key: APIHarness.agentKey)
            #expect(again.isProblem(409))
            let unknown = try await client.send(.post, "/v1/comms-requests/nope/cancel", key: APIHarness.agentKey)
            #expect(unknown.isProblem(404))
            let typo = try await client.send(.post, "/v1/comms-requests/\(id)/cancel", key: APIHarness.agentKey, json: #"{"reson": "x"}"#)
            #expect(typo.isProblem(422))
            #expect(typo.problemField == "reson")
            let byTrigger = try await client.send(.post, "/v1/comms-requests/\(id)/cancel", key: APIHarness.triggerKey)
            #expect(byTrigger.isProblem(403))
        }
    }
}
