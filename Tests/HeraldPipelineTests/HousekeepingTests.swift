import Foundation
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import Logging
import Testing

/// One round of ``Housekeeping``: what it forgets and what it keeps.
struct HousekeepingTests {
    let clock = TestClock()

    func update(_ id: String, _ request: String, _ status: StatusUpdate.Status) -> StatusUpdate {
        StatusUpdate(updateId: id, comm: .request(request), status: status)
    }

    /// A status update is remembered by its `updateId` for 30 days: a retry within them answers
    /// as the first time (another update under the same id is refused); after them the id is
    /// forgotten and an update under it is taken as new.
    @Test func statusUpdatesAreForgottenAfterTheirRetention() async throws {
        let store = try await makeStore(clock: clock)
        let old = try await sentComm(store, clock: clock)
        let first = try await store.applyStatusUpdates([update("u-old", old, .delivered)], scope: "gateway", actor: "system:GW", permit: nil)
        #expect(first.map(\.result) == [.applied])
        clock.advance(20 * 86_400)
        let recent = try await sentComm(store, clock: clock)
        #expect(try await store.applyStatusUpdates([update("u-new", recent, .delivered)], scope: "gateway", actor: "system:GW", permit: nil)
            .map(\.result) == [.applied])
        clock.advance(11 * 86_400)  // u-old is 31 days old, u-new 11

        try await Housekeeping(store: store, clock: clock.function, logger: Logger(label: "test")).runOnce()

        let again = try await store.applyStatusUpdates([update("u-old", old, .read), update("u-new", recent, .read),
                                                        update("u-new", recent, .delivered)],
                                                       scope: "gateway", actor: "system:GW", permit: nil)
        #expect(again.map(\.result) == [.applied, .invalid, .applied], "\(again)")
        #expect(again[1].detail == "updateId u-new was used before for a different update")
        #expect(again[2].detail == first[0].detail)  // the first answer, not a second move
        #expect(try await store.request(id: old)?.distribution?.readAt != nil)
        #expect(try await store.request(id: recent)?.distribution?.readAt == nil)
    }
}
