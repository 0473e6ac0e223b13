import Foundation
import HeraldCore
import Testing

/// The store stage on the one claim mechanism: the merge's commit hands each document over,
/// the stage claims, records a stored copy with its chain link, or a failure with its retry time.
@Suite("CommsStore conformance: stored documents")
struct StorageConformance {
    typealias F = Fixtures

    /// A merged email or letter: its distribution claimed and moved to awaitingDistribution with
    /// the document handed to the store stage, as the merge monitor commits it.
    static func merged(_ store: any CommsStore, method: DeliveryMethod = .letter, at: Date) async throws -> (CommsRequest, PendingDocument) {
        let (r, d) = try await F.processed(store, method: method, at: at)
        let ticket = F.ticket("merge", at: at.addingTimeInterval(1))
        _ = try await store.claim(.merge(method), ticket: ticket, limit: 10)
        var t = try DistributionTransition(distribution: d, to: .awaitingDistribution, actor: "letter-monitor", at: at.addingTimeInterval(1))
        let location = "fs:2026/12/07/08/pack-\(d.id).pack#\(d.id).pdf@14+100"
        t.fileLocation = location
        let document = PendingDocument(distributionId: d.id, requestId: r.id, localLocation: location,
                                       fileExtension: method == .letter ? "pdf" : "eml", mergedAt: at.addingTimeInterval(1))
        #expect(try await store.commit([Change(requestId: r.id, distribution: t, newDocument: document)], ticket: ticket) == CommitReport(applied: 1))
        return (r, document)
    }

    static func stored(_ doc: PendingDocument, _ n: Int) -> StorageTransition.Stored {
        .init(backend: "fs", location: "fs:storage/herald/\(doc.requestId).pdf", sha256: String(repeating: "ab", count: 32), size: 1000 + n, keyId: nil)
    }

    @Test(arguments: StoreFactory.all)
    func aMergedDocumentWaitsForTheStoreStageAndIsStoredOnce(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (r, doc) = try await Self.merged(t.store, at: F.t0)
        #expect(try await t.store.request(id: r.id)?.storedDocument?.status == .waiting)
        let now = F.t0.addingTimeInterval(10)
        let ticket = F.ticket("store", at: now)
        let items = try await t.store.claim(.store, ticket: ticket, limit: 10)
        #expect(items.map(\.request.id) == [r.id])
        #expect(items.first?.document == doc)
        #expect(items.first?.distribution == nil)
        // Claimed: another worker gets nothing until the lease ends.
        #expect(try await t.store.claim(.store, ticket: F.ticket("other", at: now), limit: 10).isEmpty)
        var move = try StorageTransition(doc, to: .stored, at: now.addingTimeInterval(1))
        move.stored = Self.stored(doc, 1)
        #expect(try await t.store.commit([Change(requestId: r.id, storage: move)], ticket: ticket) == CommitReport(applied: 1))
        let detail = try #require(try await t.store.request(id: r.id))
        let s = try #require(detail.storedDocument)
        #expect(s.status == .stored && s.backend == "fs" && s.location == "fs:storage/herald/\(r.id).pdf" && s.size == 1001)
        #expect(s.chainSeq == 1 && s.previousHash == DocumentChain.genesis)
        #expect(s.recordHash == DocumentChain.link(previous: DocumentChain.genesis, requestId: r.id, stored: Self.stored(doc, 1), storedAt: s.storedAt!))
        #expect(detail.history.last?.entity == .document && detail.history.last?.to == "stored")
        // Stored: never claimed again, even after every lease.
        #expect(try await t.store.claim(.store, ticket: F.ticket("late", at: now.addingTimeInterval(86_400)), limit: 10).isEmpty)
        // A second stored move of the same row is a conflict that writes nothing.
        #expect(try await t.store.commit([Change(requestId: r.id, storage: move)], ticket: nil).conflicts == [r.id])
        #expect(try await t.store.storedDocumentChain(afterSeq: nil, limit: 10).count == 1)
    }

