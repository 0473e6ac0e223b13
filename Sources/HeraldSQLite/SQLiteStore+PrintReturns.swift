import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func applyPrintReturns(_ returns: [PrintReturn], actor: String) async throws -> [PrintReturnResult] {
        let receivedAt = now
        return try await writer.write { db in
            let find = try db.cachedStatement(sql: """
                SELECT \(DistributionRecord.columns) FROM distributions
                WHERE id = ? AND method = '\(DeliveryMethod.letter.rawValue)' AND EXISTS (SELECT 1 FROM print_pieces WHERE distribution_id = ?)
                """)
            var results: [PrintReturnResult] = []
            results.reserveCapacity(returns.count)
            for line in returns {
                var record: DistributionRecord?
                try find.stepDirect(db, { b in b.add(line.pieceId); b.add(line.pieceId) }) { record = DistributionRecord(direct: $0) }
                let at = line.at ?? receivedAt
                let report = DeliveryReport(method: .letter, reference: line.pieceId, outcome: .delivered, at: at,
                                            detail: [line.source, line.reason].compactMap { $0 }.joined(separator: ": "))
                guard let d = record?.model else {
                    try db.logPrintReturn(line, report: report, receivedAt: receivedAt, disposition: "unmatched", distributionId: nil)
                    results.append(.unknownPiece)
                    continue
                }
                let result = try db.apply(line, to: d, at: at, actor: actor)
                let disposition = switch result {
                case .applied: "applied"
                case .logged: "logged"
                case .ignored: "ignored"
                case .unknownPiece: "unmatched"
                }
                try db.logPrintReturn(line, report: report, receivedAt: receivedAt, disposition: disposition, distributionId: d.id)
                results.append(result)
            }
            return results
        }
    }
}

extension Database {
    func logPrintReturn(_ line: PrintReturn, report: DeliveryReport, receivedAt: Date, disposition: String, distributionId: String?) throws {
        let insert = try cachedStatement(sql: """
            INSERT INTO delivery_reports (method, reference, outcome, at, detail, received_at, disposition, distribution_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.runDirect(self) { b in
            b.add(DeliveryMethod.letter.rawValue); b.add(line.pieceId); b.add(line.status.rawValue); b.add(Millis.from(report.at))
            b.add(report.detail); b.add(Millis.from(receivedAt)); b.add(disposition); b.add(distributionId)
        }
    }

    /// One return line's effect on its letter, through the state machine.
    func apply(_ line: PrintReturn, to d: Distribution, at: Date, actor: String) throws -> PrintReturnResult {
        switch line.status {
        case .accepted, .printed:
            return .logged(requestId: d.requestId)
        case .posted:
            // The posting date is when the letter really left: the actual sent time (no status move).
            guard d.status == .sent || d.status == .delivered else { return .ignored(requestId: d.requestId, status: d.status) }
            let update = try cachedStatement(sql: "UPDATE distributions SET actual_sent_at = ?, updated_at = ? WHERE id = ?")
            try update.runDirect(self) { b in b.add(Millis.from(at)); b.add(Millis.from(at)); b.add(d.id) }
            return .applied(requestId: d.requestId)
        case .returned, .rejected:
            let to: DistributionStatus = line.status == .returned ? .undeliverable : .errorNoRetry
            guard StatusMachine.canMove(distribution: d.status, to: to) else { return .ignored(requestId: d.requestId, status: d.status) }
            let reason = "print bureau: \(line.status.rawValue)" + (line.reason.map { ": \($0)" } ?? "")
            var t = try DistributionTransition(distribution: d, to: to, actor: actor, reason: reason, at: at)
            t.lastError = reason
            t.retryAt = nil
            let change = Change(requestId: d.requestId, distribution: t,
                                problems: [RequestProblem(kind: line.status == .returned ? .delivery : .error, reason: reason, at: at)])
            var history = HistoryBuffer()
            guard try SQLiteStore.apply(change, token: nil, earlyReports: false, in: self, history: &history) else {
                return .ignored(requestId: d.requestId, status: d.status)
            }
            try history.flush(self)
            return .applied(requestId: d.requestId)
        }
    }
}

extension SQLiteStore {
    public func closeOpenPrintBatches(at: Date) async throws -> Int {
        let ms = Millis.from(at)
        return try await writer.write { db in
            try db.execute(sql: "UPDATE print_batches SET close_at = ? WHERE \(StatusSQL.condition(PrintBatchStatus.open)) AND close_at > ?",
                           arguments: [ms, ms])
            return db.changesCount
        }
    }

    public func printBatches(limit: Int) async throws -> [PrintBatch] {
        try await writer.read { db in
            let statement = try db.makeStatement(sql: "SELECT \(PrintRecords.batchColumns) FROM print_batches ORDER BY id DESC LIMIT ?")
            var out: [PrintBatch] = []
            try statement.stepDirect(db, { $0.add(max(1, limit)) }) { out.append(PrintRecords.batch(direct: $0)) }
            return out
        }
    }
}
