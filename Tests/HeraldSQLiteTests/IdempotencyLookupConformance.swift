import Foundation
import HeraldCore
import Testing

@Suite("CommsStore conformance: idempotency look-up")
struct IdempotencyLookupConformance {
    @Test(arguments: StoreFactory.durable)
    func liveKeysComeBackWithTheirBodyHash(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        // More keys than the largest cached statement takes (4,096).
        let count = 4_100
        let submissions = (0..<count).map { i in
            TriggerSubmission(requests: [Fixtures.request(at: Fixtures.t0.addingTimeInterval(Double(i) / 1000))],
                              idempotency: .init(key: "k-\(i)", bodyHash: "h-\(i)"), actor: "import")
        }
        let results = try await t.store.submitBatch(submissions, idempotencyWindow: Fixtures.window)
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        let asked = (0..<count).map { "k-\($0)" } + ["k-unknown", "k-\(count)"]
        let live = try await t.store.liveIdempotencyKeys(asked, now: Fixtures.t0.addingTimeInterval(60))
        #expect(live.count == count)
        #expect(live["k-0"] == "h-0")
        #expect(live["k-4099"] == "h-4099")
        #expect(live["k-unknown"] == nil)
        #expect(try await t.store.liveIdempotencyKeys(["k-1", "k-2", "k-3"], now: Fixtures.t0).count == 3)
        #expect(try await t.store.liveIdempotencyKeys([], now: Fixtures.t0).isEmpty)
        // Expired keys are absent (a line under one is imported again).
        let later = Fixtures.t0.addingTimeInterval(25 * 3600)
        #expect(try await t.store.liveIdempotencyKeys(["k-1", "k-2"], now: later).isEmpty)
    }
}
