import Foundation
import HTTPTypes
import HeraldCore
import HeraldHTTP
import HeraldSQLite
import HummingbirdTesting
import Testing

/// `POST /v1/status-updates`: external systems report sent, delivered, undeliverable, error
/// and read, by request id or provider reference; each item on its own; idempotent by updateId.
@Suite("Status updates in")
struct StatusUpdateTests {
    /// A request for C-1001 whose distribution is moved to `status` (with `reference` once sent).
    @discardableResult
    static func comm(_ h: APIHarness, code: String = "DATA_80", method: DeliveryMethod = .sms, status: DistributionStatus,
                     reference: String? = nil, at: Date = Date(timeIntervalSince1970: 1_800_000_000)) async throws -> String {
        let r = CommsRequest(id: Identifier.make(now: at), commsCode: code, priority: 2, status: .awaitingProcessing,
                             target: TargetRef(.customer, "C-1001"), source: .api, createdBy: "test", createdAt: at)
        _ = try await h.store.submit(TriggerSubmission(requests: [r], actor: "test"), idempotencyWindow: .seconds(60))
        let d = Distribution(id: Identifier.make(now: at), requestId: r.id, method: method, target: "+447700900123",
                             status: .awaitingDistribution, message: "hi", language: "en", createdAt: at)
        let monitor = try RequestTransition(requestId: r.id, from: .awaitingProcessing, to: .processed, actor: "monitor", at: at)
        _ = try await h.store.commit([Change(requestId: r.id, request: monitor, newDistribution: d)], ticket: nil)
        if status != .awaitingDistribution {
            var t = try DistributionTransition(distribution: d, to: status, actor: "sender", at: at)
            t.sentAt = at
            t.reference = reference
            _ = try await h.store.commit([Change(requestId: r.id, distribution: t)], ticket: nil)
        }
        return r.id
    }

    static func items(_ r: TestResponse) -> [[String: Any]] { r.object["items"] as? [[String: Any]] ?? [] }

    @Test func everyKindOfUpdateAndItsResult() async throws {
        let h = try await APIHarness()
        let sent = try await Self.comm(h, status: .sent, reference: "SMSC-77")
        let published = try await Self.comm(h, method: .online, status: .published)
        let waiting = try await Self.comm(h, status: .awaitingDistribution)
        let delivered = try await Self.comm(h, status: .sent)
        let body = """
            [
             {"updateId": "u1", "requestId": "\(sent)", "status": "sent", "at": "2027-01-15T08:01:00Z", "actualMethod": "sms", "actualTarget": "+447700900999"},
             {"updateId": "u2", "reference": "SMSC-77", "status": "delivered", "at": "2027-01-15T08:02:00Z"},
             {"updateId": "u3", "requestId": "\(published)", "status": "read", "at": "2027-01-15T09:00:00Z"},
             {"updateId": "u4", "requestId": "\(waiting)", "status": "error", "reason": "portal refused", "code": "E42"},
             {"updateId": "u5", "requestId": "nope", "status": "delivered"},
             {"updateId": "u6", "requestId": "\(published)", "status": "undeliverable"},
             {"updateId": "u7", "requestId": "\(sent)", "status": "undeliverable"},
             {"requestId": "\(sent)", "status": "read"},
             {"updateId": "u9", "requestId": "\(sent)", "status": "opened"},
             {"updateId": "u10", "requestId": "\(sent)", "status": "read", "colour": "red"},
             {"updateId": "u11", "requestId": "\(delivered)", "status": "delivered"},
             {"updateId": "u12", "requestId": "\(delivered)", "status": "read", "at": "2027-01-15T10:00:00Z"}
            ]
            """
        try await h.run { client in
            let r = try await client.send(.post, "/v1/status-updates", key: APIHarness.statusKey, json: body)
            #expect(r.status == .ok, "\(r.text)")
            let items = Self.items(r)
            #expect(items.map { $0["updateId"] as? String } == ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "", "u9", "u10", "u11", "u12"])
            #expect(items.map { $0["result"] as? String } == [
                "applied", "applied", "applied", "applied", "unknown", "illegal", "ignored", "invalid", "invalid", "invalid", "applied", "applied",
            ], "\(items)")
            #expect((items[5]["detail"] as? String)?.contains("(it is published)") == true)
            #expect((items[6]["detail"] as? String) == "already delivered")
            #expect((items[7]["detail"] as? String)?.contains("updateId is required") == true)
            #expect((items[8]["detail"] as? String)?.contains("status must be one of sent, delivered, undeliverable, error, read") == true)
            #expect((items[9]["detail"] as? String)?.contains("unknown field 'colour'") == true)

            // The request JSON shows the actual send and the read, by the reporter's clock.
            let s = try await client.send(.get, "/v1/comms-requests/\(sent)")
            let d = try #require(s.object["distribution"] as? [String: Any])
            #expect(d["distributionStatus"] as? String == "delivered")
            #expect(d["actualMethod"] as? String == "sms")
            #expect(d["actualTarget"] as? String == "+447700900999")
            #expect(d["actualSentAt"] as? String == "2027-01-15T08:01:00.000Z")
            let history = try #require(s.object["history"] as? [[String: Any]])
            #expect(history.last?["actor"] as? String == "api:ack")
            let p = try await client.send(.get, "/v1/comms-requests/\(published)")
            #expect((p.object["distribution"] as? [String: Any])?["readAt"] as? String == "2027-01-15T09:00:00.000Z")
            let w = try await client.send(.get, "/v1/comms-requests/\(waiting)")
            let wd = try #require(w.object["distribution"] as? [String: Any])
            #expect(wd["distributionStatus"] as? String == "errorNoRetry")
            #expect(wd["lastError"] as? String == "code E42: portal refused")
            let v = try await client.send(.get, "/v1/comms-requests/\(delivered)")
            #expect((v.object["distribution"] as? [String: Any])?["readAt"] as? String == "2027-01-15T10:00:00.000Z")

