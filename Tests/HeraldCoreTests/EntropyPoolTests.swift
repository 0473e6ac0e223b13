import EntropyPool
import Synchronization
import Testing

@Suite("Entropy pool")
struct EntropyPoolTests {
    /// Values across many refills of the 512-byte pool, drawn from several tasks at once: none
    /// repeats and every bit is set about half of the time (a stuck or zeroed refill fails).
    @Test func valuesAreDistinctAndBitsBalanced() async {
        let all = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<5_000).map { _ in EntropyPool.next() } }
            }
            var all: [UInt64] = []
            for await part in group { all += part }
            return all
        }
        #expect(Set(all).count == all.count)
        for bit in 0..<64 {
            let ones = all.reduce(0) { $0 + Int(($1 >> UInt64(bit)) & 1) }
            #expect(abs(ones - all.count / 2) < all.count / 20, "bit \(bit): \(ones) of \(all.count)")
        }
        var generator = PooledRandomNumberGenerator()
        let dice = (0..<6_000).map { _ in Int.random(in: 1...6, using: &generator) }
        for face in 1...6 { #expect(abs(dice.filter { $0 == face }.count - 1_000) < 200) }
    }
}
