import Foundation
import HTTPTypes
import HeraldHTTP
import HummingbirdTesting
import Testing

@Suite("Workflow events")
struct WorkflowEventTests {
    static let onResolve = #"{"eventType": "DEBT", "eventCode": "DBAR", "accountId": "A-2001", "whenToCreate": "OnResolve"}"#

    @Test func onResolveWaitsThenResolveReleases() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let raised = try await client.send(.post, "/v1/workflow-events", key: APIHarness.triggerKey, json: Self.onResolve)
            #expect(raised.status == .created)
            let eventId = try #require(raised.object["id"] as? String)
            let ids = try #require(raised.object["commsRequestIds"] as? [String])
            #expect(ids.count == 1)
            let requestId = try #require(ids.first)

            let waiting = try await client.send(.get, "/v1/comms-requests/\(requestId)")
            #expect(waiting.object["requestStatus"] as? String == "awaitingEventResolution")
            #expect(waiting.object["requestStatusCode"] as? String == "R")
            #expect(waiting.object["workflowEventId"] as? String == eventId)
            #expect(waiting.object["commsCode"] as? String == "PAYMENT_REMINDER")

            let resolved = try await client.send(.post, "/v1/workflow-events/\(eventId)/resolve", key: APIHarness.triggerKey)
            #expect(resolved.status == .ok)
            #expect(resolved.object["id"] as? String == eventId)
            #expect(resolved.object["state"] as? String == "resolved")
            #expect(resolved.object["commsRequestIds"] as? [String] == [requestId])

            let released = try await client.send(.get, "/v1/comms-requests/\(requestId)")
            #expect(released.object["requestStatus"] as? String == "awaitingProcessing")

            let again = try await client.send(.post, "/v1/workflow-events/\(eventId)/resolve", key: APIHarness.triggerKey)
            #expect(again.isProblem(409))
            let cancelResolved = try await client.send(.post, "/v1/workflow-events/\(eventId)/cancel", key: APIHarness.triggerKey)
            #expect(cancelResolved.isProblem(409))
            let unknown = try await client.send(.post, "/v1/workflow-events/nope/resolve", key: APIHarness.triggerKey)
            #expect(unknown.isProblem(404))
        }
    }

    @Test func cancelEventCancelsWaitingRequests() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let raised = try await client.send(.post, "/v1/workflow-events", key: APIHarness.triggerKey, json: Self.onResolve)
            let eventId = try #require(raised.object["id"] as? String)
            let requestId = try #require((raised.object["commsRequestIds"] as? [String])?.first)
            let cancelled = try await client.send(.post, "/v1/workflow-events/\(eventId)/cancel", key: APIHarness.triggerKey)
            #expect(cancelled.status == .ok)
            #expect(cancelled.object["state"] as? String == "cancelled")
            let request = try await client.send(.get, "/v1/comms-requests/\(requestId)")
            #expect(request.object["requestStatus"] as? String == "cancelled")
            #expect(request.object["requestStatusCode"] as? String == "C")
        }
    }

    @Test func onCreateIsReadyAndReplayIs200() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let body = #"{"eventType": "DEBT", "eventCode": "DBAR", "customerId": "C-1001"}"#
            let first = try await client.send(.post, "/v1/workflow-events", key: APIHarness.triggerKey, json: body,
                                              headers: ["Idempotency-Key": "ev-1"])
            #expect(first.status == .created)
            let requestId = try #require((first.object["commsRequestIds"] as? [String])?.first)
            let request = try await client.send(.get, "/v1/comms-requests/\(requestId)")
            #expect(request.object["requestStatusCode"] as? String == "A")
            let replay = try await client.send(.post, "/v1/workflow-events", key: APIHarness.triggerKey, json: body,
                                               headers: ["Idempotency-Key": "ev-1"])
            #expect(replay.status == .ok)
            #expect(replay.object["id"] as? String == first.object["id"] as? String)
        }
    }

    @Test(arguments: [
        (#"{"eventCode": "DBAR", "accountId": "A-2001"}"#, "eventType"),
        (#"{"eventType": "DEBT", "eventCode": "DB AR!", "accountId": "A-2001"}"#, "eventCode"),
        (#"{"eventType": "DEBT", "eventCode": "DBAR", "accountId": "A-2001", "whenToCreate": "Later"}"#, "whenToCreate"),
        (#"{"eventType": "DEBT", "eventCode": "DBAR"}"#, "customerId"),
        (#"{"eventType": "DEBT", "eventCode": "DBAR", "accountId": "A-2001", "when": "OnCreate"}"#, "when"),
    ])
    func invalidEventIs422(body: String, field: String) async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let response = try await client.send(.post, "/v1/workflow-events", key: APIHarness.triggerKey, json: body)
            #expect(response.isProblem(422), "\(response.text)")
            #expect(response.problemField == field)
        }
        #expect(try await h.requestCount() == 0)
    }
}
