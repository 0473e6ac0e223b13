import Foundation
import HeraldApp
import HeraldAppTestSupport
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTransports
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Synchronization
import Testing

/// The print bureau route end to end on a local bureau folder (no server): letters triggered
/// with `HERALD_LETTER_TRANSPORT=print` on a hand-moved clock are filed into batches per
/// postage class and envelope, dropped when a batch fills or at the cut-off, and each ZIP is read
/// as a bureau reads it — Python's `zipfile`, `csv` and `xml.etree`, `xmllint` against
/// docs/print-manifest.xsd, `qpdf --check` on every PDF, `dmtxread` on every sheet's Data
/// Matrix. Then the faults (a bureau that refuses, a crash between the drop and its commit) and
/// the bureau's return files.
@Suite("Print bureau route, folder drop", .serialized)
struct PrintBureauTests {
    static let schema = packageRoot.appendingPathComponent("docs/print-manifest.xsd")

    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["HERALD_LETTER_TRANSPORT": "print", "HERALD_PRINT_CUTOFF": "16:00 Europe/London"].merging(extra) { $1 }
    }

    static func inbox(_ runtime: HeraldRuntime) -> String {
        runtime.settings.dataDirectory.appendingPathComponent("print-bureau/inbox").path
    }

    static func zips(_ runtime: HeraldRuntime) -> [String] {
        PrintBureauScenario.files(in: inbox(runtime)).filter { $0.hasSuffix(".zip") }
    }

    /// A dropper over the runtime's store with another drop target (the runtime's packager).
    static func dropper(_ runtime: HeraldRuntime, clock: TestClock, target: any PrintDropTarget) throws -> PrintDropper {
        let route = try #require(runtime.printRoute)
        return PrintDropper(loop: ClaimLoop(stage: .printDrop, store: runtime.store, signals: runtime.signals, configuration: runtime.settings.worker,
                                            clock: clock.function, logger: Logger(label: "test")),
                            documents: runtime.documents, packager: route.packager, target: target)
    }

    static func runOnce(_ dropper: PrintDropper) async throws -> Int {
        try await dropper.loop.runOnce { items, ticket in try await dropper.handle(items, ticket: ticket) }
    }

    /// `retry_at - now` of a batch, in seconds, as stored.
    static func retryDelay(_ runtime: HeraldRuntime, batch: String, now: Date) async throws -> Double? {
        let rows = try await PrintBureauScenario.query(runtime, "SELECT retry_at FROM print_batches WHERE id = '\(batch)'")
        guard let row = rows.first, let value = row.first ?? nil, let ms = Double(value) else { return nil }
        return ms / 1000 - now.timeIntervalSince1970
    }

    /// Checks one dropped batch as the bureau would: the ZIP's entries, both manifests (and the
    /// XML against the schema), every PDF (qpdf, its digest, its pages' codes), and each
    /// letter's distribution (`sent`, reference `<zip>#<piece id>`). `letters` are the request
    /// ids the batch must hold; `pages` their rendered page counts.
    static func expectBatch(_ runtime: HeraldRuntime, _ batch: PrintBatch, letters: [String: Int], postage: String, envelope: String,
                            okFile: Bool, inbox: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(batch.status == .dropped, sourceLocation: sourceLocation)
        #expect(batch.postage == postage && batch.envelope == envelope, "\(batch)", sourceLocation: sourceLocation)
        #expect(batch.letters == letters.count, sourceLocation: sourceLocation)
        #expect(batch.fileName == "herald-\(batch.id).zip", sourceLocation: sourceLocation)
        let files = PrintBureauScenario.files(in: inbox)
        #expect(files.contains(batch.fileName), sourceLocation: sourceLocation)
        #expect(files.contains(batch.fileName + ".ok") == okFile, sourceLocation: sourceLocation)
        if okFile {
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(inbox)/\(batch.fileName).ok")).isEmpty, sourceLocation: sourceLocation)
        }

        // The letters, in piece (distribution id) order, as the batch holds them.
        var distributions: [(request: String, d: Distribution, pages: Int)] = []
        for (request, pages) in letters { distributions.append((request, try await PrintBureauScenario.distribution(runtime, request), pages)) }
        distributions.sort { $0.d.id < $1.d.id }
        for (_, d, _) in distributions {
            #expect(d.status == .sent, "\(d.id): \(d.status) \(d.lastError ?? "")", sourceLocation: sourceLocation)
            #expect(d.reference == "\(batch.fileName)#\(d.id)", sourceLocation: sourceLocation)
            #expect(d.sentAt != nil, sourceLocation: sourceLocation)
        }

        let folder = temporaryDirectory("print-drop")
        defer { try? FileManager.default.removeItem(at: folder) }
        let drop = try await PrintBureauScenario.read(zip: "\(inbox)/\(batch.fileName)", into: folder)
        let pieces = distributions.map(\.d.id)
        #expect(drop.entries == pieces.map { "\($0).pdf" } + ["manifest.csv", "manifest.xml"], sourceLocation: sourceLocation)

        // The CSV manifest: one L row per letter in piece order, then the control record.
        let rows = drop.letterRows
        try #require(rows.count == distributions.count, "\(drop.csv)", sourceLocation: sourceLocation)
        var totalPages = 0, totalSheets = 0
        for ((request, d, rendered), row) in zip(distributions, rows) {
            let pages = rendered + rendered % 2  // duplex: an odd letter gets a blank back
            totalPages += pages
            totalSheets += pages / 2
            #expect(row["batch_id"] == batch.id, sourceLocation: sourceLocation)
            #expect(row["piece_id"] == d.id && row["comms_request_id"] == request && row["file_name"] == "\(d.id).pdf", sourceLocation: sourceLocation)
            #expect(row["pages"] == "\(pages)" && row["sheets"] == "\(pages / 2)" && row["sides"] == "duplex", "\(row)", sourceLocation: sourceLocation)
            #expect(row["envelope"] == envelope && row["postage_class"] == postage, sourceLocation: sourceLocation)
            let lines = d.target.split(separator: "\n").map(String.init)
            #expect(row["address_line_1"] == lines.first && row["address_line_2"] == lines[1], "\(row) \(lines)", sourceLocation: sourceLocation)
            #expect(row["country"] == "GB", sourceLocation: sourceLocation)
            #expect(row["sha256"] == drop.sha256["\(d.id).pdf"], sourceLocation: sourceLocation)
        }
        let control = try #require(drop.controlRow, sourceLocation: sourceLocation)
        #expect(control["letters"] == "\(letters.count)" && control["pages"] == "\(totalPages)" && control["sheets"] == "\(totalSheets)",
                "\(control)", sourceLocation: sourceLocation)
        #expect(drop.csv.last?["record_type"] == "C", sourceLocation: sourceLocation)

        // The XML manifest: valid against the schema; the same letters and totals.
        #expect(try await PrintBureauScenario.schemaProblem(drop.path("manifest.xml"), schema: schema) == nil, sourceLocation: sourceLocation)
        #expect(drop.xml.tag == "{urn:herald:print-manifest:1}manifest", sourceLocation: sourceLocation)
        #expect(drop.xml.attributes["batchId"] == batch.id && drop.xml.attributes["postageClass"] == postage
                && drop.xml.attributes["envelope"] == envelope, "\(drop.xml.attributes)", sourceLocation: sourceLocation)
        #expect(drop.xml.letters.map { $0.attributes["pieceId"] } == pieces, sourceLocation: sourceLocation)
        #expect(drop.xml.letters.map { $0.attributes["sha256"] } == rows.map { $0["sha256"] }, sourceLocation: sourceLocation)
        #expect(drop.xml.letters.allSatisfy { $0.country == "GB" && $0.lines.count == 4 }, sourceLocation: sourceLocation)
        #expect(drop.xml.control == ["letters": "\(letters.count)", "pages": "\(totalPages)", "sheets": "\(totalSheets)"], sourceLocation: sourceLocation)

        // Every PDF: valid, and a code on each sheet's front naming the batch, the letter and the sheet.
        for (index, (_, d, rendered)) in distributions.enumerated() {
            let pdf = drop.path("\(d.id).pdf")
            #expect(try await PrintBureauScenario.qpdfProblem(pdf) == nil, sourceLocation: sourceLocation)
            let codes = try await PrintBureauScenario.sheetCodes(pdf)
            let expected = PrintBureauScenario.expectedCodes(batchId: batch.id, number: index + 1, pages: rendered + rendered % 2, duplex: true)
            #expect(codes == expected, "letter \(index + 1) of \(batch.fileName)", sourceLocation: sourceLocation)
        }
    }

    @Test("letters wait in batches per postage and envelope; a full batch drops at once, the rest at the cut-off; each ZIP checked as the bureau reads it")
    func batchesDroppedWhenFullOrAtTheCutoff() async throws {
        let clock = TestClock(base: PrintBureauScenario.start)
        let runtime = try await PrintBureauScenario.makeRuntime("print-batches", environment: Self.environment([
            "HERALD_PRINT_BATCH_MAX": "3", "HERALD_PRINT_OK_FILE": "true", "HERALD_PRINT_ENVELOPES": "C5:1,C4:2",
        ]), clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        try await PrintBureauScenario.seedCustomers(runtime.store, count: 8)
        let inbox = Self.inbox(runtime)

        // Two reminders (second class by default, one page = one sheet: C5): filed, not dropped.
        var first = [try await PrintBureauScenario.letter(runtime, customer: 1), try await PrintBureauScenario.letter(runtime, customer: 2)]
        try await runtime.runUntilQuiet()
        for id in first {
            let detail = try #require(try await runtime.store.request(id: id))
            #expect(detail.distribution?.status == .batched)
            #expect(detail.distribution?.reference == nil)
            let filed = detail.history.filter { $0.entity == .distribution && $0.to == DistributionStatus.batched.rawValue }
            #expect(filed.count == 1 && filed.first?.actor == "print-batcher", "\(detail.history)")
            #expect(filed.first?.reason == "print batch: C5, second class, 1 sheet", "\(filed)")
        }
        var batches = try await runtime.store.printBatches(limit: 10)
        try #require(batches.count == 1)
        #expect(batches[0].status == .open && batches[0].letters == 2 && batches[0].postage == "second" && batches[0].envelope == "C5")
        #expect(batches[0].closeAt == PrintBureauScenario.cutoff)
        #expect(Self.zips(runtime).isEmpty, "nothing dropped before the batch is full or its cut-off")

        // The third (raised by the DEBT/DBAR workflow event, as the demo does) fills the batch:
        // closed and dropped at once, hours before the cut-off.
        let raised = try await runtime.intake.raise(
            WorkflowEventInput(eventType: "DEBT", eventCode: "DBAR", accountId: "A-P3", whenToCreate: "OnCreate"), idempotency: nil, actor: "test")
        try #require(raised.requestIds.count == 1)
        first += raised.requestIds
        try await runtime.runUntilQuiet()
        batches = try await runtime.store.printBatches(limit: 10)
        try #require(batches.count == 1)
        let full = batches[0]
        #expect(full.status == .dropped && full.letters == 3)
        #expect(try #require(full.droppedAt) < PrintBureauScenario.cutoff)
        #expect(Self.zips(runtime) == [full.fileName])

        // The rest go to new batches: another reminder (second class, C5); statements, first
        // class (code.json letter.postage) — 3 pages = 2 sheets (C4), 1 page (C5), and 5 pages =
        // 3 sheets, more than the largest envelope holds.
        let fourth = try await PrintBureauScenario.letter(runtime, customer: 4)
        let statement3 = try await PrintBureauScenario.letter(runtime, "STATEMENT", customer: 5, pages: 3)
        let statement1 = try await PrintBureauScenario.letter(runtime, "STATEMENT", customer: 6, pages: 1)
        let tooThick = try await PrintBureauScenario.letter(runtime, "STATEMENT", customer: 7, pages: 5)
        try await runtime.runUntilQuiet()
        let refused = try await PrintBureauScenario.distribution(runtime, tooThick)
        #expect(refused.status == .errorNoRetry)
        #expect(refused.lastError == "the letter needs 3 sheets; the largest envelope C4 holds 2", "\(refused.lastError ?? "")")
        for id in [fourth, statement3, statement1] { #expect(try await PrintBureauScenario.distribution(runtime, id).status == .batched) }
        batches = try await runtime.store.printBatches(limit: 10)
        #expect(batches.count == 4)
        #expect(batches.filter { $0.status == .open }.count == 3)
        #expect(Self.zips(runtime) == [full.fileName], "the open batches wait for the cut-off")

        // An hour before the cut-off nothing moves; just after it every open batch is dropped.
        clock.advance(6 * 3600)
        try await runtime.runUntilQuiet()
        #expect(Self.zips(runtime).count == 1)
        clock.advance(3600 + 5)
        try await runtime.runUntilQuiet()
        batches = try await runtime.store.printBatches(limit: 10)
        #expect(batches.allSatisfy { $0.status == .dropped }, "\(batches.map(\.status))")
        #expect(Self.zips(runtime).sorted() == batches.map(\.fileName).sorted())
        #expect(PrintBureauScenario.files(in: inbox).filter { !$0.hasSuffix(".zip") && !$0.hasSuffix(".zip.ok") }.isEmpty,
                "\(PrintBureauScenario.files(in: inbox))")
        // One batch per postage class and envelope.
        let kinds = batches.filter { $0.id != full.id }.map { "\($0.postage)/\($0.envelope)" }.sorted()
        #expect(kinds == ["first/C4", "first/C5", "second/C5"])

        func batch(_ postage: String, _ envelope: String) throws -> PrintBatch {
            try #require(batches.first { $0.id != full.id && $0.postage == postage && $0.envelope == envelope })
        }
        try await Self.expectBatch(runtime, full, letters: Dictionary(uniqueKeysWithValues: first.map { ($0, 1) }), postage: "second",
                                   envelope: "C5", okFile: true, inbox: inbox)
        try await Self.expectBatch(runtime, try batch("second", "C5"), letters: [fourth: 1], postage: "second", envelope: "C5", okFile: true, inbox: inbox)
        try await Self.expectBatch(runtime, try batch("first", "C4"), letters: [statement3: 3], postage: "first", envelope: "C4", okFile: true, inbox: inbox)
        try await Self.expectBatch(runtime, try batch("first", "C5"), letters: [statement1: 1], postage: "first", envelope: "C5", okFile: true, inbox: inbox)

        // A letter is dropped once: one move to sent each.
        for id in first + [fourth, statement3, statement1] {
            let history = try #require(try await runtime.store.request(id: id)).history
            #expect(history.filter { $0.entity == .distribution && $0.to == DistributionStatus.sent.rawValue }.count == 1)
        }
    }

    /// A drop target that refuses while `failing` is set and counts the drops that got through.
    final class FlakyTarget: PrintDropTarget {
        let inner: any PrintDropTarget
        let failure: Mutex<ArchiveFailure?>
        let drops = Mutex<Int>(0)
        let attempts = Mutex<Int>(0)
        init(_ inner: any PrintDropTarget, failing: ArchiveFailure?) {
            self.inner = inner
            failure = Mutex(failing)
        }
        var description: String { "flaky(\(inner.description))" }
        func contains(fileName: String) async throws -> Bool { try await inner.contains(fileName: fileName) }
        func drop(_ zip: [UInt8], fileName: String) async throws {
            attempts.withLock { $0 += 1 }
            if let failure = failure.withLock({ $0 }) { throw failure }
            try await inner.drop(zip, fileName: fileName)
            drops.withLock { $0 += 1 }
        }
    }

    @Test("a bureau that refuses: the batch stays closed with its error and retry time, its letters batched; dropped once after recovery")
    func failedDropWaitsAndRetries() async throws {
        let clock = TestClock(base: PrintBureauScenario.start)
        let runtime = try await PrintBureauScenario.makeRuntime("print-refused", environment: Self.environment(), clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        try await PrintBureauScenario.seedCustomers(runtime.store, count: 2)
        let letters = [try await PrintBureauScenario.letter(runtime, customer: 1), try await PrintBureauScenario.letter(runtime, customer: 2)]
        try await runtime.runUntilQuiet()
        clock.advance(7 * 3600 + 5)

        let target = FlakyTarget(try #require(runtime.printRoute).target, failing: ArchiveFailure(.permanent, "permission denied: inbox"))
        let dropper = try Self.dropper(runtime, clock: clock, target: target)
        #expect(try await Self.runOnce(dropper) == 2)
        var batch = try #require(try await runtime.store.printBatches(limit: 1).first)
        #expect(batch.status == .closed)
        #expect(batch.attempts == 1)
        #expect(batch.lastError == "flaky(\(Self.inbox(runtime))): permission denied: inbox", "\(batch.lastError ?? "")")
        let delay = try #require(try await Self.retryDelay(runtime, batch: batch.id, now: clock.now))
        #expect(delay > 890 && delay <= 900, "a refusal is retried no sooner than 15 minutes: \(delay)")
        for id in letters {
            let d = try await PrintBureauScenario.distribution(runtime, id)
            #expect(d.status == .batched && d.reference == nil)
        }
        #expect(Self.zips(runtime).isEmpty)

        // Not before its retry time; then a passing fault: 30 s.
        clock.advance(14 * 60)
        #expect(try await Self.runOnce(dropper) == 0)
        clock.advance(61)
        target.failure.withLock { $0 = ArchiveFailure(.transient, "connection reset") }
        #expect(try await Self.runOnce(dropper) == 2)
        batch = try #require(try await runtime.store.printBatches(limit: 1).first)
        #expect(batch.status == .closed && batch.attempts == 2 && batch.lastError?.hasSuffix("connection reset") == true)
        let second = try #require(try await Self.retryDelay(runtime, batch: batch.id, now: clock.now))
        #expect(second > 20 && second <= 60, "\(second)")

        // The bureau back: dropped once, every letter sent from that ZIP.
        clock.advance(61)
        target.failure.withLock { $0 = nil }
        #expect(try await Self.runOnce(dropper) == 2)
        #expect(try await Self.runOnce(dropper) == 0)
        try await runtime.runUntilQuiet()
        batch = try #require(try await runtime.store.printBatches(limit: 1).first)
        #expect(batch.status == .dropped)
        #expect(target.drops.withLock { $0 } == 1 && target.attempts.withLock { $0 } == 3)
        #expect(Self.zips(runtime) == [batch.fileName])
        for id in letters {
            let d = try await PrintBureauScenario.distribution(runtime, id)
            #expect(d.status == .sent && d.reference == "\(batch.fileName)#\(d.id)")
        }
    }

    /// A drop target that counts what it is asked to do.
    final class CountingTarget: PrintDropTarget {
        let inner: any PrintDropTarget
        let drops = Mutex<Int>(0)
        let lookups = Mutex<Int>(0)
        init(_ inner: any PrintDropTarget) { self.inner = inner }
        var description: String { inner.description }
        func contains(fileName: String) async throws -> Bool {
            lookups.withLock { $0 += 1 }
            return try await inner.contains(fileName: fileName)
        }
        func drop(_ zip: [UInt8], fileName: String) async throws {
            drops.withLock { $0 += 1 }
            try await inner.drop(zip, fileName: fileName)
        }
    }

    /// Claims the due batch and does what the dropper does up to the drop — reads the letters,
    /// packs them, and `drop`s the ZIP — and then stops: the process killed between the rename
    /// and the commit. The claim stays in the database as a killed worker leaves it (batch and
    /// letters stamped with its token until the lease ends); nothing is released.
    static func crashAfterDrop(_ runtime: HeraldRuntime, clock: TestClock,
                               drop: @escaping @Sendable ([UInt8], PrintBatch) async throws -> Void) async throws -> PrintBatch {
        let route = try #require(runtime.printRoute)
        let loop = ClaimLoop(stage: .printDrop, store: runtime.store, signals: runtime.signals, configuration: runtime.settings.worker,
                             clock: clock.function, logger: Logger(label: "test"))
        let documents = runtime.documents
        let claimed = Mutex<PrintBatch?>(nil)
        #expect(try await loop.runOnce { items, _ in
            let batch = try #require(items.first?.print?.batch)
            let pdfs = await documents.readMany(items.map { $0.distribution?.fileLocation ?? "" })
            var letters: [PrintLetter] = []
            for (item, pdf) in zip(items, pdfs) {
                letters.append(PrintLetter(piece: try #require(item.print?.piece), request: item.request,
                                           distribution: try #require(item.distribution), pdf: try pdf.get()))
            }
            let package = try await route.packager.package(batch, letters: letters, at: clock.now)
            try await drop(package.zip, batch)
            claimed.withLock { $0 = batch }
            // Killed here: no commit.
        } > 0)
        return try #require(claimed.withLock { $0 })
    }

    static func fileIdentity(_ path: String) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return "\(attributes[.systemFileNumber] ?? "-") \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
    }

    @Test("killed between the drop and its commit: the next attempt finds the ZIP by name, does not write it again, and sends each letter once")
    func crashBetweenDropAndCommit() async throws {
        let clock = TestClock(base: PrintBureauScenario.start)
        let runtime = try await PrintBureauScenario.makeRuntime("print-crash", environment: Self.environment(["HERALD_PRINT_OK_FILE": "true"]),
                                                                clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        try await PrintBureauScenario.seedCustomers(runtime.store, count: 3)
        let letters = [try await PrintBureauScenario.letter(runtime, customer: 1), try await PrintBureauScenario.letter(runtime, customer: 2),
                       try await PrintBureauScenario.letter(runtime, customer: 3)]
        try await runtime.runUntilQuiet()
        clock.advance(7 * 3600 + 5)

        let route = try #require(runtime.printRoute)
        let batch = try await Self.crashAfterDrop(runtime, clock: clock) { zip, batch in try await route.target.drop(zip, fileName: batch.fileName) }
        let inbox = Self.inbox(runtime)
        #expect(PrintBureauScenario.files(in: inbox) == [batch.fileName, batch.fileName + ".ok"])
        let identity = try Self.fileIdentity("\(inbox)/\(batch.fileName)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(inbox)/\(batch.fileName)"))
        for id in letters { #expect(try await PrintBureauScenario.distribution(runtime, id).status == .batched) }

        // While the dead worker's lease runs, nobody takes the batch.
        let target = CountingTarget(route.target)
        let dropper = try Self.dropper(runtime, clock: clock, target: target)
        #expect(try await Self.runOnce(dropper) == 0)
        #expect(try await runtime.store.printBatches(limit: 1).first?.status == .open, "past its cut-off, claimed by the dead worker, not dropped")

        // After it: recognised at the bureau by its name, committed without a second drop.
        clock.advance(runtime.settings.worker.lease.seconds + 1)
        #expect(try await Self.runOnce(dropper) == 3)
        #expect(target.drops.withLock { $0 } == 0, "the ZIP was not written again")
        #expect(target.lookups.withLock { $0 } == 1)
        #expect(try Self.fileIdentity("\(inbox)/\(batch.fileName)") == identity)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(inbox)/\(batch.fileName)")) == bytes)
        let after = try #require(try await runtime.store.printBatches(limit: 1).first)
        #expect(after.id == batch.id && after.status == .dropped)
        #expect(try await Self.runOnce(dropper) == 0)
        try await runtime.runUntilQuiet()
        #expect(PrintBureauScenario.files(in: inbox) == [batch.fileName, batch.fileName + ".ok"])
        for id in letters {
            let detail = try #require(try await runtime.store.request(id: id))
            let d = try #require(detail.distribution)
            #expect(d.status == .sent && d.reference == "\(batch.fileName)#\(d.id)")
            #expect(detail.history.filter { $0.entity == .distribution && $0.to == DistributionStatus.sent.rawValue }.count == 1)
        }
        // The ZIP the bureau has holds every letter.
        let folder = temporaryDirectory("print-crash-drop")
        defer { try? FileManager.default.removeItem(at: folder) }
        let drop = try await PrintBureauScenario.read(zip: "\(inbox)/\(batch.fileName)", into: folder)
        #expect(drop.letterRows.count == 3)
    }

    /// A drop target whose drop puts the ZIP at the bureau and then reports a failure (the
    /// connection lost after the rename): the dropper records a failed drop.
    final class LostAnswerTarget: PrintDropTarget {
        let inner: any PrintDropTarget
        let drops = Mutex<Int>(0)
        init(_ inner: any PrintDropTarget) { self.inner = inner }
        var description: String { inner.description }
        func contains(fileName: String) async throws -> Bool { try await inner.contains(fileName: fileName) }
        func drop(_ zip: [UInt8], fileName: String) async throws {
            let n = drops.withLock { $0 += 1; return $0 }
            try await inner.drop(zip, fileName: fileName)
            if n == 1 { throw ArchiveFailure(.transient, "connection lost after the rename") }
        }
    }

    @Test("a drop whose answer is lost after the rename: recorded as failed, and the retry finds the ZIP and commits without a second drop")
    func dropAnswerLost() async throws {
        let clock = TestClock(base: PrintBureauScenario.start)
        let runtime = try await PrintBureauScenario.makeRuntime("print-lost", environment: Self.environment(), clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        try await PrintBureauScenario.seedCustomers(runtime.store, count: 2)
        let letters = [try await PrintBureauScenario.letter(runtime, customer: 1), try await PrintBureauScenario.letter(runtime, customer: 2)]
        try await runtime.runUntilQuiet()
        clock.advance(7 * 3600 + 5)
        let target = LostAnswerTarget(try #require(runtime.printRoute).target)
        let dropper = try Self.dropper(runtime, clock: clock, target: target)
        #expect(try await Self.runOnce(dropper) == 2)
        var batch = try #require(try await runtime.store.printBatches(limit: 1).first)
        #expect(batch.status == .closed && batch.lastError?.hasSuffix("connection lost after the rename") == true)
        #expect(Self.zips(runtime) == [batch.fileName])
        let identity = try Self.fileIdentity("\(Self.inbox(runtime))/\(batch.fileName)")
        for id in letters { #expect(try await PrintBureauScenario.distribution(runtime, id).status == .batched) }

        clock.advance(61)
        #expect(try await Self.runOnce(dropper) == 2)
        #expect(target.drops.withLock { $0 } == 1, "found at the bureau by its name: not dropped again")
        #expect(try Self.fileIdentity("\(Self.inbox(runtime))/\(batch.fileName)") == identity)
        batch = try #require(try await runtime.store.printBatches(limit: 1).first)
        #expect(batch.status == .dropped)
        for id in letters {
            let detail = try #require(try await runtime.store.request(id: id))
            #expect(detail.distribution?.status == .sent && detail.distribution?.reference?.hasPrefix(batch.fileName + "#") == true)
            #expect(detail.history.filter { $0.entity == .distribution && $0.to == DistributionStatus.sent.rawValue }.count == 1)
        }
    }

    @Test("killed between the ZIP and its .ok trigger: the retry finds the ZIP, leaves it alone, and writes the missing .ok")
    func crashBeforeTheOkFile() async throws {
        let clock = TestClock(base: PrintBureauScenario.start)
        let runtime = try await PrintBureauScenario.makeRuntime("print-crash-ok", environment: Self.environment(["HERALD_PRINT_OK_FILE": "true"]),
                                                                clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        try await PrintBureauScenario.seedCustomers(runtime.store, count: 1)
        let letter = try await PrintBureauScenario.letter(runtime, customer: 1)
        try await runtime.runUntilQuiet()
        clock.advance(7 * 3600 + 5)
        let inbox = Self.inbox(runtime)
        // The ZIP put in place (atomically, as the folder drop writes it), then killed before the `.ok`.
        let archive = try FileArchive(root: URL(fileURLWithPath: inbox))
        let batch = try await Self.crashAfterDrop(runtime, clock: clock) { zip, batch in _ = try await archive.put(zip, key: batch.fileName) }
        #expect(PrintBureauScenario.files(in: inbox) == [batch.fileName])
        let identity = try Self.fileIdentity("\(inbox)/\(batch.fileName)")

        clock.advance(runtime.settings.worker.lease.seconds + 1)
        let target = CountingTarget(try #require(runtime.printRoute).target)
        #expect(try await Self.runOnce(try Self.dropper(runtime, clock: clock, target: target)) == 1)
        #expect(target.drops.withLock { $0 } == 0)
        #expect(try Self.fileIdentity("\(inbox)/\(batch.fileName)") == identity)
        #expect(PrintBureauScenario.files(in: inbox) == [batch.fileName, batch.fileName + ".ok"], "the bureau's trigger is written")
        #expect(try await PrintBureauScenario.distribution(runtime, letter).status == .sent)
    }

    @Test("return files: posted sets the actual sent time, returned is undeliverable, rejected an error; unknown pieces and bad lines reported, each file applied once")
    func returnFilesApplied() async throws {
        let clock = TestClock(base: PrintBureauScenario.start)
        let runtime = try await PrintBureauScenario.makeRuntime("print-returns", environment: Self.environment(), clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        try await PrintBureauScenario.seedCustomers(runtime.store, count: 4)
        var requests: [String] = []
        for n in 1...4 { requests.append(try await PrintBureauScenario.letter(runtime, customer: n)) }
        try await runtime.runUntilQuiet()
        clock.advance(7 * 3600 + 5)
        try await runtime.runUntilQuiet()
        let batch = try #require(try await runtime.store.printBatches(limit: 1).first)
        #expect(batch.status == .dropped)

        // The fake bureau: takes the drop, reads its manifest and answers for each piece.
        let folder = temporaryDirectory("print-returns-drop")
        defer { try? FileManager.default.removeItem(at: folder) }
        let drop = try await PrintBureauScenario.read(zip: "\(Self.inbox(runtime))/\(batch.fileName)", into: folder)
        let pieces = drop.letterRows.compactMap { $0["piece_id"] }
        try #require(pieces.count == 4)
        var byPiece: [String: String] = [:]
        for id in requests { byPiece[try await PrintBureauScenario.distribution(runtime, id).id] = id }
        #expect(Set(pieces) == Set(byPiece.keys))
        let (p1, p2, p3, p4) = (pieces[0], pieces[1], pieces[2], pieces[3])
        let returns = runtime.settings.dataDirectory.appendingPathComponent("print-bureau/returns")
        try FileManager.default.createDirectory(at: returns, withIntermediateDirectories: true)
        try Data("""
            pieceId,status,at,reason\r
            \(p1),accepted,2026-12-07T17:00:00Z,\r
            \(p1),printed,2026-12-08T06:00:00Z,\r
            \(p1),posted,2026-12-08,\r
            \(p2),posted,2026-12-08T10:30:00+01:00,\r
            \(p2),returned,2026-12-20T10:00:00Z,"Addressee unknown, gone away"\r
            NO-SUCH-PIECE,posted,2026-12-08,\r
            \(p3),lost,,\r
            \(p4),posted,,\r

            """.utf8).write(to: returns.appendingPathComponent("returns-1.csv"))
        try Data("""
            {"pieceId":"\(p3)","status":"rejected","reason":"Address incomplete"}
            this is not json
            {"pieceId":"\(p4)","status":"accepted","at":null}

            """.utf8).write(to: returns.appendingPathComponent("returns-2.jsonl"))
        // Oldest first: the CSV, then the JSON lines.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: returns.appendingPathComponent("returns-1.csv").path)

        let poller = runtime.printReturnsPoller(try #require(runtime.printRoute))
        let reports = try await poller.pollOnce()
        #expect(reports.map(\.name) == ["returns-1.csv", "returns-2.jsonl"])
        let csvReport = try #require(reports.first), jsonReport = try #require(reports.last)
        #expect(csvReport.results.count == 6 && jsonReport.results.count == 2)
        #expect(csvReport.results == [.logged(requestId: byPiece[p1]!), .logged(requestId: byPiece[p1]!), .applied(requestId: byPiece[p1]!),
                                      .applied(requestId: byPiece[p2]!), .applied(requestId: byPiece[p2]!), .unknownPiece])
        #expect(jsonReport.results == [.applied(requestId: byPiece[p3]!), .logged(requestId: byPiece[p4]!)])
        #expect(csvReport.problems.count == 3 && jsonReport.problems.count == 1, "\(csvReport.problems) \(jsonReport.problems)")

        // Moved to processed/, with the problems named by file and line beside them.
        #expect(PrintBureauScenario.files(in: returns.path).isEmpty)
        let processed = returns.appendingPathComponent("processed")
        #expect(PrintBureauScenario.files(in: processed.path) == ["returns-1.csv", "returns-1.csv.errors", "returns-2.jsonl", "returns-2.jsonl.errors"])
        let csvErrors = try String(contentsOf: processed.appendingPathComponent("returns-1.csv.errors"), encoding: .utf8)
        let csvLines = csvErrors.split(separator: "\n").map(String.init)
        #expect(csvLines.count == 3, "\(csvErrors)")
        #expect(csvLines.contains { $0.hasPrefix("returns-1.csv:8: ") && $0.contains("unknown status") }, "\(csvErrors)")
        #expect(csvLines.contains { $0.hasPrefix("returns-1.csv:9: ") && $0.contains("posted") }, "\(csvErrors)")
        #expect(csvLines.contains { $0 == "returns-1.csv:7: unknown piece NO-SUCH-PIECE" }, "\(csvErrors)")
        let jsonErrors = try String(contentsOf: processed.appendingPathComponent("returns-2.jsonl.errors"), encoding: .utf8)
        #expect(jsonErrors.hasPrefix("returns-2.jsonl:2: ") && jsonErrors.contains("not JSON"), "\(jsonErrors)")

        // The letters, through the API.
        let requestOf = byPiece
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { api in
            func distribution(_ piece: String) async throws -> [String: Any] {
                let r = try await api.call(.get, "/v1/comms-requests/\(requestOf[piece]!)")
                #expect(r.status == .ok)
                return try #require(r.object["distribution"] as? [String: Any])
            }
            let posted = try await distribution(p1)
            #expect(posted["distributionStatus"] as? String == "sent")
            #expect(posted["actualSentAt"] as? String == "2026-12-08T00:00:00.000Z", "\(posted)")
            let returned = try await distribution(p2)
            #expect(returned["distributionStatus"] as? String == "undeliverable", "\(returned)")
            #expect(returned["actualSentAt"] as? String == "2026-12-08T09:30:00.000Z", "\(returned)")
            #expect(returned["lastError"] as? String == "print bureau: returned: Addressee unknown, gone away")
            let rejected = try await distribution(p3)
            #expect(rejected["distributionStatus"] as? String == "errorNoRetry", "\(rejected)")
            #expect(rejected["lastError"] as? String == "print bureau: rejected: Address incomplete")
            let untouched = try await distribution(p4)
            #expect(untouched["distributionStatus"] as? String == "sent")
            #expect(untouched["actualSentAt"] is NSNull, "a posted line without its date is not applied")
        }

        // Every line read is in delivery_reports, with what became of it.
        let logged = try await PrintBureauScenario.query(runtime, "SELECT reference, outcome, disposition, distribution_id, detail FROM delivery_reports WHERE method = 'letter' ORDER BY id")
        #expect(logged.map { [$0[0], $0[1], $0[2]] } == [
            [p1, "accepted", "logged"], [p1, "printed", "logged"], [p1, "posted", "applied"], [p2, "posted", "applied"],
            [p2, "returned", "applied"], ["NO-SUCH-PIECE", "posted", "unmatched"], [p3, "rejected", "applied"], [p4, "accepted", "logged"],
        ], "\(logged)")
        #expect(logged[5][3] == nil && logged[0][3] == p1)
        #expect(logged[4][4] == "returns-1.csv:6: Addressee unknown, gone away", "\(logged[4])")

        // A second poll: nothing waiting, nothing applied.
        #expect(try await poller.pollOnce().isEmpty)
        #expect(try await PrintBureauScenario.query(runtime, "SELECT COUNT(*) FROM delivery_reports").first?.first == "8")
    }
}
