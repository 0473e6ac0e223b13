import Foundation
import GRDB
import HeraldCore
import Synchronization

/// Group commit for triggers: concurrent ``SQLiteStore/submit(_:idempotencyWindow:)`` calls
/// (API triggers, workflow events, external triggers) share one write transaction.
///
/// A caller parks its submission here and waits. When no drain is scheduled, it schedules one
/// on GRDB's writer queue (the thread every write runs on, so one hop there and one back). The
/// drain takes whatever is waiting, up to ``maxBatch``, writes each submission in a savepoint of
/// one transaction (a refused one — idempotency conflict, unknown target — leaves nothing
/// behind and does not disturb the others), commits once, and only then answers every caller
/// with its own result. Submissions that arrived meanwhile get the next drain, scheduled behind
/// any other writes already queued (the pipeline's claims and commits are not starved). Nothing
/// waits for a batch to fill: under light load a batch is one submission.
///
/// If the transaction itself fails (disk full, the database busy past its timeout), every
/// caller of that batch gets the error and nothing of the batch is written.
final class GroupCommit: Sendable {
    /// The most submissions one transaction takes.
    static let maxBatch = 256

    struct Waiting: Sendable {
        var submission: TriggerSubmission
        var window: Duration
        var continuation: CheckedContinuation<Result<SubmissionResult, HeraldError>, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var drainScheduled = false
    }

    private let state = Mutex(State())
    /// Transactions written and submissions they held, since the store opened.
    let transactions = Atomic<Int>(0)
    let submissions = Atomic<Int>(0)

    /// Parks a submission; true when the caller must schedule a drain.
    func park(_ waiting: Waiting) -> Bool {
        state.withLock { s in
            s.waiting.append(waiting)
            if s.drainScheduled { return false }
            s.drainScheduled = true
            return true
        }
    }

    /// Takes up to ``maxBatch`` waiting submissions, oldest first.
    func take() -> [Waiting] {
        state.withLock { s in
            let n = min(s.waiting.count, Self.maxBatch)
            let batch = Array(s.waiting.prefix(n))
            s.waiting.removeFirst(n)
            return batch
        }
    }

    /// After a drain: true when more are waiting (the drain stays scheduled and the caller
    /// schedules the next); false when none are (the next submission schedules one).
    func finishDrain() -> Bool {
        state.withLock { s in
            if s.waiting.isEmpty { s.drainScheduled = false }
            return s.drainScheduled
        }
    }
}

extension SQLiteStore {
    public func submit(_ submission: TriggerSubmission, idempotencyWindow: Duration) async throws -> SubmissionResult {
        let result = try await withCheckedThrowingContinuation { continuation in
            if groupCommit.park(.init(submission: submission, window: idempotencyWindow, continuation: continuation)) {
                scheduleSubmitDrain()
            }
        }
        return try result.get()
    }

    func scheduleSubmitDrain() {
        writer.asyncWriteWithoutTransaction { db in
            self.drainSubmissions(db)
        }
    }

    /// One drain on the writer's queue: one transaction for the waiting submissions.
    func drainSubmissions(_ db: Database) {
        let batch = groupCommit.take()
        if !batch.isEmpty {
            groupCommit.transactions.add(1, ordering: .relaxed)
            groupCommit.submissions.add(batch.count, ordering: .relaxed)
            do {
                let outcomes = try Self.submitTogether(batch.map { ($0.submission, $0.window) }, in: db, now: now)
                for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(with: outcome) }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
        if groupCommit.finishDrain() { scheduleSubmitDrain() }
    }

    /// Writes submissions in one transaction, each all-or-nothing, and commits once (the group
    /// commit's drains and `herald import`'s chunks, ``submitBatch(_:idempotencyWindow:)``).
    ///
    /// First without a savepoint per trigger (``submitWithoutSavepoints(_:in:now:)``): every
    /// refusal (replay, conflict, unknown target) is found by reading before the trigger writes
    /// anything (``check(_:in:now:hash:targets:)``), so a refused trigger leaves nothing to roll back.
    /// A savepoint copies every page a trigger modifies into its journal (4 KiB each, ten or so
    /// a trigger) and costs two statements, on the one writer every stage shares. History rows
    /// go 100 to a statement, targets are resolved once per batch. If anything throws (an
    /// unexpected SQLite error: a duplicate request id, disk full), the transaction is rolled
    /// back whole and written again with a savepoint per trigger, where one that throws is that
    /// caller's failure alone while SQLite keeps the transaction open; when SQLite has rolled the
    /// transaction back itself (disk full, I/O error), the error is thrown for the whole batch,
    /// none of which was written.
    static func submitTogether(_ submissions: [(TriggerSubmission, Duration)], in db: Database,
                               now: Date) throws -> [Result<Result<SubmissionResult, HeraldError>, any Error>] {
        do {
            return try submitWithoutSavepoints(submissions, in: db, now: now)
        } catch {
            if db.isInsideTransaction { throw error }
        }
        var outcomes: [Result<Result<SubmissionResult, HeraldError>, any Error>] = []
        outcomes.reserveCapacity(submissions.count)
        try db.inTransaction {
            for (submission, window) in submissions {
                do {
                    outcomes.append(.success(try submitUnit(submission, in: db, now: now, window: window)))
                } catch {
                    guard db.isInsideTransaction else { throw error }
                    outcomes.append(.failure(error))
                }
            }
            return .commit
        }
        return outcomes
    }

    /// One trigger inside a batch's transaction, all-or-nothing: in a savepoint, rolled back
    /// when it is refused half-way (a workflow event's second request, an unknown target).
    static func submitUnit(_ s: TriggerSubmission, in db: Database, now: Date, window: Duration) throws -> Result<SubmissionResult, HeraldError> {
        var result: Result<SubmissionResult, HeraldError> = .failure(.internalError("not run"))
        _ = try db.inUnitSavepoint {
            result = try Self.submit(s, in: db, now: now, window: window)
            if case .failure = result { return false }
            return true
        }
        return result
    }
}
