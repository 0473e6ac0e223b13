import Synchronization

/// Which SMSC message ids this process submitted recently, and whether the batch they belong
/// to has been handed back to the sender yet.
///
/// An SMSC may send a receipt before the sender has recorded the distribution as `sent` with
/// its reference (the smpp34 test SMSC answers within milliseconds). The receipt processor
/// asks ``isSettled(_:now:settle:)`` and holds such receipts until the batch is done and
/// `settle` has passed, so they match instead of landing in `unmatched_reports`.
public final class SMPPSubmissionLedger: Sendable {
    /// A batch of submissions in progress.
    public struct Batch: Sendable, Hashable {
        let number: UInt64
    }

    private enum Entry {
        case inFlight(UInt64)
        case done(ContinuousClock.Instant)
    }

    private struct State {
        var nextBatch: UInt64 = 0
        var openBatches: [UInt64: [String]] = [:]
        var entries: [String: Entry] = [:]
        var ended: [(at: ContinuousClock.Instant, ids: [String])] = []
        var endedStart = 0
    }

    private let state = Mutex(State())
    /// How long a finished entry is kept.
    let retention: Duration

    /// Creates an empty ledger keeping finished entries for `retention`.
    public init(retention: Duration = .seconds(600)) {
        self.retention = retention
    }

    /// Starts a batch.
    public func begin() -> Batch {
        state.withLock { s in
            s.nextBatch += 1
            s.openBatches[s.nextBatch] = []
            return Batch(number: s.nextBatch)
        }
    }

    /// Records message ids the SMSC accepted within `batch`.
    public func record(_ ids: [String], in batch: Batch) {
        guard !ids.isEmpty else { return }
        state.withLock { s in
            for id in ids { s.entries[id] = .inFlight(batch.number) }
            s.openBatches[batch.number, default: []].append(contentsOf: ids)
        }
    }

    /// Ends a batch: its ids become settled after the receipt processor's settle time.
    public func end(_ batch: Batch, now: ContinuousClock.Instant = .now) {
        state.withLock { s in
            let ids = s.openBatches.removeValue(forKey: batch.number) ?? []
            for id in ids {
                if case .inFlight(batch.number) = s.entries[id] { s.entries[id] = .done(now) }
            }
            if !ids.isEmpty { s.ended.append((now, ids)) }
            // Prune batches that ended longer than the retention ago.
            let cutoff = now - retention
            while s.endedStart < s.ended.count, s.ended[s.endedStart].at < cutoff {
                for id in s.ended[s.endedStart].ids {
                    if case .done(let at) = s.entries[id], at < cutoff { s.entries[id] = nil }
                }
                s.endedStart += 1
            }
            if s.endedStart > 1024, s.endedStart * 2 > s.ended.count {
                s.ended.removeFirst(s.endedStart)
                s.endedStart = 0
            }
        }
    }

    /// Whether a receipt about `id` may be applied now: the id is not in a batch still being
    /// sent, and its batch ended at least `settle` ago. Unknown ids (sent by an earlier run)
    /// are settled.
    public func isSettled(_ id: String, now: ContinuousClock.Instant = .now, settle: Duration) -> Bool {
        state.withLock { s in
            switch s.entries[id] {
            case nil: true
            case .inFlight: false
            case .done(let at): now - at >= settle
            }
        }
    }

    /// Forgets an id (its receipt was applied).
    public func forget(_ id: String) {
        _ = state.withLock { s in s.entries.removeValue(forKey: id) }
    }

    /// Ids recorded and not yet forgotten or pruned.
    public var count: Int { state.withLock { $0.entries.count } }
}
