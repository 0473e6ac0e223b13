import Synchronization

/// At most `limit` holders at once, shared by every batch of one transmitter: the per-host
/// session limit (`smtp.connections`) holds however many batches the email sender works on at
/// once. Waiters are served first come, first served; a freed place goes straight to the
/// longest waiter. Waiting is not cancellable: a holder always gives its place back when its
/// session ends (sessions have timeouts).
final class SessionLimit: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state: Mutex<State>

    init(_ limit: Int) {
        state = Mutex(State(available: max(1, limit)))
    }

    /// Waits for a place.
    func acquire() async {
        let taken = state.withLock { s in
            guard s.available > 0 else { return false }
            s.available -= 1
            return true
        }
        if taken { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s in
                if s.available > 0 {
                    s.available -= 1
                    return true
                }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    /// Gives a place back (to the longest waiter, if any).
    func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { s in
            if !s.waiters.isEmpty { return s.waiters.removeFirst() }
            s.available += 1
            return nil
        }
        next?.resume()
    }
}
