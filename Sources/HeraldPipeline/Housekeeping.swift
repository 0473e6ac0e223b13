import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// Periodic housekeeping: deletes idempotency keys whose window has ended (24 h for API keys),
/// so the table holds one day of keys, not all of history.
public struct Housekeeping: Service {
    public let store: any CommsStore
    public let interval: Duration
    public let clock: @Sendable () -> Date
    public let logger: Logger

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
                    let purged = try await store.purgeExpiredIdempotencyKeys(now: clock())
                    if purged > 0 { logger.info("purged expired idempotency keys", metadata: ["herald.purged": "\(purged)"]) }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("housekeeping failed; will try again", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)  // cancelled on graceful shutdown: the loop ends
            }
        }
    }
}
