import Foundation
import HeraldCore
import HeraldPipeline
import HeraldSQLite
@testable import HeraldTransports
import Logging
import Testing

/// The outbox writes each distribution once across crashes: a batch written whose commit was
/// lost is handed over again (by a new process after the lease, or at once after a release),
/// possibly grouped with other rows, and must not put any line in the outbox twice.
struct OutboxOnceTests {
    let clock = TestClock()
    static let decoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    func outbox() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("herald-outbox-once-\(UUID().uuidString)")
    }

    func sms(_ n: Int) -> [Transmission] {
        (0..<n).map { i in
            let request = CommsRequest(id: Identifier.make(now: clock.now), commsCode: "DATA_80", priority: 2, status: .processed,
                                       target: TargetRef(.customer, "C-1"), source: .api, createdBy: "test", createdAt: clock.now)
            let d = Distribution(id: Identifier.make(now: clock.now), requestId: request.id, method: .sms, target: "+4477009001\(i % 10)\(i / 10)",
                                 status: .awaitingDistribution, message: "message \(i)", language: "en", createdAt: clock.now)
            return Transmission(request: request, distribution: d)
        }
    }

    /// The spool files of a folder, as a reader lists them (hidden files are not spool files).
    func spoolFiles(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") && $0.hasSuffix(".ndjson") }.sorted()
    }

    /// The distribution ids of every spool line in a folder.
    func spooledIds(_ folder: URL) throws -> [String] {
        try spoolFiles(folder).flatMap { name in
            try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map { line in
                try Self.decoder.decode(OutboxTransmitter.Message.self, from: Data(line.utf8)).id
            }
        }
    }

    /// The distribution id on the line a reference (`outbox:<method>/<file>#<line>`) names.
    func id(at reference: String?, outbox: URL) throws -> String {
        let reference = try #require(reference)
        let path = try #require(reference.split(separator: ":", maxSplits: 1).last)
        let parts = path.split(separator: "#")
        let line = try #require(Int(parts[1]))
        let text = try String(contentsOf: outbox.appendingPathComponent(String(parts[0])), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return try Self.decoder.decode(OutboxTransmitter.Message.self, from: Data(lines[line - 1].utf8)).id
    }

    func references(_ outcomes: [TransmissionOutcome]) -> [String?] {
        outcomes.map { outcome in
            switch outcome {
            case .sent(let reference), .published(let reference): reference
            case .failed: nil
            }
        }
    }

    @Test func aBatchSentAgainAfterARestartWritesNothingAndAnswersWithItsFirstLines() async throws {
        let dir = outbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let batch = sms(3)
        let first = references(await OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir)).transmit(batch))
        // A new transmitter is a restarted process: it knows the folder only from its files.
        let again = references(await OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir)).transmit(batch))
        #expect(again == first)
        #expect(try spoolFiles(dir.appendingPathComponent("sms")).count == 1)
        #expect(try spooledIds(dir.appendingPathComponent("sms")) == batch.map(\.distribution.id))
        for (tx, reference) in zip(batch, again) { #expect(try id(at: reference, outbox: dir) == tx.distribution.id) }
    }

    /// Two writers on one folder, both past their first batch: what one spooled, the other
    /// finds before writing, and nothing is spooled twice.
    @Test func aSecondWriterSeesTheFirstOnesLines() async throws {
        let dir = outbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir))
        let b = OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir))
        let early = sms(2), shared = sms(3), own = sms(2)
        _ = await a.transmit(early)
        _ = await b.transmit(own)  // b has listed and written the folder
        let first = references(await a.transmit(shared))
        let again = references(await b.transmit(shared + own))  // a moved the folder since b's write
        #expect(Array(again.prefix(3)) == first)
        #expect(try spooledIds(dir.appendingPathComponent("sms")).sorted() == (early + own + shared).map(\.distribution.id).sorted())
        // b's own batch sent twice: nothing is written twice.
        let more = sms(2)
        _ = await b.transmit(more)
        _ = await b.transmit(more)
        #expect(try spooledIds(dir.appendingPathComponent("sms")).count == 9)
    }

    /// Writers find each other's files through the folder's journal: a name announced whose file
    /// never appeared (a crash between the announce and the rename) is skipped, and a file that
    /// appears later under a name announced again is read.
    @Test func theJournalNamesOtherWritersFilesAndSkipsMissingOnes() async throws {
        let dir = outbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir))
        let b = OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir))
        _ = await a.transmit(sms(1))
        _ = await b.transmit(sms(1))
        let journal = dir.appendingPathComponent("sms").appendingPathComponent(OutboxFolder.journalName)
        let handle = try FileHandle(forWritingTo: journal)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("20261207T000000.000Z-ghost.ndjson\n".utf8))
        try handle.close()
        let shared = sms(2)
        let first = references(await a.transmit(shared))
        #expect(references(await b.transmit(shared)) == first)
        #expect(try spooledIds(dir.appendingPathComponent("sms")).count == 4)
        #expect(try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").count == 4)
    }

    @Test func aBatchSentAgainByTheSameTransmitterWritesNothing() async throws {
        let dir = outbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let transmitter = OutboxTransmitter(method: .push, outbox: dir, documents: FileDocumentStore(root: dir))
        let batch = sms(4).map { tx in
            var tx = tx
            tx.distribution.method = .push
            return tx
        }
        let first = references(await transmitter.transmit(batch))
        #expect(first.allSatisfy { $0?.hasPrefix("outbox:push/") == true })
        #expect(references(await transmitter.transmit(batch)) == first)
        #expect(try spooledIds(dir.appendingPathComponent("push")) == batch.map(\.distribution.id))
    }

    /// The rows of a lost batch come back mixed with new ones and in another order: only the
    /// new ones are written, into a new spool file, and every reference names the line that
    /// holds its distribution.
    @Test func partlyOverlappingBatchesWriteOnlyTheNewLines() async throws {
        let dir = outbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = sms(6)
        let a = OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir))
        _ = await a.transmit(Array(all[0..<3]))
        let b = OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir))
        let mixed = [all[4], all[2], all[1], all[3]]
        let outcomes = references(await b.transmit(mixed))
        for (tx, reference) in zip(mixed, outcomes) { #expect(try id(at: reference, outbox: dir) == tx.distribution.id) }
        // The first transmitter sees the second's file too (another writer, listed before each batch).
        let last = references(await a.transmit([all[3], all[5], all[0]]))
        for (tx, reference) in zip([all[3], all[5], all[0]], last) { #expect(try id(at: reference, outbox: dir) == tx.distribution.id) }
        let folder = dir.appendingPathComponent("sms")
        #expect(try spoolFiles(folder).count == 3)
        let ids = try spooledIds(folder)
        #expect(ids.count == 6 && Set(ids) == Set(all.map(\.distribution.id)))
    }

    @Test func aDistributionTwiceInOneBatchIsOneLine() async throws {
        let dir = outbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let batch = sms(2)
        let outcomes = references(await OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir))
            .transmit([batch[0], batch[1], batch[0]]))
        #expect(outcomes[0] == outcomes[2])
        #expect(outcomes[0]?.hasSuffix("#1") == true && outcomes[1]?.hasSuffix("#2") == true)
        #expect(try spooledIds(dir.appendingPathComponent("sms")) == batch.map(\.distribution.id))
    }

    /// A process killed between writing a file and renaming it leaves a hidden temporary file:
    /// readers never count it, and the next process removes it before its first write. A
    /// temporary file of a live process (here: this one) is left alone.
    @Test func strayTemporaryFilesOfDeadProcessesAreRemovedOnStart() async throws {
        let dir = outbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("sms")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let batch = sms(2)
        // What a killed writer leaves: its batch's lines under a temporary name.
        let line = try JSONEncoder().encode(OutboxTransmitter.Message(
            id: batch[0].distribution.id, requestId: batch[0].request.id, commsCode: "DATA_80", method: "sms", target: "+1",
            message: "m", excludedUntil: nil, createdAt: clock.now))
        let dead = ".20260101T000000.000Z-\(batch[0].distribution.id).ndjson.\(Int32.max - 1).tmp"
        let old = ".20260101T000000.000Z-x.ndjson.tmp"
        let live = OutboxFolder.temporaryName(for: "20260101T000000.000Z-y.ndjson")
        for name in [dead, old, live] { try (line + Data([0x0A])).write(to: folder.appendingPathComponent(name)) }
        #expect(try spoolFiles(folder).isEmpty)  // not counted by readers

        let outcomes = references(await OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir)).transmit(batch))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains(dead) && !names.contains(old))
        #expect(names.contains(live))
        #expect(names.filter { $0.hasSuffix(".tmp") && $0 != live }.isEmpty)
        // A temporary file is not a write: its distribution is written (once) now.
        #expect(try spooledIds(folder) == batch.map(\.distribution.id))
        for (tx, reference) in zip(batch, outcomes) { #expect(try id(at: reference, outbox: dir) == tx.distribution.id) }
    }

    /// Emails and letters are files named by their distribution: sent again, the file is
    /// written again under its name — one file per distribution, no temporary files left.
    @Test func anEmailSentAgainIsStillOneFile() async throws {
        let dir = outbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let documents = FileDocumentStore(root: dir.appendingPathComponent("documents"))
        let pack = documents.makeBatch(createdAt: clock.now)
        let location = try await pack.append(Data("Subject: hi\r\n\r\nbody\r\n".utf8), name: "e1.eml")
        try await pack.finish()
        var tx = sms(1)[0]
        tx.distribution.method = .email
        tx.distribution.fileLocation = location
        let first = references(await OutboxTransmitter(method: .email, outbox: dir, documents: documents).transmit([tx]))
        let again = references(await OutboxTransmitter(method: .email, outbox: dir, documents: documents).transmit([tx]))
        #expect(first == again && first == ["outbox:email/\(tx.distribution.id).eml"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("email").path) == ["\(tx.distribution.id).eml"])
    }

    /// Canonical UUID ids are indexed by their bits, others by their text; the two never mix.
    @Test func idsAreKeptExactly() {
        #expect(OutboxFolder.Key("01a21d5f-1eb2-74cc-a53a-06ea20eca096") == .uuid(0x01a21d5f_1eb2_74cc_a53a_06ea20eca096))
        #expect(OutboxFolder.Key("01A21D5F-1EB2-74CC-A53A-06EA20ECA096") == .text("01A21D5F-1EB2-74CC-A53A-06EA20ECA096"))
        #expect(OutboxFolder.Key("01a21d5f1eb274cca53a06ea20eca096") == .text("01a21d5f1eb274cca53a06ea20eca096"))
        #expect(OutboxFolder.Key("01a21d5f-1eb2-74cc-a53a-06ea20eca09g") == .text("01a21d5f-1eb2-74cc-a53a-06ea20eca09g"))
        #expect(OutboxFolder.Key("d-1") == .text("d-1"))
    }

    /// Spool files are read back by the `id` of each line: a quick scan for lines as the
    /// transmitter writes them, JSON decoding for any other (spaces, escapes); line numbers
    /// count every line.
    @Test func spoolFilesWrittenBeforeAreReadBackLineByLine() async throws {
        let dir = outbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("sms")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let text = #"""
            {"commsCode":"X","message":"say \"id\":\"fake\"","id":"plain-1"}
            not json
            { "message": "x", "id" : "spaced-2" }
            {"id":"esc\u0061ped-3"}

            """#
        try Data(text.utf8).write(to: folder.appendingPathComponent("20260101T000000.000Z-plain-1.ndjson"))
        var batch = sms(4)
        for (i, id) in ["plain-1", "spaced-2", "escaped-3"].enumerated() { batch[i].distribution.id = id }
        let outcomes = references(await OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir)).transmit(batch))
        #expect(Array(outcomes.prefix(3)) == ["#1", "#3", "#4"].map { "outbox:sms/20260101T000000.000Z-plain-1.ndjson\($0)" })
        #expect(try spoolFiles(folder).count == 2)
        #expect(try id(at: outcomes[3], outbox: dir) == batch[3].distribution.id)
    }

    // MARK: Through the sender and the store

    func loop(_ store: SQLiteStore, _ stage: Stage, batchSize: Int = 100) -> ClaimLoop {
        var config = WorkerConfiguration()
        config.lease = .seconds(60)
        config.batchSize = batchSize
        return ClaimLoop(stage: stage, store: store, signals: WorkSignals(), configuration: config, clock: clock.function,
                         logger: Logger(label: "test"), workerName: "test/\(stage)")
    }

    /// Requests for SMS, through the Comms Monitor: their distributions await distribution.
    func awaitingSMS(_ store: SQLiteStore, _ n: Int) async throws -> [String] {
        var ids: [String] = []
        for _ in 0..<n { ids.append(try await submit(store, code: "WELCOME", customer: "C-1", override: .sms, clock: clock)) }
        let monitor = CommsMonitor(loop: loop(store, .monitor), catalog: FakeCatalog())
        #expect(try await monitor.loop.runOnce { items, ticket in try await monitor.handle(items, ticket: ticket) } == n)
        return ids
    }

    /// Every request sent, its reference naming the one spool line of its distribution.
    func expectSentOnce(_ requests: [String], store: SQLiteStore, outbox: URL) async throws {
        var distributions: [String] = []
        for id in requests {
            let d = try #require(try await store.request(id: id)?.distribution)
            #expect(d.status == .sent)
            #expect(try self.id(at: d.reference, outbox: outbox) == d.id)
            distributions.append(d.id)
        }
        let spooled = try spooledIds(outbox.appendingPathComponent("sms"))
        #expect(spooled.count == distributions.count)
        #expect(Set(spooled) == Set(distributions))
    }

    /// Killed after the spool was written, before the commit: after the lease a new process
    /// claims the rows again, with more rows, and writes only those.
    @Test func aBatchWrittenWhoseCommitWasLostIsNotWrittenAgainAfterTheLease() async throws {
        let store = try await makeStore(clock: clock)
        let dir = outbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let requests = try await awaitingSMS(store, 5)
        // The first process claims 3, writes them, and dies before its commit.
        let ticket = ClaimTicket(worker: "dead", now: clock.now, lease: .seconds(60))
        let lost = try await store.claim(.send(.sms), ticket: ticket, limit: 3)
        #expect(lost.count == 3)
        let dying = OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir))
        _ = await dying.transmit(lost.map { Transmission(request: $0.request, distribution: $0.distribution!) })

        clock.advance(61)
        let sender = Sender(loop: loop(store, .send(.sms)), transmitter: OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir)))
        #expect(try await sender.loop.runOnce { items, t in try await sender.handle(items, ticket: t) } == 5)
        try await expectSentOnce(requests, store: store, outbox: dir)
        #expect(try spoolFiles(dir.appendingPathComponent("sms")).count == 2)
    }

    /// The commit failed in a live process: the batch's rows are released and claimed again at
    /// once by the same sender, which writes nothing the second time.
    @Test func aBatchWhoseCommitFailedIsNotWrittenAgainWhenReleased() async throws {
        let store = try await makeStore(clock: clock)
        let dir = outbox()
        defer { try? FileManager.default.removeItem(at: dir) }
        let requests = try await awaitingSMS(store, 4)
        let sender = Sender(loop: loop(store, .send(.sms)), transmitter: OutboxTransmitter(method: .sms, outbox: dir, documents: FileDocumentStore(root: dir)))
        struct CommitFailed: Error {}
        await #expect(throws: CommitFailed.self) {
            try await sender.loop.runOnce { items, _ in
                _ = await sender.transmitter.transmit(items.map { Transmission(request: $0.request, distribution: $0.distribution!) })
                throw CommitFailed()
            }
        }
        #expect(try spooledIds(dir.appendingPathComponent("sms")).count == 4)
        #expect(try await sender.loop.runOnce { items, t in try await sender.handle(items, ticket: t) } == 4)
        try await expectSentOnce(requests, store: store, outbox: dir)
        #expect(try spoolFiles(dir.appendingPathComponent("sms")).count == 1)
    }
}
