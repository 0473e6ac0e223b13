import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// The daemon of one delivery method: claims distributions awaiting distribution whose
/// excluded-until and retry time have passed, hands them to the method's ``Transmitter`` and
/// records the outcome: `sent` (or `published` for online) with the provider reference;
/// a retryable failure → `errorRetry` with exponential backoff until the limit, then
/// `errorNoRetry`; a permanent failure → `errorNoRetry` with the reason.
///
/// A push whose token the provider says is gone (``TransmissionFailure/Kind/targetGone``) ends
/// `errorNoRetry`, the token is disabled on the customer, and — in the same unit — a copy of the
/// request (`copyOf`) goes back to the Comms Monitor, which chooses afresh: the next allowed
/// method, or `notSent` when none is left. One distribution per request stays the rule; the
/// comm's history links the two requests.
public struct Sender: Service {
    public let loop: ClaimLoop
    public let transmitter: any Transmitter
    let metrics: StageMetrics

    public var method: DeliveryMethod {
        if case .send(let m) = loop.stage { return m }
        return .sms
    }
    public var actor: String { "sender:\(method.rawValue)" }

    public init(loop: ClaimLoop, transmitter: any Transmitter) {
        guard case .send = loop.stage else { preconditionFailure("a sender runs a send stage") }
        self.loop = loop
        self.transmitter = transmitter
        self.metrics = StageMetrics(stage: loop.stage)
    }

    public func run() async throws {
        await loop.run { items, ticket in try await self.handle(items, ticket: ticket) }
    }

    public func handle(_ items: [WorkItem], ticket: ClaimTicket) async throws {
        let started = ContinuousClock.now
        let batch = items.compactMap { item in item.distribution.map { Transmission(request: item.request, distribution: $0) } }
        let outcomes = await transmitter.transmit(batch)
        let now = loop.clock()
        var changes: [Change] = []
        changes.reserveCapacity(batch.count)
        for (i, tx) in batch.enumerated() {
            let outcome = i < outcomes.count ? outcomes[i] : .retry("transmitter returned no outcome")
            changes.append(try change(for: tx, outcome: outcome, now: now))
        }
        let report = try await loop.store.commit(changes, ticket: ticket)
        if !report.conflicts.isEmpty {
            loop.logger.warning("claims lost before commit; rows will be retried", metadata: ["herald.conflicts": "\(report.conflicts.count)", "herald.stage": "\(loop.stage)"])
        }
        let conflicted = Set(report.conflicts)
        if changes.contains(where: { $0.resend != nil && !conflicted.contains($0.requestId) }) {
            loop.signals.ring(.monitor)
        }
        for (tx, c) in zip(batch, changes) where !conflicted.contains(c.requestId) {
            guard let to = c.distribution?.to else { continue }
            metrics.outcome(to.rawValue)
            if to == .sent || to == .published {
                metrics.sentLatency(seconds: now.timeIntervalSince(tx.request.createdAt))
            }
        }
        metrics.batch(size: items.count, duration: ContinuousClock.now - started)
    }

    func change(for tx: Transmission, outcome: TransmissionOutcome, now: Date) throws -> Change {
        let d = tx.distribution
        let attempts = d.attempts + 1
        switch outcome {
        case .sent(let reference), .published(let reference):
            let published = { if case .published = outcome { return true } else { return false } }()
            var t = try DistributionTransition(distribution: d, to: published ? .published : .sent, actor: actor, at: now)
            t.reference = reference
            t.sentAt = now
            t.attempts = attempts
            t.retryAt = nil
            return Change(requestId: d.requestId, distribution: t)
        case .failed(let failure) where failure.kind == .targetGone && d.method == .push:
            let copy = Identifier.make(now: now)
            let reason = "push token gone: \(failure.text)"
            var t = try DistributionTransition(distribution: d, to: .errorNoRetry, actor: actor,
                                               reason: "\(reason); token disabled, comm resent as \(copy)", at: now)
            t.attempts = attempts
            t.lastError = reason
            return Change(requestId: d.requestId, distribution: t,
                          problems: [RequestProblem(kind: .delivery, reason: reason, at: now)],
                          disabledPushToken: PushTokenDisabling(target: d.target, reason: failure.text, at: now),
                          resend: Resend(id: copy, copyOf: tx.request.id, actor: actor, reason: "resent: \(reason)", at: now))
        case .failed(let failure):
            let reason = failure.description
            if failure.kind == .possibleDuplicate { metrics.possibleDuplicate() }
            if failure.isRetryable, let delay = loop.configuration.retry.delay(afterAttempts: attempts) {
                var t = try DistributionTransition(distribution: d, to: .errorRetry, actor: actor,
                                                   reason: "attempt \(attempts) failed: \(reason)", at: now)
                t.retryAt = now.addingTimeInterval(delay.seconds)
                t.attempts = attempts
                t.lastError = reason
                return Change(requestId: d.requestId, distribution: t)
            }
            let why = failure.isRetryable ? "gave up after \(attempts) attempts: \(reason)" : reason
            var t = try DistributionTransition(distribution: d, to: .errorNoRetry, actor: actor, reason: why, at: now)
            t.attempts = attempts
            t.lastError = reason
            return Change(requestId: d.requestId, distribution: t, problems: [RequestProblem(kind: .delivery, reason: why, at: now)],
                          raisedEvents: [.commsNotSent(tx.request, reason: why, at: now)])
        }
    }
}
