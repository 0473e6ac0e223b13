import Foundation
import HTTPTypes
import HeraldHTTP
import HummingbirdTesting
import Testing

@Suite("External triggers")
struct ExternalTriggerTests {
    static let sendComm = #"{"triggerId": "ocs-1", "source": "ocs", "action": "sendComm", "commsCode": "DATA_80", "subscriptionId": "S-3001", "fields": {"ALLOWANCEPERCENT": "80"}}"#

    @Test func sendCommCreatesARequestAndReplayReturnsIt() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let first = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: Self.sendComm)
            #expect(first.status == .created)
            #expect(first.object["triggerId"] as? String == "ocs-1")
            #expect(first.object["eventId"] is NSNull)
            let ids = try #require(first.object["commsRequestIds"] as? [String])
            #expect(ids.count == 1)

            let request = try await client.send(.get, "/v1/comms-requests/\(ids[0])")
            #expect(request.object["externalTriggerId"] as? String == "ocs-1")
            #expect(request.object["source"] as? String == "externalTrigger")
            #expect(request.object["subscriptionId"] as? String == "S-3001")
            #expect(request.object["priority"] as? Int == 1)

            let replay = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: Self.sendComm)
            #expect(replay.status == .ok)
            #expect(replay.object["commsRequestIds"] as? [String] == ids)

            let changed = Self.sendComm.replacingOccurrences(of: #""80""#, with: #""90""#)
            let conflict = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: changed)
            #expect(conflict.isProblem(409))
        }
        #expect(try await h.requestCount() == 1)
    }

    @Test func raiseEventCreatesAnEvent() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let body = #"{"triggerId": "crm-9", "source": "crm", "action": "raiseEvent", "eventType": "DEBT", "eventCode": "DBAR", "whenToCreate": "OnResolve", "accountId": "A-2001"}"#
            let response = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: body)
            #expect(response.status == .created)
            let eventId = try #require(response.object["eventId"] as? String)
            let ids = try #require(response.object["commsRequestIds"] as? [String])
            #expect(ids.count == 1)
            let request = try await client.send(.get, "/v1/comms-requests/\(ids[0])")
            #expect(request.object["requestStatusCode"] as? String == "R")
            #expect(request.object["workflowEventId"] as? String == eventId)
            let resolved = try await client.send(.post, "/v1/workflow-events/\(eventId)/resolve", key: APIHarness.triggerKey)
            #expect(resolved.object["state"] as? String == "resolved")
        }
    }

    @Test(arguments: [
        (#"{"source": "ocs", "action": "sendComm", "commsCode": "DATA_80", "subscriptionId": "S-3001"}"#, "triggerId"),
        (#"{"triggerId": "t", "commsCode": "DATA_80", "subscriptionId": "S-3001"}"#, "action"),
        (#"{"triggerId": "t", "action": "shout", "commsCode": "DATA_80", "subscriptionId": "S-3001"}"#, "action"),
        (#"{"triggerId": "t", "action": "sendComm", "subscriptionId": "S-3001"}"#, "commsCode"),
        (#"{"triggerId": "t", "action": "sendComm", "commsCode": "DATA_80", "subscriptionId": "S-404"}"#, "subscriptionId"),
        (#"{"triggerId": "t", "action": "sendComm", "commsCode": "DATA_80", "subscriptionId": "S-3001", "priorty": 1}"#, "priorty"),
    ])
    func invalidTriggerIs422(body: String, field: String) async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let response = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: body)
            #expect(response.isProblem(422), "\(response.text)")
            #expect(response.problemField == field)
        }
        #expect(try await h.requestCount() == 0)
    }
}
