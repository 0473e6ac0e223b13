import Foundation
import HTTPTypes
import HeraldCore
import HeraldHTTP
import HeraldSQLite
import HummingbirdTesting
import Testing

/// The customer portal's inbox: published online comms of one customer only, newest first,
/// cursor pages, the unread count, and the first read recorded as `readAt`.
@Suite("Online inbox")
struct InboxTests {
    /// Stores a request for `customer` with an online distribution moved to `status`
    /// (published by default), as the monitor and the online sender would.
    @discardableResult
    func online(_ h: APIHarness, customer: String, text: String, status: DistributionStatus = .published,
                method: DeliveryMethod = .online, inboxOf: String? = nil, at: Date) async throws -> String {
        let r = CommsRequest(id: Identifier.make(now: at), commsCode: "BILL_READY", priority: 2, status: .awaitingProcessing,
                             target: TargetRef(.customer, customer), source: .api, createdBy: "test", createdAt: at)
        _ = try await h.store.submit(TriggerSubmission(requests: [r], actor: "test"), idempotencyWindow: .seconds(60))
        let d = Distribution(id: Identifier.make(now: at), requestId: r.id, method: method, target: "inbox:\(inboxOf ?? customer)",
                             status: .awaitingDistribution, message: text, language: "en", createdAt: at)
        let monitor = try RequestTransition(requestId: r.id, from: .awaitingProcessing, to: .processed, actor: "monitor", at: at)
        _ = try await h.store.commit([Change(requestId: r.id, request: monitor, newDistribution: d)], ticket: nil)
        if status != .awaitingDistribution {
            var t = try DistributionTransition(distribution: d, to: status, actor: "sender:online", at: at)
            t.sentAt = at
            _ = try await h.store.commit([Change(requestId: r.id, distribution: t)], ticket: nil)
        }
        return r.id
    }

    @Test func listsOnlyTheCustomersPublishedCommsNewestFirstWithUnread() async throws {
        let h = try await APIHarness()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        var mine: [String] = []
        for i in 0..<5 { mine.append(try await online(h, customer: "C-1001", text: "bill \(i)", at: t0.addingTimeInterval(Double(i)))) }
        let other = try await online(h, customer: "C-1002", text: "not yours", at: t0.addingTimeInterval(10))
        let waiting = try await online(h, customer: "C-1001", text: "not yet", status: .awaitingDistribution, at: t0.addingTimeInterval(11))
        let sms = try await online(h, customer: "C-1001", text: "an sms", method: .sms, at: t0.addingTimeInterval(12))
        let newestFirst = Array(mine.reversed())
        try await h.run { client in
            var seen: [String] = []
            var uri = "/v1/customers/C-1001/inbox?limit=2"
            var unread: [Int] = []
            while true {
                let r = try await client.send(.get, uri, key: APIHarness.inboxKey)
                #expect(r.status == .ok, "\(r.text)")
                let items = try #require(r.object["items"] as? [[String: Any]])
                seen += items.compactMap { $0["requestId"] as? String }
                unread.append(r.object["unread"] as? Int ?? -1)
                guard let next = r.object["nextCursor"] as? String else { break }
                uri = "/v1/customers/C-1001/inbox?limit=2&cursor=\(next)"
            }
            #expect(seen == newestFirst)
            #expect(unread == [5, 5, 5])
            #expect(!seen.contains(other) && !seen.contains(waiting) && !seen.contains(sms))

            let first = try await client.send(.get, "/v1/customers/C-1001/inbox?limit=1", key: APIHarness.inboxKey)
            let item = try #require((first.object["items"] as? [[String: Any]])?.first)
            #expect(item["message"] as? String == "bill 4")
            #expect(item["read"] as? Bool == false)
            #expect(item["readAt"] is NSNull)
            #expect(item["publishedAt"] as? String == "2027-01-15T08:00:04.000Z")

            // Another customer's comm is never shown, listed, or markable through this customer.
            let foreign = try await client.send(.get, "/v1/customers/C-1001/inbox/\(other)", key: APIHarness.inboxKey)
            #expect(foreign.status == .notFound)
            let foreignRead = try await client.send(.post, "/v1/customers/C-1001/inbox/\(other)/read", key: APIHarness.inboxKey)
            #expect(foreignRead.status == .notFound)
            let otherInbox = try await client.send(.get, "/v1/customers/C-1002/inbox", key: APIHarness.inboxKey)
            #expect((otherInbox.object["items"] as? [[String: Any]])?.compactMap { $0["requestId"] as? String } == [other])
            // Not published yet, or not online: not in the inbox.
            #expect(try await client.send(.get, "/v1/customers/C-1001/inbox/\(waiting)", key: APIHarness.inboxKey).status == .notFound)
            #expect(try await client.send(.get, "/v1/customers/C-1001/inbox/\(sms)", key: APIHarness.inboxKey).status == .notFound)
        }
        // The foreign read attempt wrote nothing.
        #expect(try await h.store.request(id: other)?.distribution?.readAt == nil)
    }

