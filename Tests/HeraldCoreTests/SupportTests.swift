import Foundation
import HeraldCore
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test func doublesFromTheBaseDelay() {
        let p = RetryPolicy(maxAttempts: 6, baseDelay: .seconds(30), maxDelay: .seconds(3600))
        #expect(p.delay(afterAttempts: 1) == .seconds(30))
        #expect(p.delay(afterAttempts: 2) == .seconds(60))
        #expect(p.delay(afterAttempts: 3) == .seconds(120))
        #expect(p.delay(afterAttempts: 4) == .seconds(240))
        #expect(p.delay(afterAttempts: 5) == .seconds(480))
    }

    @Test func nilAtAndAfterTheLimit() {
        let p = RetryPolicy(maxAttempts: 6, baseDelay: .seconds(30), maxDelay: .seconds(3600))
        #expect(p.delay(afterAttempts: 6) == nil)
        #expect(p.delay(afterAttempts: 7) == nil)
        #expect(RetryPolicy(maxAttempts: 1).delay(afterAttempts: 1) == nil)
    }

    @Test func cappedAtMaxDelay() {
        let p = RetryPolicy(maxAttempts: 100, baseDelay: .seconds(30), maxDelay: .seconds(300))
        #expect(p.delay(afterAttempts: 4) == .seconds(240))
        #expect(p.delay(afterAttempts: 5) == .seconds(300))
        #expect(p.delay(afterAttempts: 6) == .seconds(300))
        #expect(p.delay(afterAttempts: 40) == .seconds(300))
        #expect(p.delay(afterAttempts: 99) == .seconds(300))
    }

    @Test func subSecondDelays() {
        let p = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(250), maxDelay: .seconds(10))
        #expect(p.delay(afterAttempts: 1) == .milliseconds(250))
        #expect(p.delay(afterAttempts: 3) == .milliseconds(1000))
    }

    @Test func defaults() {
        let p = RetryPolicy()
        #expect(p.maxAttempts == 6 && p.baseDelay == .seconds(30) && p.maxDelay == .seconds(3600))
    }
}

/// A deterministic random source (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Identifier")
struct IdentifierTests {
    static func checkFormat(_ id: String) {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        #expect(parts.map(\.count) == [8, 4, 4, 4, 12], "\(id)")
        #expect(id.allSatisfy { $0 == "-" || ("0"..."9").contains($0) || ("a"..."f").contains($0) }, "\(id)")
        let chars = Array(id)
        #expect(chars[14] == "7", "version nibble of \(id)")
        #expect("89ab".contains(chars[19]), "variant bits of \(id)")
    }

    @Test func formatIsUUIDv7() {
        for seed in UInt64(0)..<64 {
            var rng = SeededGenerator(state: seed)
            Self.checkFormat(Identifier.make(milliseconds: 1_700_000_000_000 + seed, using: &rng))
        }
        for _ in 0..<32 { Self.checkFormat(Identifier.make()) }
    }

    @Test func variantAndVersionHoldWhateverTheRandomBits() {
        struct Constant: RandomNumberGenerator {
            var value: UInt64
            mutating func next() -> UInt64 { value }
        }
        for value: UInt64 in [0, .max, 0x5555_5555_5555_5555, 0xAAAA_AAAA_AAAA_AAAA] {
            var rng = Constant(value: value)
            Self.checkFormat(Identifier.make(milliseconds: 0, using: &rng))
        }
    }

    @Test func leadingDigitsAreTheMilliseconds() {
        var rng = SeededGenerator(state: 7)
        let ms: UInt64 = 0x0193_ABCD_EF01
        let id = Identifier.make(milliseconds: ms, using: &rng)
        #expect(id.hasPrefix("0193abcd-ef01-7"))
        let fromDate = Identifier.make(now: Date(timeIntervalSince1970: 1_800_000_000.123))
        let hex = String(fromDate.prefix(8) + fromDate.dropFirst(9).prefix(4))
        #expect(UInt64(hex, radix: 16) == 1_800_000_000_123)
    }

    @Test func ordersByTimeForIncreasingMilliseconds() {
        var rng = SeededGenerator(state: 42)
        var previous = Identifier.make(milliseconds: 1_800_000_000_000, using: &rng)
        for step in 1...500 {
            let next = Identifier.make(milliseconds: 1_800_000_000_000 + UInt64(step) * 7, using: &rng)
            #expect(previous < next, "\(previous) !< \(next)")
            previous = next
        }
        // Across byte boundaries of the timestamp.
        let a = Identifier.make(milliseconds: 0x00FF_FFFF_FFFF, using: &rng)
        let b = Identifier.make(milliseconds: 0x0100_0000_0000, using: &rng)
        #expect(a < b)
    }

