import Foundation
import GRDB
import HeraldCore
import HeraldSQLite

/// `herald bench import`'s anchor, beside the store it is compared with: bare GRDB, no Herald
/// schema or logic.
extension SQLiteStore {
    /// The import benchmark's anchor: the storage floor of an import. For each of `lines` lines,
    /// inserts a request row, its history row and its idempotency key (with its 64-bit hash, the
    /// key's only index, as Herald stores it), 10,000 lines per transaction (an import's
    /// transaction), into bare tables of a fresh database at `path` (primary keys and the key
    /// hash's index only), with cached statements and no Herald logic. Returns the seconds taken.
    static func rawImportAnchor(lines: Int, path: String) async throws -> TimeInterval {
        var config = GRDB.Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool = try DatabasePool(path: path, configuration: config)
        try await pool.write { db in
            try db.execute(sql: """
                CREATE TABLE requests (id TEXT PRIMARY KEY, comms_code TEXT, priority INTEGER, status TEXT, target_kind TEXT,
                    target_id TEXT, fields TEXT, source TEXT, created_by TEXT, created_at INTEGER);
                CREATE TABLE history (id INTEGER PRIMARY KEY, request_id TEXT, to_status TEXT, at INTEGER, actor TEXT);
                CREATE TABLE keys (key_hash INTEGER, key TEXT, body_hash TEXT, request_ids TEXT, created_at INTEGER, expires_at INTEGER);
                CREATE INDEX keys_hash ON keys(key_hash);
                """)
        }
        let start = Date()
        var done = 0
        while done < lines {
            let n = min(10_000, lines - done)
            let base = done
            try await pool.write { db in
                let request = try db.cachedStatement(sql: "INSERT INTO requests VALUES (?, 'WELCOME', 2, 'A', 'customer', ?, ?, 'import', 'import', ?)")
                let history = try db.cachedStatement(sql: "INSERT INTO history (request_id, to_status, at, actor) VALUES (?, 'A', ?, 'import')")
                let key = try db.cachedStatement(sql: "INSERT INTO keys VALUES (?, ?, ?, ?, ?, ?)")
                for i in base..<(base + n) {
                    let id = Identifier.make()
                    let at = Int64(i)
                    try request.execute(arguments: [id, String(format: "C-%05d", i % 3_000), "{\"REF\":\"\(i)\"}", at])
                    try history.execute(arguments: [id, at])
                    let (hash, keyHash) = randomHex(UInt64(i))
                    try key.execute(arguments: [keyHash, "import|\(hash)#1", hash, "[\"\(id)\"]", at, at + 1_000])
                }
            }
            done += n
        }
        return Date().timeIntervalSince(start)
    }

    /// 64 hex digits from SplitMix64 seeded by `seed`, and the first 64 bits as the key's hash:
    /// keys as random as an import's SHA-256 keys (random places in the key index), without
    /// the cost of hashing.
    private static func randomHex(_ seed: UInt64) -> (String, Int64) {
        let digits = Array("0123456789abcdef".utf8)
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        var out = [UInt8]()
        out.reserveCapacity(64)
        var first: UInt64?
        for _ in 0..<4 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            if first == nil { first = z }
            for shift in stride(from: 60, through: 0, by: -4) { out.append(digits[Int((z >> UInt64(shift)) & 0xF)]) }
        }
        return (String(decoding: out, as: UTF8.self), Int64(bitPattern: first ?? 0))
    }
}
