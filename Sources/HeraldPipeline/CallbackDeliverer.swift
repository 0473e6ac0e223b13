import Foundation
import HeraldCore
import Logging
import Metrics
import ServiceLifecycle

/// The status-callback daemon: claims the `callback` stage — deliveries the store's outbox
/// trigger wrote with each status change a subscription asked for — sends them through a
/// ``CallbackSender`` and records each attempt.
///
/// - Order: a delivery is claimed only once every earlier delivery of the same request to the
///   same subscription is done (delivered or dead), so a receiver sees one comm's changes in
///   the order they happened, and a failing one holds back those after it.
/// - Retries: a failed attempt waits ``backoff`` (5 s doubling to an hour by default, or the
///   receiver's `Retry-After` when longer, capped at the hour) and is tried again until
///   ``window`` (24 h) has passed since its first attempt; it is then dead-lettered
///   (`failed`, listed by `GET /v1/webhook-deliveries?status=failed`, redeliverable by an admin).
/// - A delivery whose subscription was deleted ends `failed` without an attempt.
public struct CallbackDeliverer: Service {
    public let loop: ClaimLoop
    public let sender: any CallbackSender
    /// Waits between attempts (no attempt limit: ``window`` ends them).
    public var backoff: RetryPolicy
    /// How long after its first attempt a delivery is given up.
    public var window: Duration
    let metrics: StageMetrics

    /// The defaults: 5 s doubling to an hour, for 24 hours.
    public static let defaultBackoff = RetryPolicy(maxAttempts: .max, baseDelay: .seconds(5), maxDelay: .seconds(3600))
    public static let defaultWindow: Duration = .seconds(24 * 3600)

    public init(loop: ClaimLoop, sender: any CallbackSender, backoff: RetryPolicy = defaultBackoff, window: Duration = defaultWindow) {
        guard case .callback = loop.stage else { preconditionFailure("a callback deliverer runs the callback stage") }
        self.loop = loop
        self.sender = sender
        self.backoff = backoff
        self.window = window
        self.metrics = StageMetrics(stage: loop.stage)
    }

    public func run() async throws {
        await loop.run { items, ticket in try await self.handle(items, ticket: ticket) }
    }

    public func handle(_ items: [WorkItem], ticket: ClaimTicket) async throws {
        let started = ContinuousClock.now
        let pending = items.compactMap(\.callback)
        let live = pending.filter { $0.subscription != nil && $0.subscription?.deletedAt == nil }
        let outcomes = await sender.deliver(live)
        var outcomeOf: [Int64: CallbackOutcome] = [:]
        for (item, outcome) in zip(live, outcomes) { outcomeOf[item.delivery.id] = outcome }
        let now = loop.clock()
        var changes: [Change] = []
        changes.reserveCapacity(pending.count)
        for item in pending {
            let live = item.subscription != nil && item.subscription?.deletedAt == nil
            // A live subscription's delivery the sender did not answer counts as a failed attempt.
            let outcome = live ? outcomeOf[item.delivery.id] ?? .failed(status: nil, reason: "not attempted", retryAfter: nil) : nil
            changes.append(Change(requestId: item.delivery.requestId, callback: try transition(item, outcome: outcome, now: now)))
        }
        let report = try await loop.store.commit(changes, ticket: ticket)
        if !report.conflicts.isEmpty {
            loop.logger.warning("claims lost before commit; callbacks will be sent again",
                                metadata: ["herald.conflicts": "\(report.conflicts.count)", "herald.stage": "\(loop.stage)"])
        }
        metrics.outcome("delivered", count: changes.count { $0.callback?.to == .delivered })
        metrics.outcome("failed", count: changes.count { $0.callback?.to == .failed })
        metrics.batch(size: items.count, duration: ContinuousClock.now - started)
    }

    /// The move of one delivery after its attempt (`outcome` nil: its subscription is gone).
    func transition(_ item: PendingCallback, outcome: CallbackOutcome?, now: Date) throws -> CallbackTransition {
        let delivery = item.delivery
        guard let outcome else {
            var t = try CallbackTransition(delivery, to: .failed, at: now)
            t.retryAt = nil
            t.lastError = "subscription \(delivery.subscriptionId) deleted"
            return t
        }
        let firstAttempt = delivery.firstAttemptAt ?? now
        switch outcome {
        case .delivered(let status):
            var t = try CallbackTransition(delivery, to: .delivered, at: now)
            t.attempts = delivery.attempts + 1
            t.firstAttemptAt = firstAttempt
            t.retryAt = nil
            t.responseStatus = status
            return t
        case .failed(let status, let reason, let retryAfter):
            let attempts = delivery.attempts + 1
            var wait = backoff.delay(afterAttempts: attempts) ?? backoff.maxDelay
            if let retryAfter { wait = min(max(wait, retryAfter), backoff.maxDelay) }
            let next = now.addingTimeInterval(wait.seconds)
            let giveUp = next.timeIntervalSince(firstAttempt) > window.seconds
            var t = try CallbackTransition(delivery, to: giveUp ? .failed : .waiting, at: now)
            t.attempts = attempts
            t.firstAttemptAt = firstAttempt
            t.retryAt = giveUp ? nil : next
            t.responseStatus = status
            t.lastError = giveUp ? "gave up after \(attempts) attempts: \(reason)" : reason
            if giveUp {
                loop.logger.warning("status callback dead-lettered", metadata: [
                    "comms.request_id": "\(delivery.requestId)", "herald.subscription": "\(delivery.subscriptionId)",
                    "herald.attempts": "\(attempts)", "error": "\(reason)",
                ])
            }
            return t
        }
    }
}
