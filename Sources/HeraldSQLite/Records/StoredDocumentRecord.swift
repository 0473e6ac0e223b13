import Foundation
import GRDB
import HeraldCore

/// A row of `stored_documents`: one document's long-term copy (see the migration
/// `2026-12-07-stored-documents`). Read and written through SQLite's C API by position.
enum StoredDocumentRecord {
    /// The columns a claim returns, in the order ``pending(direct:)`` reads them.
    static let columns = "id, request_id, status, local_location, file_extension, merged_at, attempts"

    /// Every column the API and the chain walk read, in the order ``stored(direct:)`` reads them.
    static let allColumns = """
        id, request_id, status, local_location, attempts, last_error, backend, location, sha256, size, stored_at, key_id, \
        chain_seq, previous_hash, record_hash
        """

    static func pending(direct row: DirectRow) -> PendingDocument {
        PendingDocument(distributionId: row.string(0), requestId: row.string(1), localLocation: row.string(3),
                        fileExtension: row.string(4), mergedAt: Millis.date(row.int64(5)),
                        status: StorageStatus(code: row.string(2)) ?? .waiting, attempts: Int(row.int64(6)))
    }

    static func stored(direct row: DirectRow) -> StoredDocument {
        StoredDocument(status: StorageStatus(code: row.string(2)) ?? .waiting, backend: row.optionalString(6),
                       location: row.optionalString(7), sha256: row.optionalString(8), size: row.optionalInt64(9).map(Int.init),
                       storedAt: row.optionalInt64(10).map(Millis.date), keyId: row.optionalString(11),
                       lastError: row.optionalString(5), attempts: Int(row.int64(4)), chainSeq: row.optionalInt64(12),
                       previousHash: row.optionalString(13), recordHash: row.optionalString(14),
                       localLocation: row.string(3), requestId: row.string(1), distributionId: row.string(0))
    }
}

extension Database {
    /// Adds a document waiting for its long-term copy (in the merge's commit).
    func insert(_ document: PendingDocument) throws {
        try StatusMachine.check(storage: nil, to: document.status)
        let insert = try cachedStatement(sql: """
            INSERT INTO stored_documents (id, request_id, status, local_location, file_extension, merged_at, attempts)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.runDirect(self) { b in
            b.add(document.distributionId); b.add(document.requestId); b.add(document.status.code); b.add(document.localLocation)
            b.add(document.fileExtension); b.add(Millis.from(document.mergedAt)); b.add(document.attempts)
        }
    }

    /// Applies a stored-document move guarded by the expected status and claim token. A move to
    /// `stored` takes the next link of the hash chain: the chain's last record hash is read in
    /// this same write transaction (one writer: links are never forked), and the record's hash
    /// covers it. Returns false when the guard failed (nothing written).
    func apply(_ t: StorageTransition, claimToken: String?, history: inout HistoryBuffer) throws -> Bool {
        if let stored = t.stored, t.to == .stored {
            var seq: Int64 = 0
            var previous = DocumentChain.genesis
            let tail = try cachedStatement(sql: """
                SELECT chain_seq, record_hash FROM stored_documents INDEXED BY stored_documents_chain
                WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1
                """)
            try tail.stepDirect(self, { _ in }) { row in
                seq = row.int64(0)
                previous = row.string(1)
            }
            let hash = DocumentChain.link(previous: previous, requestId: t.requestId, stored: stored, storedAt: t.at)
            let update = try cachedStatement(sql: """
                UPDATE stored_documents SET status = ?, attempts = ?, retry_at = NULL, last_error = NULL,
                    backend = ?, location = ?, sha256 = ?, size = ?, stored_at = ?, key_id = ?,
                    chain_seq = ?, previous_hash = ?, record_hash = ?, claim_token = NULL, lease_until = NULL
                WHERE id = ? AND status = ? AND (? IS NULL OR claim_token = ?)
                """)
            try update.runDirect(self) { b in
                b.add(t.to.code); b.add(t.attempts); b.add(stored.backend); b.add(stored.location); b.add(stored.sha256)
                b.add(stored.size); b.add(Millis.from(t.at)); b.add(stored.keyId); b.add(seq + 1); b.add(previous); b.add(hash)
                b.add(t.distributionId); b.add(t.from.code); b.add(claimToken); b.add(claimToken)
            }
            guard changesCount == 1 else { return false }
            history.append(requestId: t.requestId, entity: .document, from: t.from.rawValue, to: t.to.rawValue, at: t.at,
                           actor: "document-store", reason: "stored at \(stored.location)")
            return true
        }
        // A failed attempt: the row waits again, with its error and next attempt's time.
        let update = try cachedStatement(sql: """
            UPDATE stored_documents SET status = ?, attempts = ?, retry_at = ?, last_error = ?, claim_token = NULL, lease_until = NULL
            WHERE id = ? AND status = ? AND (? IS NULL OR claim_token = ?)
            """)
        try update.runDirect(self) { b in
            b.add(t.to.code); b.add(t.attempts); b.add(Millis.from(t.retryAt)); b.add(t.lastError)
            b.add(t.distributionId); b.add(t.from.code); b.add(claimToken); b.add(claimToken)
        }
        return changesCount == 1
    }
}
