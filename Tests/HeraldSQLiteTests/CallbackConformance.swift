import Foundation
import HeraldCore
import Testing

/// Status callbacks in the store: subscriptions, the outbox rows written with each status
/// change (same transaction, filtered as the subscription asks), and the `callback` stage's
/// claims — in order per subscription and request.
@Suite("CommsStore conformance: status callbacks")
struct CallbackConformance {
    typealias F = Fixtures
    static let secret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()

    static func subscription(_ id: String, events: Set<CallbackEventType> = Set(CallbackEventType.allCases), codes: [String]? = nil,
                             sources: [RequestSource]? = nil, origin: WebhookSubscription.Origin = .api) -> WebhookSubscription {
        WebhookSubscription(id: id, url: "https://billing.example.net/hooks", secret: secret, events: events, commsCodes: codes,
                            sources: sources, origin: origin, createdAt: F.t0)
    }

    /// Every delivery, oldest first.
    static func deliveries(_ store: any CommsStore, _ status: CallbackDeliveryStatus? = nil) async throws -> [CallbackDelivery] {
        try await store.callbackDeliveries(status: status, subscriptionId: nil, limit: 1000, cursor: nil).items
    }

    @Test(arguments: StoreFactory.all)
    func noSubscriptionNoDelivery(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        _ = try await F.processed(t.store)
        #expect(try await Self.deliveries(t.store).isEmpty)
        #expect(try await t.store.claim(.callback, ticket: F.ticket(), limit: 10).isEmpty)
    }

    @Test(arguments: StoreFactory.all)
    func eachStatusChangeBecomesADeliveryPerMatchingSubscription(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        try await t.store.addWebhookSubscription(Self.subscription("wsub_all"))
        try await t.store.addWebhookSubscription(Self.subscription("wsub_requests", events: [.requestStatus]))
        try await t.store.addWebhookSubscription(Self.subscription("wsub_other_code", codes: ["BILL_READY"]))
        try await t.store.addWebhookSubscription(Self.subscription("wsub_imports", sources: [.import]))
        let (r, d) = try await F.processed(t.store)
        let rows = try await Self.deliveries(t.store)
        // new → awaitingProcessing, awaitingProcessing → processed (request); new → awaitingDistribution.
        #expect(rows.filter { $0.subscriptionId == "wsub_all" }.count == 3)
        #expect(rows.filter { $0.subscriptionId == "wsub_requests" }.count == 2)
        #expect(rows.filter { $0.subscriptionId == "wsub_other_code" || $0.subscriptionId == "wsub_imports" }.isEmpty)
        #expect(rows.allSatisfy { $0.status == .waiting && $0.requestId == r.id && $0.attempts == 0 })
        // Each names its history row; the same change has the same sequence for every subscriber.
        let history = try #require(try await t.store.request(id: r.id)).history
        #expect(history.count == 3)
        let all = rows.filter { $0.subscriptionId == "wsub_all" }
        #expect(all.map(\.sequence) == all.map(\.sequence).sorted() && Set(all.map(\.sequence)).count == 3)
        #expect(Set(rows.filter { $0.subscriptionId == "wsub_requests" }.map(\.sequence)).isSubset(of: Set(all.map(\.sequence))))
        // A later move of the distribution adds one more for wsub_all only.
        var sent = try DistributionTransition(distribution: d, to: .sent, actor: "sender:sms", at: F.t0.addingTimeInterval(5))
        sent.reference = "smsc-1"
        #expect(try await t.store.commit([Change(requestId: r.id, distribution: sent)], ticket: nil).applied == 1)
        #expect(try await Self.deliveries(t.store).filter { $0.subscriptionId == "wsub_all" }.count == 4)
        #expect(try await Self.deliveries(t.store).filter { $0.subscriptionId == "wsub_requests" }.count == 2)
    }

