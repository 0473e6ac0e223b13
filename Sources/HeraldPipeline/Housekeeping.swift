import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// Periodic housekeeping: deletes idempotency keys whose window has ended (24 h for API keys),
/// so the table holds one day of keys, not all of history; status callbacks delivered more
/// than ``callbackRetention`` ago, or dead-lettered for a change older than ``deadLetterRetention``;
/// and the external status updates taken more than ``statusUpdateRetention`` ago (each is
/// remembered by its sender's `updateId` so a retry answers as the first time; delivery
/// gateways send millions a day, which would otherwise stay forever).
public struct Housekeeping: Service {
    public let store: any CommsStore
    public let interval: Duration
    public let clock: @Sendable () -> Date
    public let logger: Logger
    /// How long a delivered callback stays listed (7 days).
    public var callbackRetention: Duration = .seconds(7 * 86_400)
    /// How long a dead letter stays listed and redeliverable (30 days after its change).
    public var deadLetterRetention: Duration = .seconds(30 * 86_400)
    /// How long a status update's `updateId` is remembered (30 days): a sender retrying within
    /// it gets the first answer; later the same update is taken as new.
    public var statusUpdateRetention: Duration = .seconds(30 * 86_400)

    public init(store: any CommsStore, interval: Duration = .seconds(3600), clock: @escaping @Sendable () -> Date, logger: Logger) {
        self.store = store
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await runOnce()
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("housekeeping failed; will try again", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)  // cancelled on graceful shutdown: the loop ends
            }
        }
    }

    /// One round of housekeeping.
    public func runOnce() async throws {
        let now = clock()
        let purged = try await store.purgeExpiredIdempotencyKeys(now: now)
        if purged > 0 { logger.info("purged expired idempotency keys", metadata: ["herald.purged": "\(purged)"]) }
        let callbacks = try await store.purgeFinishedCallbacks(deliveredBefore: now.addingTimeInterval(-callbackRetention.seconds),
                                                               failedBefore: now.addingTimeInterval(-deadLetterRetention.seconds))
        if callbacks > 0 { logger.info("purged finished status callbacks", metadata: ["herald.purged": "\(callbacks)"]) }
        let updates = try await store.purgeStatusUpdates(receivedBefore: now.addingTimeInterval(-statusUpdateRetention.seconds))
        if updates > 0 { logger.info("purged status updates past their retention", metadata: ["herald.purged": "\(updates)"]) }
    }
}
