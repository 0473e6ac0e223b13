import Foundation
import GRDB
import HeraldCore

/// The storage step's reads: the hash chain for verification, and which local packs are still
/// needed before local retention may delete them.
extension SQLiteStore {
    public func storedDocumentChain(afterSeq: Int64?, limit: Int) async throws -> [StoredDocument] {
        let after = afterSeq ?? 0
        let n = max(1, limit)
        return try await writer.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT \(StoredDocumentRecord.allColumns) FROM stored_documents INDEXED BY stored_documents_chain
                WHERE chain_seq IS NOT NULL AND chain_seq > ? ORDER BY chain_seq LIMIT ?
                """)
            var out: [StoredDocument] = []
            try statement.stepDirect(db, { b in b.add(after); b.add(n) }) { out.append(StoredDocumentRecord.stored(direct: $0)) }
            return out
        }
    }

    public func documentPacksInUse(_ packs: [String]) async throws -> Set<String> {
        try await writer.read { db in
            // Both look-ups walk partial indexes of waiting rows only: documents not yet stored
            // (by local location, a range per pack) and distributions awaiting (re)transmission.
            let waitingStore = try db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM stored_documents INDEXED BY stored_documents_waiting_local
                WHERE \(StatusSQL.condition(StorageStatus.waiting)) AND local_location >= ? AND local_location < ?)
                """)
            let waitingSend = try db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM distributions INDEXED BY distributions_send
                WHERE \(StatusSQL.condition(DistributionStatus.awaitingDistribution, .errorRetry)) AND method = ?
                AND file_location >= ? AND file_location < ?)
                """)
            var inUse = Set<String>()
            for pack in packs {
                // Locations in the pack are `<pack>#…`; '$' sorts right after '#'.
                let low = pack + "#", high = pack + "$"
                var used = false
                try waitingStore.stepDirect(db, { b in b.add(low); b.add(high) }) { used = $0.int64(0) != 0 }
                for method in [DeliveryMethod.email, .letter] where !used {
                    try waitingSend.stepDirect(db, { b in b.add(method.rawValue); b.add(low); b.add(high) }) { used = $0.int64(0) != 0 }
                }
                if used { inUse.insert(pack) }
            }
            return inUse
        }
    }
}