    @Test(arguments: StoreFactory.all)
    func aChangeThatDoesNotCommitAnnouncesNothing(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        try await t.store.addWebhookSubscription(Self.subscription("wsub_all"))
        let (r, d) = try await F.processed(t.store)
        let before = try await Self.deliveries(t.store).count
        // A unit that conflicts (the distribution is not in the status it names) writes nothing,
        // and its history — hence its callback — never exists.
        var stale = d
        stale.status = .errorRetry
        let t1 = try DistributionTransition(distribution: stale, to: .sent, actor: "sender:sms", at: F.t0.addingTimeInterval(5))
        #expect(try await t.store.commit([Change(requestId: r.id, distribution: t1)], ticket: nil).conflicts == [r.id])
        #expect(try await Self.deliveries(t.store).count == before)
    }

    @Test(arguments: StoreFactory.all)
    func theSwiftRuleAndTheTriggerAgree(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let subs = [
            Self.subscription("wsub_a"), Self.subscription("wsub_b", events: [.distributionStatus]),
            Self.subscription("wsub_c", codes: ["WELCOME", "OTHER"]), Self.subscription("wsub_d", codes: ["OTHER"]),
            Self.subscription("wsub_e", sources: [.api, .agent]), Self.subscription("wsub_f", sources: [.workflowEvent]),
            Self.subscription("wsub_g", events: [.requestStatus], codes: ["WELCOME"], sources: [.api]),
        ]
        for s in subs { try await t.store.addWebhookSubscription(s) }
        let (r, _) = try await F.processed(t.store)
        let history = try #require(try await t.store.request(id: r.id)).history
        let rows = try await Self.deliveries(t.store)
        for s in subs {
            let expected = history.filter { s.matches(entity: $0.entity, commsCode: r.commsCode, source: r.source) }.count
            #expect(rows.filter { $0.subscriptionId == s.id }.count == expected, "\(s.id)")
        }
        // A deleted subscription matches nothing from then on.
        try await t.store.deleteWebhookSubscription(id: "wsub_a", at: F.t0)
        let before = try await Self.deliveries(t.store).filter { $0.subscriptionId == "wsub_a" }.count
        _ = try await F.processed(t.store, at: F.t0.addingTimeInterval(1))
        #expect(try await Self.deliveries(t.store).filter { $0.subscriptionId == "wsub_a" }.count == before)
    }

    @Test(arguments: StoreFactory.all)
    func claimsGoInOrderPerSubscriptionAndRequest(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        try await t.store.addWebhookSubscription(Self.subscription("wsub_all"))
        try await t.store.addWebhookSubscription(Self.subscription("wsub_two"))
        let (r1, _) = try await F.processed(t.store, at: F.t0)
        let (r2, _) = try await F.processed(t.store, at: F.t0.addingTimeInterval(1))
        // Three changes each: only the first of each (request, subscription) is due.
        var now = F.t0.addingTimeInterval(10)
        let ticket = F.ticket("cb", at: now)
        let first = try await t.store.claim(.callback, ticket: ticket, limit: 100)
        #expect(first.count == 4)
        #expect(Set(first.map { "\($0.request.id)/\($0.callback!.delivery.subscriptionId)" }).count == 4)
        let firstIds = first.map { $0.callback!.delivery.id }
        #expect(first.allSatisfy { $0.callback?.event.change.from == nil && $0.callback?.event.type == .requestStatus })
        #expect(first.allSatisfy { $0.callback?.subscription?.secret == Self.secret })
        #expect(first.first { $0.request.id == r1.id }?.callback?.event.distribution?.method == .sms)
        // While they are held nothing else is due, and the next due time is their lease.
        #expect(try await t.store.claim(.callback, ticket: F.ticket("other", at: now), limit: 100).isEmpty)
        #expect(try await t.store.nextDue(.callback, now: now) == ticket.leaseUntil)
        // r1's two fail and wait a minute; r2's two are delivered.
        var changes: [Change] = []
        for item in first {
            let delivery = item.callback!.delivery
            if item.request.id == r1.id {
                var move = try CallbackTransition(delivery, to: .waiting, at: now)
                move.attempts = 1
                move.firstAttemptAt = now
                move.retryAt = now.addingTimeInterval(60)
                move.lastError = "HTTP 500"
                move.responseStatus = 500
                changes.append(Change(requestId: delivery.requestId, callback: move))
            } else {
                var move = try CallbackTransition(delivery, to: .delivered, at: now)
                move.attempts = 1
                move.responseStatus = 204
                changes.append(Change(requestId: delivery.requestId, callback: move))
            }
        }
        #expect(try await t.store.commit(changes, ticket: ticket).applied == 4)
        // r2's second changes are due; r1's are held back behind the failed first ones.
        let second = try await t.store.claim(.callback, ticket: F.ticket("cb2", at: now), limit: 100)
        #expect(second.count == 2 && second.allSatisfy { $0.request.id == r2.id && $0.callback?.event.change.to == "processed" })
        try await t.store.release(.callback, ticket: F.ticket("cb2", at: now))
        #expect(try await t.store.nextDue(.callback, now: now) != nil)
        // A minute on, r1's first ones come back (not their successors).
        now = now.addingTimeInterval(61)
        let retried = try await t.store.claim(.callback, ticket: F.ticket("cb3", at: now), limit: 100)
        #expect(Set(retried.map { $0.callback!.delivery.id }).isSuperset(of: Set(firstIds.filter { id in first.first { $0.callback!.delivery.id == id }!.request.id == r1.id })))
        #expect(retried.filter { $0.request.id == r1.id }.allSatisfy { $0.callback?.delivery.attempts == 1 && $0.callback?.delivery.lastError == "HTTP 500" })
        #expect(retried.filter { $0.request.id == r1.id }.count == 2)
    }

