import Foundation
import GRDB
import HeraldCore

/// Rows of `print_batches` and `print_pieces`, read and written through SQLite's C API.
enum PrintRecords {
    /// The columns of a batch, in the order ``batch(direct:)`` reads them.
    static let batchColumns = """
        id, file_name, bureau, postage, envelope, status, created_at, close_at, letters, pages, sheets, attempts, last_error, dropped_at
        """

    static func batch(direct row: DirectRow) -> PrintBatch {
        PrintBatch(id: row.string(0), fileName: row.string(1), bureau: row.string(2), postage: row.string(3), envelope: row.string(4),
                   status: PrintBatchStatus(code: row.string(5)) ?? .closed, createdAt: Millis.date(row.int64(6)),
                   closeAt: Millis.date(row.int64(7)), letters: Int(row.int64(8)), pages: Int(row.int64(9)), sheets: Int(row.int64(10)),
                   attempts: Int(row.int64(11)), lastError: row.optionalString(12), droppedAt: row.optionalInt64(13).map(Millis.date))
    }
}

extension SQLiteStore {
    /// The letters of a claimed batch, stamped with the batch's claim (so each letter's unit in
    /// the drop's commit is guarded by it), with their requests and pieces, in piece order.
    static func letters(of batch: PrintBatch, token: String, lease: Int64, now: Int64, in db: Database) throws -> [WorkItem] {
        let stamp = try db.cachedStatement(sql: """
            UPDATE distributions SET claim_token = ?, lease_until = ?
            WHERE id IN (SELECT distribution_id FROM print_pieces WHERE batch_id = ?) AND status = '\(DistributionStatus.batched.code)'
            RETURNING \(DistributionRecord.columns)
            """)
        var rows: [DistributionRecord] = []
        try stamp.stepDirect(db, { b in b.add(token); b.add(lease); b.add(batch.id) }) { rows.append(DistributionRecord(direct: $0)) }
        guard !rows.isEmpty else {
            // No letter left waiting (cannot happen: letters leave a batch only with its drop);
            // the batch is closed as dropped rather than claimed again after every lease.
            try db.execute(sql: "UPDATE print_batches SET status = ?, dropped_at = ?, claim_token = NULL, lease_until = NULL WHERE id = ?",
                           arguments: [PrintBatchStatus.dropped.code, now, batch.id])
            return []
        }
        var pieces: [String: PrintPiece] = [:]
        let select = try db.cachedStatement(sql: """
            SELECT distribution_id, request_id, pages, duplex, envelope, postage FROM print_pieces WHERE batch_id = ?
            """)
        try select.stepDirect(db, { $0.add(batch.id) }) { row in
            pieces[row.string(0)] = PrintPiece(distributionId: row.string(0), requestId: row.string(1), pages: Int(row.int64(2)),
                                               duplex: row.int64(3) != 0, envelope: row.string(4), postage: row.string(5))
        }
        rows.sort { $0.id < $1.id }
        let requests = try requests(ids: rows.map(\.requestId), in: db)
        return rows.compactMap { d in
            guard let r = requests[d.requestId], let piece = pieces[d.id] else { return nil }
            return WorkItem(request: r, distribution: d.model, print: PrintAssignment(batch: batch, piece: piece))
        }
    }
}

extension Database {
    /// Files a letter into the open batch of its bureau, postage and envelope, or a new batch
    /// (none open, or it is full); the batch closes when it reaches the policy's size.
    func file(_ filing: PrintFiling, at: Date) throws {
        let piece = filing.piece, policy = filing.policy
        var batchId: String?
        var letters = 0
        let open = try cachedStatement(sql: """
            SELECT id, letters FROM print_batches INDEXED BY print_batches_open
            WHERE \(StatusSQL.condition(PrintBatchStatus.open)) AND bureau = ? AND postage = ? AND envelope = ?
                AND close_at > ? AND (lease_until IS NULL OR lease_until < ?)
            ORDER BY id LIMIT 1
            """)
        // Never a batch past its cut-off or claimed by a drop: its ZIP may be in the making.
        let now = Millis.from(at)
        try open.stepDirect(self, { b in b.add(policy.bureau); b.add(piece.postage); b.add(piece.envelope); b.add(now); b.add(now) }) { row in
            batchId = row.string(0)
            letters = Int(row.int64(1))
        }
        if batchId == nil || letters >= policy.maxLetters {
            try StatusMachine.check(printBatch: nil, to: .open)
            let insert = try cachedStatement(sql: """
                INSERT INTO print_batches (id, file_name, bureau, postage, envelope, status, created_at, close_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try insert.runDirect(self) { b in
                b.add(policy.newBatchId); b.add(policy.newFileName); b.add(policy.bureau); b.add(piece.postage); b.add(piece.envelope)
                b.add(PrintBatchStatus.open.code); b.add(Millis.from(at)); b.add(Millis.from(policy.newCloseAt))
            }
            batchId = policy.newBatchId
        }
        let id = batchId!
        let insertPiece = try cachedStatement(sql: """
            INSERT INTO print_pieces (distribution_id, batch_id, request_id, pages, sheets, duplex, envelope, postage)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insertPiece.runDirect(self) { b in
            b.add(piece.distributionId); b.add(id); b.add(piece.requestId); b.add(piece.pages); b.add(piece.sheets)
            b.add(piece.duplex ? 1 : 0); b.add(piece.envelope); b.add(piece.postage)
        }
        // Full: closed for the drop stage (open → closed, a move of the one state machine).
        let count = try cachedStatement(sql: """
            UPDATE print_batches SET letters = letters + 1, pages = pages + ?, sheets = sheets + ?,
                status = CASE WHEN letters + 1 >= ? THEN '\(PrintBatchStatus.closed.code)' ELSE status END
            WHERE id = ?
            """)
        try count.runDirect(self) { b in b.add(piece.pages); b.add(piece.sheets); b.add(policy.maxLetters); b.add(id) }
    }

    /// A batch's move (dropped; or a failed drop waiting again), guarded by status and claim.
    func apply(_ t: PrintBatchTransition, claimToken: String?) throws -> Bool {
        let update = try cachedStatement(sql: """
            UPDATE print_batches SET status = ?, attempts = ?, retry_at = ?, last_error = ?,
                dropped_at = CASE WHEN ? = '\(PrintBatchStatus.dropped.code)' THEN ? ELSE dropped_at END,
                claim_token = NULL, lease_until = NULL
            WHERE id = ? AND status = ? AND (? IS NULL OR claim_token = ?)
            """)
        try update.runDirect(self) { b in
            b.add(t.to.code); b.add(t.attempts); b.add(Millis.from(t.retryAt)); b.add(t.lastError)
            b.add(t.to.code); b.add(Millis.from(t.at))
            b.add(t.batchId); b.add(t.from.code); b.add(claimToken); b.add(claimToken)
        }
        return changesCount == 1
    }
}
