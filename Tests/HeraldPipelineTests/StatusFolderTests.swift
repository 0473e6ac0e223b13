import Foundation
import HeraldCore
import HeraldSQLite
import HeraldTransports
import Testing

/// Status updates dropped as files: applied once, moved to processed/ (bad lines named in
/// `.errors`) or rejected/.
struct StatusFolderTests {
    let clock = TestClock()

    @Test func filesAreAppliedOnceAndBadLinesNamed() async throws {
        let store = try await makeStore(clock: clock)
        let a = try await sentComm(store, clock: clock)
        let b = try await sentComm(store, clock: clock)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-status-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("""
            {"updateId": "f1", "requestId": "\(a)", "status": "delivered", "at": "2027-01-15T08:00:00Z"}

            {"updateId": "f2", "requestId": "\(b)", "status": "banana"}
            not json
            {"updateId": "f3", "requestId": "nobody", "status": "read"}
            {"updateId": "f4", "reference": "REF-\(b.suffix(6))", "status": "error", "reason": "bounced at the portal"}
            """.utf8).write(to: dir.appendingPathComponent("portal-0001.ndjson"))
        try Data(#"[{"updateId": "j1", "requestId": "\#(a)", "status": "read"}]"#.utf8).write(to: dir.appendingPathComponent("portal-0002.json"))
        try Data(#"{"updateId": "x"}"#.utf8).write(to: dir.appendingPathComponent("portal-0003.json"))
        let folder = StatusFolder(directory: dir, store: store)
        let outcomes = await folder.scan()
        #expect(outcomes == [
            .processed(file: "portal-0001.ndjson", applied: 2, problems: 3),
            .processed(file: "portal-0002.json", applied: 1, problems: 0),
            .rejected(file: "portal-0003.json", reason: "a .json status file must hold a JSON array of updates"),
        ])
        let errors = try String(contentsOf: dir.appendingPathComponent("processed/portal-0001.ndjson.errors"), encoding: .utf8)
        #expect(errors.contains("line 3: invalid: status must be one of"))
        #expect(errors.contains("line 4: invalid: not valid JSON"))
        #expect(errors.contains("line 5: unknown: no comm with request id nobody"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("rejected/portal-0003.json.errors").path))
        #expect(try await store.request(id: a)?.distribution?.status == .delivered)
        #expect(try await store.request(id: a)?.distribution?.readAt != nil)
        #expect(try await store.request(id: b)?.distribution?.status == .errorNoRetry)
        #expect(try await store.request(id: b)?.history.last?.actor == "status-folder")

        // The same file dropped again (a retry after a crash) changes nothing.
        let historyBefore = try await store.request(id: b)?.history.count
        try FileManager.default.copyItem(at: dir.appendingPathComponent("processed/portal-0001.ndjson"), to: dir.appendingPathComponent("portal-0001.ndjson"))
        // (answered as the first time: the same counts)
        #expect(await folder.scan() == [.processed(file: "portal-0001.ndjson", applied: 2, problems: 3)])
        #expect(try await store.request(id: b)?.history.count == historyBefore)
    }
}

/// An external status update racing the sender on the same distribution: the sender's claimed
/// comm is never moved under it; the update is told to come again, and then applies.
struct StatusUpdateRaceTests {
    let clock = TestClock()

    @Test func anUpdateAndTheSendersCommitOnTheSameDistribution() async throws {
        let store = try await makeStore(clock: clock)
        var ids: [String] = []
        for _ in 0..<50 { ids.append(try await submit(store, code: "DATA_80", customer: "C-1", override: .sms, clock: clock)) }
        let mTicket = ClaimTicket(worker: "m", now: clock.now, lease: .seconds(60))
        let claimed = try await store.claim(.monitor, ticket: mTicket, limit: 100)
        let changes = try claimed.map { item in
            Change(requestId: item.request.id,
                   request: try RequestTransition(requestId: item.request.id, from: .awaitingProcessing, to: .processed, actor: "m", at: clock.now),
                   newDistribution: Distribution(id: Identifier.make(now: clock.now), requestId: item.request.id, method: .sms,
                                                 target: "+447700900123", status: .awaitingDistribution, message: "hi", language: "en",
                                                 createdAt: clock.now))
        }
        _ = try await store.commit(changes, ticket: mTicket)
        // The sender has the batch in hand; meanwhile the gateway reports every comm failed.
        let ticket = ClaimTicket(worker: "s", now: clock.now, lease: .seconds(60))
        let batch = try await store.claim(.send(.sms), ticket: ticket, limit: 100)
        #expect(batch.count == 50)
        async let reported = store.applyStatusUpdates(
            ids.enumerated().map { StatusUpdate(updateId: "race-\($0.offset)", comm: .request($0.element), status: .error, reason: "gateway refused") },
            scope: "gateway", actor: "system:GW", permit: nil)
        async let committed = store.commit(try batch.map { item in
            var t = try DistributionTransition(distribution: item.distribution!, to: .sent, actor: "sender:sms", at: clock.now)
            t.reference = "ref-\(item.request.id)"
            return Change(requestId: item.request.id, distribution: t)
        }, ticket: ticket)
        let (results, report) = try await (reported, committed)
        // The sender's commit always applies: an update never moves a comm under a sender's
        // claim. An update that came first is told to come again (not remembered)...
        #expect(report.applied == 50 && report.conflicts.isEmpty)
        #expect(results.allSatisfy { $0.result == .applied || ($0.result == .ignored && $0.detail.contains("report it again")) }, "\(results)")
        // ...and applies when it does: the third party failed what Herald sent.
        let again = try await store.applyStatusUpdates(
            ids.enumerated().map { StatusUpdate(updateId: "race-\($0.offset)", comm: .request($0.element), status: .error, reason: "gateway refused") },
            scope: "gateway", actor: "system:GW", permit: nil)
        #expect(again.allSatisfy { $0.result == .applied })
        for id in ids {
            let detail = try #require(try await store.request(id: id))
            #expect(detail.distribution?.status == .errorNoRetry)
            #expect(detail.distribution?.reference == "ref-\(id)")  // the sender's reference kept
            #expect(detail.history.filter { $0.entity == .distribution }.map(\.to) == ["awaitingDistribution", "sent", "errorNoRetry"])
        }
    }
}