    @Test(arguments: StoreFactory.all)
    func deadLettersAreListedAndRedeliveredByAnAdmin(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        try await t.store.addWebhookSubscription(Self.subscription("wsub_all"))
        _ = try await F.processed(t.store)
        let now = F.t0.addingTimeInterval(10)
        let ticket = F.ticket("cb", at: now)
        let item = try #require(try await t.store.claim(.callback, ticket: ticket, limit: 1).first?.callback)
        var dead = try CallbackTransition(item.delivery, to: .failed, at: now)
        dead.attempts = 30
        dead.lastError = "gave up after 30 attempts: HTTP 503"
        #expect(try await t.store.commit([Change(requestId: item.delivery.requestId, callback: dead)], ticket: ticket).applied == 1)
        let failed = try await Self.deliveries(t.store, .failed)
        #expect(failed.map(\.id) == [item.delivery.id])
        #expect(failed.first?.lastError == "gave up after 30 attempts: HTTP 503" && failed.first?.attempts == 30)
        #expect(try await Self.deliveries(t.store, .waiting).count == 2)
        // The dead one no longer holds back the request's later changes.
        let next = try await t.store.claim(.callback, ticket: F.ticket("cb2", at: now), limit: 10)
        #expect(next.count == 1 && next.first?.callback?.delivery.id != item.delivery.id)
        try await t.store.release(.callback, ticket: F.ticket("cb2", at: now))
        let again = try await t.store.redeliver(deliveryId: item.delivery.id, actor: "api:admin", at: now)
        #expect(again.status == .waiting && again.attempts == 0 && again.firstAttemptAt == nil)
        #expect(again.lastError?.contains("redelivered by api:admin") == true)
        #expect(try await Self.deliveries(t.store, .failed).isEmpty)
        // Waiting already: refused, naming the move.
        let error = await heraldError { _ = try await t.store.redeliver(deliveryId: item.delivery.id, actor: "api:admin", at: now) }
        #expect(error?.kind == .illegalTransition)
        let missing = await heraldError { _ = try await t.store.redeliver(deliveryId: 999_999, actor: "api:admin", at: now) }
        #expect(missing?.kind == .notFound)
        // A deleted subscription's deliveries are not sent again.
        try await t.store.deleteWebhookSubscription(id: "wsub_all", at: now)
        let orphan = try #require(try await Self.deliveries(t.store).first { $0.id != item.delivery.id })
        let refused = await heraldError { _ = try await t.store.redeliver(deliveryId: orphan.id, actor: "api:admin", at: now) }
        #expect(refused?.kind == .conflict && refused?.message.contains("deleted") == true)
    }

