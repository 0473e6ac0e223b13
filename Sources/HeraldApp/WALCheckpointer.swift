import HeraldSQLite
import Logging
import ServiceLifecycle

/// Copies the SQLite WAL into the database file beside the writer while the pipeline runs
/// (``SQLiteStore/checkpointContinuously(_:)``), so the one writer every trigger, claim and
/// commit shares does not stop to checkpoint. It stops last: the other services' last commits
/// are copied by the writer's own checkpoint, SQLite's default again after it.
public struct WALCheckpointer: Service {
    public let store: SQLiteStore
    public var checkpoints = SQLiteStore.Checkpoints()
    public let logger: Logger

    public init(store: SQLiteStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            do {
                try await store.checkpointContinuously(checkpoints)
            } catch {
                // The writer's own checkpoints go on as before: slower, nothing lost.
                logger.warning("WAL checkpoints beside the writer could not start; the writer checkpoints itself",
                               metadata: ["error": "\(error)"])
            }
        }
    }
}