    @Test(arguments: StoreFactory.all)
    func storedRecordsFormOneChainInCommitOrder(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        var docs: [PendingDocument] = []
        for i in 0..<5 { docs.append(try await Self.merged(t.store, method: i % 2 == 0 ? .letter : .email, at: F.t0.addingTimeInterval(Double(i))).1) }
        let now = F.t0.addingTimeInterval(60)
        let ticket = F.ticket("store", at: now)
        let items = try await t.store.claim(.store, ticket: ticket, limit: 10)
        #expect(items.count == 5)
        // Two commits (as two batches in flight would make): the chain continues across them.
        var changes: [Change] = []
        for (n, item) in items.enumerated() {
            let doc = try #require(item.document)
            var move = try StorageTransition(doc, to: .stored, at: now.addingTimeInterval(Double(n)))
            move.stored = Self.stored(doc, n)
            changes.append(Change(requestId: doc.requestId, storage: move))
        }
        #expect(try await t.store.commit(Array(changes.prefix(2)), ticket: ticket).applied == 2)
        #expect(try await t.store.commit(Array(changes.dropFirst(2)), ticket: ticket).applied == 3)
        let chain = try await t.store.storedDocumentChain(afterSeq: nil, limit: 100)
        #expect(chain.map(\.chainSeq) == [1, 2, 3, 4, 5])
        var previous = DocumentChain.genesis
        for record in chain {
            #expect(record.previousHash == previous)
            previous = try #require(record.recordHash)
        }
        #expect(try await t.store.storedDocumentChain(afterSeq: 3, limit: 1).map(\.chainSeq) == [4])
        #expect(Set(chain.map(\.requestId)) == Set(docs.map(\.requestId)))
    }

    @Test(arguments: StoreFactory.all)
    func aFailedAttemptWaitsUntilItsRetryTimeWithItsError(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (r, doc) = try await Self.merged(t.store, at: F.t0)
        let now = F.t0.addingTimeInterval(10)
        let ticket = F.ticket("store", at: now)
        let claimed = try #require(try await t.store.claim(.store, ticket: ticket, limit: 10).first?.document)
        var failed = try StorageTransition(claimed, to: .waiting, at: now)
        failed.attempts = 1
        failed.retryAt = now.addingTimeInterval(30)
        failed.lastError = "s3 transient: 503 SlowDown"
        #expect(try await t.store.commit([Change(requestId: r.id, storage: failed)], ticket: ticket) == CommitReport(applied: 1))
        let s = try #require(try await t.store.request(id: r.id)?.storedDocument)
        #expect(s.status == .waiting && s.attempts == 1 && s.lastError == "s3 transient: 503 SlowDown" && s.chainSeq == nil)
        // Not due before its retry time; the next-due time says when.
        #expect(try await t.store.claim(.store, ticket: F.ticket("early", at: now.addingTimeInterval(29)), limit: 10).isEmpty)
        #expect(try await t.store.nextDue(.store, now: now) == now.addingTimeInterval(30))
        let again = try await t.store.claim(.store, ticket: F.ticket("due", at: now.addingTimeInterval(31)), limit: 10)
        #expect(again.first?.document?.attempts == 1)
        #expect(again.first?.document?.distributionId == doc.distributionId)
        #expect(try await t.store.queueDepths(now: now).first { $0.stage == .store }?.waiting == 1)
    }

    @Test(arguments: StoreFactory.all)
    func aPackIsInUseWhileADocumentInItWaitsToBeStoredOrSent(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await F.seed(t.store)
        let (r, doc) = try await Self.merged(t.store, at: F.t0)
        let pack = String(doc.localLocation.split(separator: "#")[0])
        let unrelated = "fs:2026/12/07/08/other.pack"
        // Waiting to be stored and to be sent.
        #expect(try await t.store.documentPacksInUse([pack, unrelated]) == [pack])
        let now = F.t0.addingTimeInterval(10)
        let ticket = F.ticket("store", at: now)
        let claimed = try #require(try await t.store.claim(.store, ticket: ticket, limit: 1).first?.document)
        var move = try StorageTransition(claimed, to: .stored, at: now)
        move.stored = Self.stored(claimed, 0)
        _ = try await t.store.commit([Change(requestId: r.id, storage: move)], ticket: ticket)
        // Stored but not yet sent: still needed by the sender.
        #expect(try await t.store.documentPacksInUse([pack]) == [pack])
        let send = F.ticket("send", at: now)
        let d = try #require(try await t.store.claim(.send(.letter), ticket: send, limit: 1).first?.distribution)
        var sent = try DistributionTransition(distribution: d, to: .sent, actor: "sender:letter", at: now)
        sent.reference = "outbox"
        _ = try await t.store.commit([Change(requestId: r.id, distribution: sent)], ticket: send)
        #expect(try await t.store.documentPacksInUse([pack]).isEmpty)
    }
}
