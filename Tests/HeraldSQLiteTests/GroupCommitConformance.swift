import Foundation
import GRDB
import HeraldCore
@testable import HeraldSQLite
import Synchronization
import Testing

/// Concurrent submits share write transactions (group commit); each caller still gets its own
/// result: one request per idempotency key, replays for the same body, conflicts for another,
/// refusals that touch nobody else.
@Suite("CommsStore conformance: concurrent submits")
struct GroupCommitConformance {
    @Test(arguments: StoreFactory.durable)
    func overlappingKeysGiveOneRequestPerKey(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let store = t.store
        // 32 clients, 8 keys: each key sent 16 times with the same body, refusals (unknown
        // account) mixed in; then every key again with another body, concurrently.
        enum Outcome: Sendable { case stored([String], replayed: Bool), conflict, refused }
        @Sendable func send(client: Int, round: Int) async throws -> (Int, Int, Outcome) {
            let key = "k\(client % 8)"
            let body = round == 4 && client < 8 ? "other" : "same"
            let target = client % 8 == 7 && round == 2 ? TargetRef(.account, "A404") : TargetRef(.customer, "C1")
            let r = Fixtures.request(target: target, at: Fixtures.t0.addingTimeInterval(Double(client * 5 + round) / 1000))
            let idem = TriggerSubmission.Idempotency(key: key, bodyHash: body)
            let submission = TriggerSubmission(requests: [r], idempotency: target.kind == .account ? nil : idem, actor: "api:t")
            do {
                let result = try await store.submit(submission, idempotencyWindow: Fixtures.window)
                return (client, round, .stored(result.requestIds, replayed: result.replayed))
            } catch let error as HeraldError where error.kind == .conflict {
                return (client, round, .conflict)
            } catch let error as HeraldError where error.kind == .invalidInput {
                return (client, round, .refused)
            }
        }
        // Phase one: rounds 0-3 of every client at once; phase two: round 4 of every client
        // at once (the "other" bodies find their keys taken).
        var outcomes: [(Int, Int, Outcome)] = []
        for rounds in [0..<4, 4..<5] {
            outcomes += try await withThrowingTaskGroup(of: (Int, Int, Outcome).self) { group in
                for client in 0..<32 {
                    for round in rounds { group.addTask { try await send(client: client, round: round) } }
                }
                var all: [(Int, Int, Outcome)] = []
                for try await o in group { all.append(o) }
                return all
            }
        }
        var idsByKey: [Int: Set<[String]>] = [:]
        var fresh = 0, replays = 0, conflicts = 0, refused = 0
        for (client, round, outcome) in outcomes {
            switch outcome {
            case .stored(let ids, let replayed):
                idsByKey[client % 8, default: []].insert(ids)
                if replayed { replays += 1 } else { fresh += 1 }
            case .conflict:
                conflicts += 1
                #expect(round == 4 && client < 8)
            case .refused:
                refused += 1
                #expect(client % 8 == 7 && round == 2)
            }
        }
        #expect(refused == 4)
        #expect(fresh == 8)  // one request stored per key
        for key in 0..<8 { #expect(idsByKey[key]?.count == 1, "key \(key): \(idsByKey[key] ?? [])") }
        #expect(conflicts == 8)
        #expect(conflicts + fresh + refused + replays == 160)
        if let sqlite = store as? SQLiteStore {
            // Concurrent submits shared transactions.
            let transactions = sqlite.groupCommit.transactions.load(ordering: .relaxed)
            #expect(sqlite.groupCommit.submissions.load(ordering: .relaxed) == 160)
            #expect(transactions < 160, "\(transactions) transactions for 160 submits")
        }
        let stored = try await Fixtures.allRequests(store)
        #expect(stored.count == 8)
    }
}

/// A submission that throws inside a shared transaction fails alone.
@Suite("Group commit: one failing submission")
struct GroupCommitIsolationTests {
    @Test func aThrowingSubmissionFailsAloneAndTheOthersCommit() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await Fixtures.seed(store)
        let first = Fixtures.request(target: TargetRef(.customer, "C1"))
        let other = Fixtures.request(target: TargetRef(.customer, "C1"), at: Fixtures.t0.addingTimeInterval(1))
        // The same request twice: the second insert breaks the primary key (it throws, it is no
        // refusal). Before, that rolled back the whole batch for every caller.
        let submissions = [first, first, other].map { (TriggerSubmission(requests: [$0], actor: "api:t"), Fixtures.window) }
        let outcomes = try await store.writer.writeWithoutTransaction { db in
            try SQLiteStore.submitTogether(submissions, in: db, now: Fixtures.t0)
        }
        #expect(outcomes.count == 3)
        #expect((try? outcomes[0].get().get())?.requestIds == [first.id])
        #expect((try? outcomes[1].get()) == nil)  // thrown: this caller only
        #expect((try? outcomes[2].get().get())?.requestIds == [other.id])
        #expect(try await store.request(id: first.id) != nil)
        #expect(try await store.request(id: other.id)?.history.count == 1)
    }

