import Synchronization

/// At most `limit` holders at once, shared by every batch of one transmitter, so a limit on
/// the provider holds however many batches a sender works on at once: SMTP sessions per relay
/// (`smtp.connections`), requests in flight to an SMS gateway (`sms.http.concurrency`). Waiters are served first come, first served; a freed place goes straight to the
/// longest waiter. A waiter is tied to its batch (`owner`): when that batch has nothing left to
/// hand out, ``withdraw(_:)`` sends its waiters away empty-handed, so a batch never waits for
/// places it no longer needs behind other batches.
final class SharedLimit: Sendable {
    private struct Waiter {
        var owner: ObjectIdentifier
        var continuation: CheckedContinuation<Bool, Never>
    }
    private struct State {
        var available: Int
        var waiters: [Waiter] = []
    }
    private let state: Mutex<State>

    init(_ limit: Int) {
        state = Mutex(State(available: max(1, limit)))
    }

    /// Callers waiting for a place now.
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Waits for a place for `owner`; true when one was given, false when `stillWanted` was
    /// false on arrival (checked under the limit's lock) or the owner was withdrawn meanwhile.
    func acquire(for owner: ObjectIdentifier, stillWanted: () -> Bool) async -> Bool {
        enum Arrival { case taken, notWanted, wait }
        let arrival: Arrival = state.withLock { s in
            if s.available > 0 {
                s.available -= 1
                return .taken
            }
            return stillWanted() ? .wait : .notWanted
        }
        switch arrival {
        case .taken: return true
        case .notWanted: return false
        case .wait: break
        }
        return await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let answer: Bool? = state.withLock { s in
                if s.available > 0 {
                    s.available -= 1
                    return true
                }
                guard stillWanted() else { return false }
                s.waiters.append(Waiter(owner: owner, continuation: c))
                return nil
            }
            if let answer { c.resume(returning: answer) }
        }
    }

    /// Takes a place when one is free now, as ``acquire()`` would without waiting; false when
    /// none is (then ``acquire()`` waits for one). Spares a hot loop the suspension point.
    func tryAcquire() -> Bool {
        state.withLock { s in
            guard s.available > 0 else { return false }
            s.available -= 1
            return true
        }
    }

    /// Waits for a place, for a holder that is never withdrawn (one request in flight).
    func acquire() async {
        _ = await acquire(for: ObjectIdentifier(self), stillWanted: { true })
    }

    /// Gives a place back (to the longest waiter, if any).
    func release() {
        let next: CheckedContinuation<Bool, Never>? = state.withLock { s in
            if !s.waiters.isEmpty { return s.waiters.removeFirst().continuation }
            s.available += 1
            return nil
        }
        next?.resume(returning: true)
    }

    /// Sends `owner`'s waiters away without a place (their batch has nothing left to send).
    func withdraw(_ owner: ObjectIdentifier) {
        let gone: [Waiter] = state.withLock { s in
            let gone = s.waiters.filter { $0.owner == owner }
            s.waiters.removeAll { $0.owner == owner }
            return gone
        }
        for waiter in gone { waiter.continuation.resume(returning: false) }
    }
}
