import Foundation
import HeraldCore
import Testing

struct IdentifierOrderTests {
    @Test func identifiersMadeInOneMillisecondStillIncrease() {
        let now = Date()
        var previous = Identifier.make(now: now)
        for _ in 0..<10_000 {  // more than the 12-bit counter holds: borrows the next milliseconds
            let next = Identifier.make(now: now)
            #expect(next > previous)
            previous = next
        }
    }

    @Test func aClockGoingBackDoesNotBreakTheOrder() {
        let a = Identifier.make(now: Date())
        let b = Identifier.make(now: Date().addingTimeInterval(-60))
        #expect(b > a)
    }
}
