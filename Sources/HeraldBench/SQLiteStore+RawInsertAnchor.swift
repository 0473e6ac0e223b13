import Foundation
import GRDB
import HeraldCore
import HeraldSQLite

/// `herald bench pipeline`'s anchor, beside the store it is compared with: bare GRDB, no Herald
/// schema or logic.
extension SQLiteStore {
    /// The benchmark's anchor: the storage floor. Inserts `count` bare rows plus one history row
    /// each, in batches of 500 per transaction, into a scratch table of a fresh database at
    /// `path`, with raw cached statements and no Herald logic. Returns the seconds taken.
    static func rawInsertAnchor(count: Int, path: String) async throws -> TimeInterval {
        var config = GRDB.Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool = try DatabasePool(path: path, configuration: config)
        try await pool.write { db in
            try db.execute(sql: "CREATE TABLE rows (id TEXT PRIMARY KEY, status TEXT, payload TEXT, created_at INTEGER)")
            try db.execute(sql: "CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, row_id TEXT, to_status TEXT, at INTEGER)")
        }
        let start = Date()
        var done = 0
        while done < count {
            let n = min(500, count - done)
            let base = done
            try await pool.write { db in
                let insert = try db.cachedStatement(sql: "INSERT INTO rows VALUES (?, 'A', ?, ?)")
                let history = try db.cachedStatement(sql: "INSERT INTO history (row_id, to_status, at) VALUES (?, 'A', ?)")
                for i in base..<(base + n) {
                    let id = Identifier.make()
                    try insert.execute(arguments: [id, "{\"PERCENT\":\"80\",\"i\":\"\(i)\"}", i])
                    try history.execute(arguments: [id, i])
                }
            }
            done += n
        }
        return Date().timeIntervalSince(start)
    }
}