    /// A request raised against an account that moved to another customer before the monitor
    /// gathered it is addressed to the new customer's inbox: it shows there, never in the old one.
    @Test func theInboxFollowsTheDistributionsTargetNotTheRequestsCustomer() async throws {
        let h = try await APIHarness()
        let moved = try await online(h, customer: "C-1001", text: "for Ada now", inboxOf: "C-1002", at: Date(timeIntervalSince1970: 1_800_000_000))
        try await h.run { client in
            let old = try await client.send(.get, "/v1/customers/C-1001/inbox", key: APIHarness.inboxKey)
            #expect((old.object["items"] as? [[String: Any]])?.isEmpty == true)
            #expect(old.object["unread"] as? Int == 0)
            #expect(try await client.send(.get, "/v1/customers/C-1001/inbox/\(moved)", key: APIHarness.inboxKey).status == .notFound)
            #expect(try await client.send(.post, "/v1/customers/C-1001/inbox/\(moved)/read", key: APIHarness.inboxKey).status == .notFound)
        }
    }

    @Test func theFirstReadIsRecordedOnceAndCountsDown() async throws {
        let h = try await APIHarness()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let a = try await online(h, customer: "C-1001", text: "a", at: t0)
        _ = try await online(h, customer: "C-1001", text: "b", at: t0.addingTimeInterval(1))
        try await h.run { client in
            let read = try await client.send(.post, "/v1/customers/C-1001/inbox/\(a)/read", key: APIHarness.inboxKey)
            #expect(read.status == .ok, "\(read.text)")
            #expect(read.object["read"] as? Bool == true)
            let readAt = try #require(read.object["readAt"] as? String)
            let again = try await client.send(.post, "/v1/customers/C-1001/inbox/\(a)/read", key: APIHarness.inboxKey)
            #expect(again.object["readAt"] as? String == readAt)
            let one = try await client.send(.get, "/v1/customers/C-1001/inbox/\(a)", key: APIHarness.inboxKey)
            #expect(one.object["readAt"] as? String == readAt)
            let page = try await client.send(.get, "/v1/customers/C-1001/inbox", key: APIHarness.inboxKey)
            #expect(page.object["unread"] as? Int == 1)
            // The agent's view of the request shows the read time too.
            let detail = try await client.send(.get, "/v1/comms-requests/\(a)", key: APIHarness.agentKey)
            #expect((detail.object["distribution"] as? [String: Any])?["readAt"] as? String == readAt)
        }
        let history = try #require(try await h.store.request(id: a)?.history)
        #expect(history.filter { $0.reason == "read in the customer's inbox" }.count == 1)
        #expect(history.last?.actor == "api:portal")
    }

    @Test func rolesAndBadInput() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            #expect(try await client.send(.get, "/v1/customers/C-1001/inbox", key: APIHarness.agentKey).status == .forbidden)
            #expect(try await client.send(.get, "/v1/customers/C-1001/inbox", key: APIHarness.triggerKey).status == .forbidden)
            #expect(try await client.send(.get, "/v1/customers/C-1001/inbox", key: nil).status == .unauthorized)
            #expect(try await client.send(.get, "/v1/customers/C-1001/inbox", key: APIHarness.adminKey).status == .ok)
            let portalOnAgentRoute = try await client.send(.get, "/v1/comms-requests", key: APIHarness.inboxKey)
            #expect(portalOnAgentRoute.status == .forbidden)
            let unknown = try await client.send(.get, "/v1/customers/C-9999/inbox", key: APIHarness.inboxKey)
            #expect(unknown.status == .notFound)
            let badLimit = try await client.send(.get, "/v1/customers/C-1001/inbox?limit=0", key: APIHarness.inboxKey)
            #expect(badLimit.status == .badRequest && badLimit.problemField == "limit")
            let badParam = try await client.send(.get, "/v1/customers/C-1001/inbox?unread=1", key: APIHarness.inboxKey)
            #expect(badParam.status == .badRequest && badParam.problemField == "unread")
        }
    }
}
