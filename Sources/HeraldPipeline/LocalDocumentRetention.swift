import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// Purges local document packs older than `documents.local.retention.days` once every document
/// in them is stored long-term and no longer waits to be sent; the document route then reads
/// the long-term copy. Runs hourly; with 0 days it is not started.
public struct LocalDocumentRetention: Service {
    public let store: any CommsStore
    public let documents: any PurgeableDocumentStore
    public let retention: Duration
    public let interval: Duration
    public let clock: @Sendable () -> Date
    public let logger: Logger

    public init(store: any CommsStore, documents: any PurgeableDocumentStore, retention: Duration, interval: Duration = .seconds(3600),
                clock: @escaping @Sendable () -> Date, logger: Logger) {
        self.store = store
        self.documents = documents
        self.retention = retention
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let removed = try await purgeOnce()
                    if removed > 0 { logger.info("purged local document packs", metadata: ["herald.purged": "\(removed)"]) }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("local document retention failed; will try again", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass: removes the old packs nothing needs any more; returns how many.
    @discardableResult
    public func purgeOnce() async throws -> Int {
        let cutoff = clock().addingTimeInterval(-retention.seconds)
        let old = try await documents.packs(createdBefore: cutoff)
        var removed = 0
        var start = 0
        while start < old.count {
            let chunk = Array(old[start..<min(old.count, start + 200)])
            let inUse = try await store.documentPacksInUse(chunk)
            for pack in chunk where !inUse.contains(pack) {
                try await documents.removePack(pack)
                removed += 1
            }
            start += chunk.count
        }
        return removed
    }
}
