import Foundation
import GRDB
import Synchronization
import HeraldCore

extension SQLiteStore {
    /// The writer's page cache while a bulk import runs, in KiB (`PRAGMA cache_size = -N`;
    /// SQLite's default is 2,000 KiB). Measured with `herald bench import --lines 1000000`:
    /// an import's transaction dirties pages all over the indexes its rows go to (each
    /// request's customer, account and subscription indexes, the idempotency key's hash), some
    /// 15,000 pages a transaction once the store holds a million requests, far more than any
    /// cache that keeps `herald import` under 150 MB of RSS. 8 MiB holds the pages every line
    /// reads (the B-trees' upper levels, the tables' last pages); 24–40 MiB saved a few percent
    /// of CPU for their 16–32 MB of RSS, which larger transactions put to better use.
    static let bulkCacheKiB = 8_192

    /// Pages the WAL may hold before the writer checkpoints it (`PRAGMA wal_autocheckpoint`;
    /// default 1,000, about 4 MiB) while an import runs: up to 120 MiB of WAL on disk. Every
    /// transaction of an import writes its hot index pages to the WAL again; a checkpoint
    /// copies each page once however many transactions wrote it since the last, so
    /// checkpointing every few transactions instead of after each saved 10–15% of the
    /// writes (and 5–10% of the import's CPU). Readers find pages in a larger WAL as cheaply.
    /// Checkpointing from a second connection every 100 ms instead, beside the writer, was
    /// tried: the copying left the writer but took the core the parsing needs (no faster in
    /// four alternating runs of a million lines, 8–15 MB more RSS), so the writer does it.
    static let bulkAutocheckpointPages = 30_000

    /// Tunes the writer for `body` (``bulkCacheKiB``, ``bulkAutocheckpointPages``) and back to
    /// SQLite's defaults after it, checkpointing the WAL the import grew. Imports running at
    /// once share the tuning: the last to end undoes it.
    public func bulkWriting<T>(_ body: () async throws -> T) async throws -> T {
        let first = bulkWriters.withLock { n in
            n += 1
            return n == 1
        }
        func untune() async {
            let last = bulkWriters.withLock { n in
                n -= 1
                return n == 0
            }
            guard last else { return }
            try? await writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 1000")
                // The WAL the import left back into the database now, not at the next commit.
                _ = try? db.checkpoint(.passive)
            }
        }
        do {
            if first {
                try await writer.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA cache_size = -\(Self.bulkCacheKiB); PRAGMA wal_autocheckpoint = \(Self.bulkAutocheckpointPages)")
                }
            }
            let result = try await body()
            await untune()
            return result
        } catch {
            await untune()
            throw error
        }
    }
}