            // The same updates again: the same answers, nothing written twice.
            let historyBefore = history.count
            let again = try await client.send(.post, "/v1/status-updates", key: APIHarness.statusKey, json: body)
            #expect(Self.items(again).map { $0["result"] as? String } == items.map { $0["result"] as? String })
            #expect(Self.items(again).map { $0["detail"] as? String } == items.map { $0["detail"] as? String })
            let s2 = try await client.send(.get, "/v1/comms-requests/\(sent)")
            #expect((s2.object["history"] as? [[String: Any]])?.count == historyBefore)
        }
    }

    @Test func aThousandItemsWithBadOnesMixedIn() async throws {
        let h = try await APIHarness()
        var ids: [String] = []
        for _ in 0..<10 { ids.append(try await Self.comm(h, status: .sent)) }
        let items = (0..<1000).map { i -> String in
            switch i % 100 {
            case 7: return #"{"updateId": "b\#(i)", "status": "delivered"}"#
            case 13: return #"{"updateId": "b\#(i)", "requestId": "\#(ids[0])", "status": "delivered", "at": "yesterday"}"#
            default: return #"{"updateId": "b\#(i)", "requestId": "\#(ids[i % 10])", "status": "delivered"}"#
            }
        }
        try await h.run { client in
            let r = try await client.send(.post, "/v1/status-updates", key: APIHarness.statusKey, json: "[" + items.joined(separator: ",") + "]")
            let results = Self.items(r).compactMap { $0["result"] as? String }
            #expect(results.count == 1000)
            #expect(results.filter { $0 == "invalid" }.count == 20)
            #expect(results.filter { $0 == "applied" }.count == 10)  // each comm's first delivered
            #expect(results.filter { $0 == "ignored" }.count == 970)  // already delivered
            let tooMany = try await client.send(.post, "/v1/status-updates", key: APIHarness.statusKey,
                                                json: "[" + Array(repeating: #"{"updateId": "x"}"#, count: 1001).joined(separator: ",") + "]")
            #expect(tooMany.isProblem(422))
            let notArray = try await client.send(.post, "/v1/status-updates", key: APIHarness.statusKey, json: #"{"updateId": "x"}"#)
            #expect(notArray.isProblem(400))
            #expect(try await client.send(.post, "/v1/status-updates", key: APIHarness.triggerKey, json: "[]").status == .forbidden)
        }
        for id in ids {
            #expect(try await h.store.request(id: id)?.distribution?.status == .delivered)
        }
    }

    @Test func earlyReportsApplyWhenSentAgainAndAReusedUpdateIdIsRefused() async throws {
        let h = try await APIHarness()
        let waiting = try await Self.comm(h, method: .online, status: .awaitingDistribution)
        try await h.run { client in
            let read = #"[{"updateId": "r1", "requestId": "\#(waiting)", "status": "read"}]"#
            // Read before it is published: illegal now, and not remembered.
            let early = try await client.send(.post, "/v1/status-updates", key: APIHarness.statusKey, json: read)
            #expect(Self.items(early).first?["result"] as? String == "illegal")
            let d = try #require(try await h.store.request(id: waiting)?.distribution)
            var t = try DistributionTransition(distribution: d, to: .published, actor: "sender", at: Date())
            t.sentAt = Date()
            _ = try await h.store.commit([Change(requestId: waiting, distribution: t)], ticket: nil)
            let later = try await client.send(.post, "/v1/status-updates", key: APIHarness.statusKey, json: read)
            #expect(Self.items(later).first?["result"] as? String == "applied")
            // The same updateId for another update is refused, not answered as the first.
            let reused = try await client.send(.post, "/v1/status-updates", key: APIHarness.statusKey,
                                               json: #"[{"updateId": "r1", "requestId": "\#(waiting)", "status": "delivered"}]"#)
            #expect(Self.items(reused).first?["result"] as? String == "invalid")
            #expect((Self.items(reused).first?["detail"] as? String)?.contains("was used before for a different update") == true)
            // A different key has its own updateIds.
            let other = try await client.send(.post, "/v1/status-updates", key: APIHarness.adminKey,
                                              json: #"[{"updateId": "r1", "requestId": "\#(waiting)", "status": "delivered"}]"#)
            #expect(Self.items(other).first?["result"] as? String == "applied")
        }
    }

    @Test func aKeyLimitedToOneSystemReportsOnlyItsComms() async throws {
        let h = try await APIHarness()
        let portal = try await Self.comm(h, code: "PORTING_NOTICE", method: .external, status: .sent)
        let other = try await Self.comm(h, status: .sent)
        try await h.run { client in
            let r = try await client.send(.post, "/v1/status-updates", key: APIHarness.portalStatusKey, json: """
                [{"updateId": "p1", "requestId": "\(portal)", "status": "delivered"},
                 {"updateId": "p2", "requestId": "\(other)", "status": "delivered"}]
                """)
            let items = Self.items(r)
            // Another system's comm is answered as if it did not exist: the key learns nothing of it.
            #expect(items.map { $0["result"] as? String } == ["applied", "unknown"])
            #expect(items[1]["detail"] as? String == "no comm with request id \(other)")
            #expect(items[1]["requestId"] is NSNull)
            let detail = try await client.send(.get, "/v1/comms-requests/\(portal)")
            #expect((detail.object["history"] as? [[String: Any]])?.last?["actor"] as? String == "system:PORTAL")
        }
        #expect(try await h.store.request(id: other)?.distribution?.status == .sent)
    }
}
