import Foundation
import GRDB

extension SQLiteStore {
    /// How the WAL is checkpointed while ``checkpointContinuously(_:)`` runs (`herald serve`).
    public struct Checkpoints: Sendable {
        /// How often committed pages are copied into the database file (a PASSIVE checkpoint:
        /// it never waits for, or blocks, the writer or readers).
        public var every: Duration = .milliseconds(25)
        /// While nothing is committed the copies come less and less often, down to one in this
        /// long (an idle `herald serve` stays under 1% of a core); the first copy that finds
        /// new pages goes back to ``every``.
        public var idleEvery: Duration = .seconds(1)
        /// Every this many copies, the copy is finished with a RESTART checkpoint, so the next
        /// transaction writes the WAL from its beginning again: under constant writes a
        /// PASSIVE copy is never complete when the writer starts, and the WAL would only grow.
        /// It holds new writers back only while it copies the pages committed since the PASSIVE
        /// one just before it, and waits for readers at most ``restartBusyTimeout``.
        public var restartEach = 20
        public var restartBusyTimeout: TimeInterval = 0.005
        /// The writer's own checkpoint meanwhile (`PRAGMA wal_autocheckpoint`): a backstop
        /// only, should the copies fall behind.
        public var writerAutocheckpointPages = 20_000
        public init() {}
    }

    /// Checkpoints the WAL on a connection of its own, beside the writer, until the task is
    /// cancelled; the writer's checkpoint becomes a backstop (and is SQLite's default again
    /// after). Measured with `herald bench api`: the writer — every trigger, claim and commit
    /// goes through it — spent more than half of each intake transaction on its commit and the
    /// checkpoint that landed on it (copying ~1,000 pages and syncing); with the copies here,
    /// 17–35% more triggers/s at the same `/healthz` anchor in alternating runs (up to 10,635/s),
    /// p99 15–17 ms instead of 12–15.
    /// A failed copy (busy, I/O) is tried again at the next tick. Nothing for an in-memory store.
    public func checkpointContinuously(_ checkpoints: Checkpoints = .init()) async throws {
        guard writer is DatabasePool else { return }
        var config = GRDB.Configuration()
        config.label = "herald.checkpoints"
        config.busyMode = .timeout(checkpoints.restartBusyTimeout)
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let connection = try DatabaseQueue(path: writer.path, configuration: config)
        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(checkpoints.writerAutocheckpointPages)")
        }
        defer {
            // Back to SQLite's default for whatever runs after (a detached write: this task is
            // being cancelled).
            writer.asyncWriteWithoutTransaction { db in try? db.execute(sql: "PRAGMA wal_autocheckpoint = 1000") }
        }
        var n = 0
        var interval = checkpoints.every
        var seen = -1  // the WAL's frames at the last copy
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            let restart = (n + 1) % max(1, checkpoints.restartEach) == 0
            let before = seen
            let frames = try? await connection.writeWithoutTransaction { db -> Int in
                let frames = try db.checkpoint(.passive).walFrameCount
                // Nothing new since the last copy: no restart needed either.
                if restart && frames != before { try db.checkpoint(.restart) }
                return frames
            }
            if let frames, frames == before {
                interval = min(interval * 2, max(checkpoints.every, checkpoints.idleEvery))
            } else {
                interval = checkpoints.every
                n += 1
            }
            seen = frames ?? seen
        }
    }
}
