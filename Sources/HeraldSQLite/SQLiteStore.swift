import Foundation
import GRDB
import HeraldCore
import HeraldSQLiteTuning
import Synchronization

/// ``CommsStore`` on SQLite through GRDB: a WAL database pool (readers never wait for the
/// writer), `synchronous = NORMAL`, named migrations, one record type per table. Hot paths
/// (claims, commits, bulk submits) are batched into one write transaction each.
public final class SQLiteStore: CommsStore {
    /// Tuning with documented defaults.
    public struct Configuration: Sendable {
        /// How long a writer waits for the write lock before failing (default 10 s).
        public var busyTimeout: TimeInterval = 10
        /// `NORMAL` (default) survives any process crash; a power loss may lose the last
        /// commits (never corrupts). `FULL` syncs every commit to disk, at some throughput cost.
        public var synchronous: Synchronous = .normal
        public enum Synchronous: String, Sendable { case normal = "NORMAL", full = "FULL" }
        /// Wall clock, replaceable in tests.
        public var clock: @Sendable () -> Date = { Date() }
        public init() {}
    }

    let writer: any DatabaseWriter
    let configuration: Configuration
    /// Triggers waiting to share a write transaction (``submit(_:idempotencyWindow:)``).
    let groupCommit = GroupCommit()
    /// Bulk imports running (``bulkWriting(_:)``): the writer is tuned while any is.
    let bulkWriters = Mutex(0)
    var now: Date { configuration.clock() }

    /// SQLite's process-wide setting, made once before the first connection opens: no memory
    /// statistics (a global mutex and counters around every allocation SQLite makes). When
    /// something in the process opened SQLite first, SQLite keeps its default: correct, a little
    /// slower.
    public static let processSettings: Int32 = herald_sqlite_configure()

    /// Opens (creating if needed) the database file at `path`. Call ``migrate()`` before use.
    public init(path: String, configuration: Configuration = .init()) throws {
        _ = Self.processSettings
        var config = GRDB.Configuration()
        config.busyMode = .timeout(configuration.busyTimeout)
        let synchronous = configuration.synchronous.rawValue
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Sub-journals (one per savepoint: every unit of a batch commit has one) and sort
            // scratch stay in memory. With the default (files), SQLite spills each savepoint's
            // page images past 64 KiB to a temporary file: ~70 pwrite calls per email, a sixth of
            // the whole email path's CPU. A batch's sub-journal is bounded by the pages it touches.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        self.writer = try DatabasePool(path: path, configuration: config)
        self.configuration = configuration
    }

    private init(writer: any DatabaseWriter, configuration: Configuration) {
        self.writer = writer
        self.configuration = configuration
    }

    /// A private in-memory database (tests).
    public static func inMemory(configuration: Configuration = .init()) throws -> SQLiteStore {
        _ = processSettings
        var config = GRDB.Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
        return SQLiteStore(writer: try DatabaseQueue(configuration: config), configuration: configuration)
    }

    public func migrate() async throws {
        try Migrations.migrator.migrate(writer)
    }

    /// The names of applied migrations, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await writer.read { db in try Migrations.migrator.appliedMigrations(db) }
    }
}