    @Test func aBatchImportReportsTheThrowingLineAndWritesTheRest() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await Fixtures.seed(store)
        let first = Fixtures.request(target: TargetRef(.customer, "C1"))
        let other = Fixtures.request(target: TargetRef(.customer, "C1"), at: Fixtures.t0.addingTimeInterval(1))
        let results = try await store.submitBatch([first, first, other].map { TriggerSubmission(requests: [$0], actor: "import") },
                                                  idempotencyWindow: Fixtures.window)
        #expect((try? results[0].get())?.requestIds == [first.id])
        #expect((try? results[1].get()) == nil)
        #expect((try? results[2].get())?.requestIds == [other.id])
        #expect(try await store.request(id: other.id) != nil)
    }

    /// A batch is written in the order of its keys' hashes, then of its customers (each large
    /// index walked once, see ``SQLiteStore/submitWithoutSavepoints(_:in:now:)``), yet every
    /// caller gets its own outcome in the order given, and the first of two triggers with the
    /// same key wins whatever its hash.
    @Test func aBatchIsWrittenInKeyAndCustomerOrderAndAnsweredInItsOwn() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await Fixtures.seed(store)
        let targets = [TargetRef(.customer, "C2"), TargetRef(.subscription, "S1"), TargetRef(.account, "A2"), TargetRef(.customer, "C1")]
        var submissions: [(TriggerSubmission, Duration)] = (0..<12).map { n in
            let r = Fixtures.request(target: targets[n % 4], at: Fixtures.t0.addingTimeInterval(Double(n)))
            return (TriggerSubmission(requests: [r], idempotency: .init(key: "api:t|k\(n)", bodyHash: "b\(n)"), actor: "api:t"), Fixtures.window)
        }
        let unkeyed = Fixtures.request(target: TargetRef(.customer, "C2"), at: Fixtures.t0.addingTimeInterval(20))
        let unknown = Fixtures.request(target: TargetRef(.customer, "C404"), at: Fixtures.t0.addingTimeInterval(21))
        let again = Fixtures.request(target: TargetRef(.customer, "C1"), at: Fixtures.t0.addingTimeInterval(22))
        submissions += [
            (TriggerSubmission(requests: [unkeyed], actor: "api:t"), Fixtures.window),
            (TriggerSubmission(requests: [unknown], idempotency: .init(key: "api:t|unknown", bodyHash: "u"), actor: "api:t"), Fixtures.window),
            (TriggerSubmission(requests: [again], idempotency: .init(key: "api:t|k5", bodyHash: "b5"), actor: "api:t"), Fixtures.window),
            (TriggerSubmission(requests: [again], idempotency: .init(key: "api:t|k7", bodyHash: "other"), actor: "api:t"), Fixtures.window),
        ]
        let batch = submissions
        let outcomes = try await store.writer.writeWithoutTransaction { db in
            try SQLiteStore.submitTogether(batch, in: db, now: Fixtures.t0)
        }.map { try $0.get() }
        for n in 0..<12 {
            #expect((try? outcomes[n].get()) == SubmissionResult(requestIds: [submissions[n].0.requests[0].id], eventId: nil, replayed: false))
        }
        #expect((try? outcomes[12].get())?.requestIds == [unkeyed.id])
        func refusal(_ outcome: Result<SubmissionResult, HeraldError>) -> HeraldError? {
            if case .failure(let error) = outcome { return error }
            return nil
        }
        #expect(refusal(outcomes[13])?.kind == .invalidInput)
        #expect((try? outcomes[14].get()) == SubmissionResult(requestIds: [submissions[5].0.requests[0].id], eventId: nil, replayed: true))
        #expect(refusal(outcomes[15])?.kind == .conflict)
        #expect(try await store.request(id: again.id) == nil)
        #expect(try await store.request(id: unknown.id) == nil)

        let (hashes, customers) = try await store.writer.read { db in
            (try Int64.fetchAll(db, sql: "SELECT key_hash FROM idempotency_keys ORDER BY rowid"),
             try String.fetchAll(db, sql: "SELECT customer_id FROM comms_requests ORDER BY rowid"))
        }
        #expect(hashes.count == 12 && hashes == hashes.sorted())
        #expect(customers == Array(repeating: "C1", count: 6) + Array(repeating: "C2", count: 7))
    }
}
