import Synchronization

/// Wakes a waiting worker when new work arrives in-process, so idle workers sleep instead of
/// polling. A ring wakes everyone waiting and is also remembered once, for a waiter that was
/// on its way to wait (or a worker that was busy): at worst one extra look at the store,
/// never a missed wake-up.
public final class Doorbell: Sendable {
    private struct State {
        /// Rings remembered for waiters still on their way (usually one).
        var pending = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var cancelled: Set<Int> = []
        var nextID = 0
        /// Counts rings; a waiter that registers after a ring it was already waiting for
        /// returns at once.
        var generation = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// Waiters parked now (not those that returned at once on a remembered ring).
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Wakes every waiter, and the next one to wait (the next `remembered` ones: a stage
    /// shutting down rings once for each of its loops, some of which may be on their way).
    public func ring(remembered: Int = 1) {
        let toResume: [CheckedContinuation<Void, Never>] = state.withLock { s in
            s.pending = max(s.pending, remembered)
            s.generation &+= 1
            let all = Array(s.waiters.values)
            s.waiters.removeAll()
            return all
        }
        for c in toResume { c.resume() }
    }

    /// Returns when rung, after `timeout`, or when the task is cancelled.
    public func wait(upTo timeout: Duration) async {
        let (rungAlready, generation) = state.withLock { s in
            if s.pending > 0 { s.pending -= 1; return (true, s.generation) }
            return (false, s.generation)
        }
        if rungAlready || Task.isCancelled { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForRing(since: generation) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing(since generation: Int) async {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s in
                    if s.cancelled.remove(id) != nil { return true }
                    if s.generation != generation { return true }
                    s.waiters[id] = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            let c: CheckedContinuation<Void, Never>? = state.withLock { s in
                if let c = s.waiters.removeValue(forKey: id) { return c }
                s.cancelled.insert(id)
                return nil
            }
            c?.resume()
        }
        // A cancel that raced registration may have left the id behind.
        state.withLock { _ = $0.cancelled.remove(id) }
    }
}

/// One doorbell per stage, shared by whoever creates work (API, monitor) and whoever does it.
public final class WorkSignals: Sendable {
    private let bells: [Stage: Doorbell]

    public init() {
        var bells: [Stage: Doorbell] = [:]
        for stage in Stage.all { bells[stage] = Doorbell() }
        self.bells = bells
    }

    /// The doorbell of a stage.
    public func bell(_ stage: Stage) -> Doorbell { bells[stage]! }

    /// Rings the stage's doorbell.
    public func ring(_ stage: Stage) { bells[stage]?.ring() }
}
