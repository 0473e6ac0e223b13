import Synchronization

/// A value read at most once per ``interval``: callers within the interval get the last good
/// value; the first caller after it refreshes (a failed refresh is thrown and nothing is kept,
/// so a failure is never served from the cache). Used where a cheap answer is wanted under
/// load: `/healthz` pings the store at most once a second, `/metrics` counts the queues at
/// most once per refresh.
public final class RefreshCache<Value: Sendable>: Sendable {
    public let interval: Duration
    private let clock = ContinuousClock()
    private let last = Mutex<(value: Value, at: ContinuousClock.Instant)?>(nil)

    public init(interval: Duration) {
        self.interval = interval
    }

    /// The cached value when fresh, else `refresh()`'s.
    public func value(refresh: () async throws -> Value) async throws -> Value {
        let now = clock.now
        if let fresh = last.withLock({ entry in entry.flatMap { now - $0.at < interval ? $0.value : nil } }) {
            return fresh
        }
        let value = try await refresh()
        last.withLock { $0 = (value, clock.now) }
        return value
    }
}
