import HeraldCore
import Synchronization
import Testing

@Suite struct RefreshCacheTests {
    struct Failure: Error {}

    @Test func freshValuesAreServedAndFailuresNeverCached() async throws {
        let calls = Atomic<Int>(0)
        // 2 s: the second call comes within the interval even when a loaded suite stalls it.
        let cache = RefreshCache<Int>(interval: .seconds(2))
        let refresh: () async throws -> Int = { calls.add(1, ordering: .relaxed).newValue }
        #expect(try await cache.value(refresh: refresh) == 1)
        #expect(try await cache.value(refresh: refresh) == 1)  // within the interval: no call
        try await Task.sleep(for: .milliseconds(2_100))
        #expect(try await cache.value(refresh: refresh) == 2)

        let failing = RefreshCache<Int>(interval: .seconds(60))
        await #expect(throws: Failure.self) { try await failing.value { throw Failure() } }
        // The failure was not kept: the next caller refreshes and gets a value.
        #expect(try await failing.value { 7 } == 7)
        #expect(try await failing.value { 8 } == 7)
    }
}
