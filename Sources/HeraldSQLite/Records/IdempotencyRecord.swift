import Crypto
import Foundation
import GRDB
import HeraldCore

/// A row of `idempotency_keys`: what a keyed trigger produced, until `expires_at` (24 h for
/// API keys, a year for import lines); expired rows are purged by the maintenance service.
///
/// Found by ``keyHash`` (the only index on keys), then by the full key: one row per key, kept
/// so by the writers, which look a key up before writing it in the same transaction.
struct IdempotencyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "idempotency_keys"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case keyHash = "key_hash", key, bodyHash = "body_hash", requestIds = "request_ids", eventId = "event_id"
        case createdAt = "created_at", expiresAt = "expires_at"
    }

    var keyHash: Int64
    var key: String
    var bodyHash: String
    var requestIds: [String]
    var eventId: String?
    var createdAt: Int64
    var expiresAt: Int64
}

extension IdempotencyRecord {
    /// `key_hash` of a key: the first 8 bytes of the SHA-256 of its UTF-8, as a signed integer.
    /// Stored, so it must never change. A cryptographic hash: no client can make many keys
    /// share one value (which would make each look-up of those keys read every row of them).
    static func keyHash(_ key: String) -> Int64 {
        var key = key
        let digest = key.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        return digest.withUnsafeBytes { bytes in
            var value: UInt64 = 0
            for i in 0..<8 { value = value << 8 | UInt64(bytes[i]) }
            return Int64(bitPattern: value)
        }
    }

    /// `request_ids` as the JSON array of strings GRDB's Codable encoding writes (`["a","b"]`),
    /// written and read by hand on the trigger path.
    static func encodeIds(_ ids: [String]) -> String {
        StringMapJSON.encode(array: ids)
    }

    static func decodeIds(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

/// What a trigger's look-up of its key reads (``IdempotencyRecord``'s columns it needs, and
/// the row's rowid, to replace an expired row in place); `request_ids` is decoded only for a
/// replay.
struct StoredIdempotencyKey {
    var rowid: Int64
    var bodyHash: String
    var requestIds: String
    var eventId: String?
    var expiresAt: Int64
}