    @Test(arguments: StoreFactory.all)
    func configuredSubscriptionsAreSyncedAndNotDeletableThroughTheAPI(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await t.store.addWebhookSubscription(Self.subscription("wsub_api"))
        try await t.store.syncConfiguredSubscriptions([Self.subscription("config:BILLING", origin: .config),
                                                       Self.subscription("config:CRM", origin: .config)], at: F.t0)
        #expect(try await t.store.webhookSubscriptions().map(\.id).sorted() == ["config:BILLING", "config:CRM", "wsub_api"])
        let refused = await heraldError { try await t.store.deleteWebhookSubscription(id: "config:BILLING", at: F.t0) }
        #expect(refused?.kind == .conflict && refused?.message.contains("config file") == true)
        // The file changes: CRM gone, BILLING's URL changed.
        var billing = Self.subscription("config:BILLING", codes: ["WELCOME"], origin: .config)
        billing.url = "https://billing.example.net/v2/hooks"
        try await t.store.syncConfiguredSubscriptions([billing], at: F.t0.addingTimeInterval(60))
        #expect(try await t.store.webhookSubscriptions().map(\.id).sorted() == ["config:BILLING", "wsub_api"])
        let stored = try #require(try await t.store.webhookSubscription(id: "config:BILLING"))
        #expect(stored.url == "https://billing.example.net/v2/hooks" && stored.commsCodes == ["WELCOME"])
        #expect(try await t.store.webhookSubscription(id: "config:CRM")?.deletedAt != nil)
        try await t.store.deleteWebhookSubscription(id: "wsub_api", at: F.t0)
        #expect(try await t.store.webhookSubscriptions().map(\.id) == ["config:BILLING"])
        let gone = await heraldError { try await t.store.deleteWebhookSubscription(id: "wsub_api", at: F.t0) }
        #expect(gone?.kind == .notFound)
        let twice = await heraldError { try await t.store.addWebhookSubscription(Self.subscription("config:BILLING")) }
        #expect(twice?.kind == .conflict)
    }

    @Test(arguments: StoreFactory.all)
    func deliveriesArePagedInOrder(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        try await t.store.addWebhookSubscription(Self.subscription("wsub_all"))
        for i in 0..<4 { _ = try await F.processed(t.store, at: F.t0.addingTimeInterval(Double(i))) }
        var cursor: String?
        var seen: [Int64] = []
        repeat {
            let page = try await t.store.callbackDeliveries(status: .waiting, subscriptionId: "wsub_all", limit: 5, cursor: cursor)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen.count == 12 && seen == seen.sorted())
        let bad = await heraldError { _ = try await t.store.callbackDeliveries(status: nil, subscriptionId: nil, limit: 5, cursor: "x") }
        #expect(bad?.field == "cursor")
    }

    @Test(arguments: StoreFactory.all)
    func housekeepingPurgesOldDeliveredAndDeadCallbacks(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        try await t.store.addWebhookSubscription(Self.subscription("wsub_all", events: [.requestStatus]))
        _ = try await F.processed(t.store, at: F.t0)
        _ = try await F.processed(t.store, at: F.t0.addingTimeInterval(1))
        let now = F.t0.addingTimeInterval(10)
        let ticket = F.ticket("cb", at: now)
        let items = try await t.store.claim(.callback, ticket: ticket, limit: 10).compactMap(\.callback)
        #expect(items.count == 2)
        let delivered = try CallbackTransition(items[0].delivery, to: .delivered, at: now)
        var dead = try CallbackTransition(items[1].delivery, to: .failed, at: now)
        dead.lastError = "gave up"
        #expect(try await t.store.commit([Change(requestId: items[0].delivery.requestId, callback: delivered),
                                          Change(requestId: items[1].delivery.requestId, callback: dead)], ticket: ticket).applied == 2)
        // Not old enough: nothing goes.
        #expect(try await t.store.purgeFinishedCallbacks(deliveredBefore: now, failedBefore: F.t0) == 0)
        #expect(try await t.store.purgeFinishedCallbacks(deliveredBefore: now.addingTimeInterval(1), failedBefore: F.t0) == 1)
        #expect(try await t.store.purgeFinishedCallbacks(deliveredBefore: now.addingTimeInterval(1), failedBefore: now) == 1)
        // The waiting ones stay, whatever their age.
        let left = try await Self.deliveries(t.store)
        #expect(left.count == 2 && left.allSatisfy { $0.status == .waiting })
    }
}