    @Test func idsAreUnique() {
        let ids = (0..<2000).map { _ in Identifier.make() }
        #expect(Set(ids).count == ids.count)
    }
}

@Suite("Doorbell")
struct DoorbellTests {
    static func elapsed(_ body: () async -> Void) async -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        await body()
        return clock.now - start
    }

    @Test func ringBeforeWaitReturnsImmediately() async {
        let bell = Doorbell()
        bell.ring()
        let t = await Self.elapsed { await bell.wait(upTo: .seconds(120)) }
        #expect(t < .seconds(60))
    }

    @Test func aRingIsRememberedOnlyOnce() async {
        let bell = Doorbell()
        bell.ring()
        bell.ring()
        await bell.wait(upTo: .seconds(120))
        let t = await Self.elapsed { await bell.wait(upTo: .milliseconds(150)) }
        #expect(t >= .milliseconds(140))
        #expect(t < .seconds(60))
    }

    /// A ring for several late waiters (a stage's loops at shutdown) lets exactly that many
    /// through; the next one waits.
    @Test func aRingCanBeRememberedForSeveralWaiters() async {
        let bell = Doorbell()
        bell.ring(remembered: 3)
        for _ in 0..<3 {
            let t = await Self.elapsed { await bell.wait(upTo: .seconds(120)) }
            #expect(t < .seconds(60))
        }
        let t = await Self.elapsed { await bell.wait(upTo: .milliseconds(150)) }
        #expect(t >= .milliseconds(140))
    }

    @Test func waitTimesOut() async {
        let bell = Doorbell()
        let t = await Self.elapsed { await bell.wait(upTo: .milliseconds(150)) }
        #expect(t >= .milliseconds(140))
        #expect(t < .seconds(60))
    }

    @Test func ringWakesAWaiter() async throws {
        let bell = Doorbell()
        let clock = ContinuousClock()
        let start = clock.now
        let waiter = Task { await bell.wait(upTo: .seconds(120)) }
        try await Task.sleep(for: .milliseconds(100))
        bell.ring()
        await waiter.value
        #expect(clock.now - start < .seconds(60))
    }

    @Test func ringWakesEveryWaiter() async throws {
        let bell = Doorbell()
        let clock = ContinuousClock()
        let start = clock.now
        let waiters = (0..<3).map { _ in Task { await bell.wait(upTo: .seconds(120)) } }
        // All three parked before the single ring (a fixed sleep was a guess on a loaded machine).
        while bell.waiting < 3 && clock.now - start < .seconds(30) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(bell.waiting == 3)
        bell.ring()
        for w in waiters { await w.value }
        #expect(clock.now - start < .seconds(60))
    }

    @Test func cancellingTheWaiterReturnsPromptly() async throws {
        let bell = Doorbell()
        let clock = ContinuousClock()
        let start = clock.now
        let waiter = Task { await bell.wait(upTo: .seconds(120)) }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        await waiter.value
        #expect(clock.now - start < .seconds(60))
        // The bell still works afterwards.
        bell.ring()
        let t = await Self.elapsed { await bell.wait(upTo: .seconds(120)) }
        #expect(t < .seconds(60))
    }

    @Test func alreadyCancelledTaskDoesNotWait() async {
        let bell = Doorbell()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await bell.wait(upTo: .seconds(120))
        }
        let t = await Self.elapsed { await task.value }
        #expect(t < .seconds(60))
    }

    @Test func workSignalsHaveABellPerStage() async {
        let signals = WorkSignals()
        signals.ring(.send(.sms))
        let t = await Self.elapsed { await signals.bell(.send(.sms)).wait(upTo: .seconds(30)) }
        #expect(t < .seconds(60))
        let other = await Self.elapsed { await signals.bell(.monitor).wait(upTo: .milliseconds(100)) }
        #expect(other >= .milliseconds(90))
        #expect(Stage.all.count == 1 + 2 + DeliveryMethod.allCases.count + 3)  // + store, print.drop, callback
    }

    @Test func providerReferencePartsAndSelfNamingIds() {
        #expect(ProviderReference.parts(" <a@b>, Q1 ,,envid:x ") == ["<a@b>", "Q1", "envid:x"])
        #expect(ProviderReference.namedDistributionId("envid:01a2-b") == "01a2-b")
        #expect(ProviderReference.namedDistributionId("<01a2-b@herald.test>") == "01a2-b")
        for other in ["envid:", "<@x>", "Q123", "01a2@x", "<01a2@x", "01a2@x>", "smsc-1"] {
            #expect(ProviderReference.namedDistributionId(other) == nil, "\(other)")
        }
    }

}
