import HeraldAppTestSupport
import Foundation
import HTTPTypes
import HeraldApp
import HeraldCore
import HeraldSQLite
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

/// Through the HTTP API, the Comms Monitor, the Email/Letter Monitors and the senders, to files
/// in the outbox — the same handlers `herald serve` runs.
struct EndToEndTests {
    @Test func aCommTravelsFromTheAPIToTheOutbox() async throws {
        let runtime = try await makeRuntime("e2e")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            var r = try await client.call(.put, "/v1/customers/C-9", json: """
                {"title": "Ms", "firstName": "Zoë", "lastName": "Ångström", "language": "en", "timeZone": "Europe/London",
                 "email": "zoe@example.net", "mobile": "+447700900123",
                 "postalAddress": {"lines": ["Zoë Ångström", "12 Harbour Street", "Bristol"], "postcode": "BS1 4AB", "country": "GB"},
                 "preferences": {"preferredMethods": ["email", "sms"]}}
                """)
            #expect(r.status == .created)
            r = try await client.call(.put, "/v1/accounts/A-9", json: #"{"customerId": "C-9", "currency": "GBP", "amountDue": "123.45"}"#)
            #expect(r.status == .created)
            r = try await client.call(.put, "/v1/subscriptions/S-9", json: #"{"customerId": "C-9", "accountId": "A-9", "msisdn": "+447700900123", "plan": "Unlimited"}"#)
            #expect(r.status == .created)

            // An email (preferred), an SMS (override), and a letter through an OnResolve event.
            r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "WELCOME", "accountId": "A-9", "fields": {"OFFERCODE": "SPRING"}}"#,
                                      headers: [HTTPField.Name("Idempotency-Key")!: "k-1"])
            #expect(r.status == .created)
            let emailId = try #require(r.object["id"] as? String)
            #expect(r.object["requestStatus"] as? String == "awaitingProcessing")
            #expect(r.object["requestStatusCode"] as? String == "A")
            r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "WELCOME", "accountId": "A-9", "fields": {"OFFERCODE": "SPRING"}}"#,
                                      headers: [HTTPField.Name("Idempotency-Key")!: "k-1"])
            #expect(r.status == .ok)
            #expect(r.object["id"] as? String == emailId)
            r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "DATA_80", "subscriptionId": "S-9", "deliveryMethod": "sms", "priority": 1, "fields": {"PERCENT": "80"}}"#)
            let smsId = try #require(r.object["id"] as? String)
            r = try await client.call(.post, "/v1/workflow-events", json: #"{"eventType": "DEBT", "eventCode": "DBAR", "accountId": "A-9", "whenToCreate": "OnResolve"}"#)
            #expect(r.status == .created)
            let eventId = try #require(r.object["id"] as? String)
            let letterId = try #require((r.object["commsRequestIds"] as? [String])?.first)

            try await runtime.runUntilQuiet()
            r = try await client.call(.get, "/v1/comms-requests/\(letterId)")
            #expect(r.object["requestStatus"] as? String == "awaitingEventResolution")
            r = try await client.call(.post, "/v1/workflow-events/\(eventId)/resolve")
            #expect(r.status == .ok)
            try await runtime.runUntilQuiet()

            for (id, method, extensionName) in [(emailId, "email", "eml"), (smsId, "sms", "ndjson"), (letterId, "email", "eml")] {
                r = try await client.call(.get, "/v1/comms-requests/\(id)")
                #expect(r.status == .ok)
                #expect(r.object["requestStatus"] as? String == "processed")
                let d = try #require(r.object["distribution"] as? [String: Any])
                #expect(d["deliveryMethod"] as? String == method)
                #expect(d["distributionStatus"] as? String == "sent")
                #expect(d["distributionStatusCode"] as? String == "S")
                let reference = try #require(d["reference"] as? String)
                // `outbox:sms/<file>.ndjson#<line>` for spooled text, `outbox:email/<id>.eml` for documents.
                let parts = reference.dropFirst("outbox:".count).split(separator: "#")
                #expect(reference.hasPrefix("outbox:\(method)/") && parts[0].hasSuffix(".\(extensionName)"))
                let file = runtime.settings.outboxDirectory.appendingPathComponent(String(parts[0]))
                var content = try String(contentsOf: file, encoding: .utf8)
                if parts.count == 2, let line = Int(parts[1]) {
                    content = String(content.split(separator: "\n")[line - 1])
                    #expect(content.contains(id))
                }
                if method == "sms" {
                    #expect(content.contains("80%"))
                    #expect(content.contains("+447700900123"))
                } else {
                    #expect(content.contains("To: "))
                    #expect(content.contains("zoe@example.net"))
                }
                let history = try #require(r.object["history"] as? [[String: Any]])
                #expect(history.contains { $0["to"] as? String == "sent" })
            }

            // The merged SMS is in the distribution; the quiet pipeline leaves no queue behind.
            r = try await client.call(.get, "/v1/comms-requests?accountId=A-9&limit=2")
            #expect((r.object["items"] as? [Any])?.count == 2)
            let cursor = try #require(r.object["nextCursor"] as? String)
            r = try await client.call(.get, "/v1/comms-requests?accountId=A-9&limit=2&cursor=\(cursor)")
            #expect((r.object["items"] as? [Any])?.count == 1)
            r = try await client.call(.get, "/metrics", key: nil)
            #expect(r.text.contains("herald_queue_depth{stage=\"monitor\"} 0"))
        }
    }

    @Test func aRejectedTriggerLeavesNoRow() async throws {
        let runtime = try await makeRuntime("reject")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "NOPE", "customerId": "C-1"}"#)
            #expect(r.status.code == 422)
            #expect(r.object["field"] as? String == "commsCode")
            let missingKey = try await client.call(.get, "/v1/comms-requests", key: nil)
            #expect(missingKey.status == .unauthorized)
        }
        #expect(try await runtime.store.requests(RequestQuery()).items.isEmpty)
    }
}
