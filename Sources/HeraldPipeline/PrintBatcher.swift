import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// How letters are filed into print batches (`print.*`).
public struct PrintRules: Sendable, Hashable {
    /// The bureau's name (one bureau per Herald today; batches are kept apart per bureau).
    public var bureau: String
    /// Letters per batch (`print.batch.max`).
    public var maxLetters: Int
    /// The daily cut-off at which open batches close (`print.cutoff`).
    public var cutoff: PrintCutoff
    /// Envelopes by the most sheets each holds, smallest first (`print.envelopes`).
    public var envelopes: [Envelope]
    /// Letters printed on both sides (`print.duplex`).
    public var duplex: Bool
    /// Postage class of codes that name none (`print.postage`).
    public var defaultPostage: String
    /// The batch ZIP's name: `<prefix>-<batch id>.zip`.
    public var filePrefix: String

    public init(bureau: String = "bureau", maxLetters: Int = 5_000, cutoff: PrintCutoff, envelopes: [Envelope], duplex: Bool = true,
                defaultPostage: String = "second", filePrefix: String = "herald") {
        self.bureau = bureau
        self.maxLetters = maxLetters
        self.cutoff = cutoff
        self.envelopes = envelopes.sorted { $0.maxSheets < $1.maxSheets }
        self.duplex = duplex
        self.defaultPostage = defaultPostage
        self.filePrefix = filePrefix
    }
}

/// The first half of the print bureau route (`letter.transport` = `print`), in place of the
/// letter Sender: claims letters awaiting distribution (the `send.letter` stage), reads each
/// rendered PDF's page count, chooses its envelope by sheets and its postage class by comms
/// code, and files it into the open batch of that bureau, postage and envelope (`D → B`,
/// batched) — the store makes a new batch when none is open or it is full, and closes a batch
/// that reaches `print.batch.max`. A letter too thick for the largest envelope, or whose PDF
/// cannot be read, is `errorNoRetry` with the reason. The drop is ``PrintDropper``'s.
public struct PrintBatcher: Service {
    public let loop: ClaimLoop
    public let documents: any DocumentStore
    public let catalog: any TemplateCatalog
    public let rules: PrintRules
    let metrics: StageMetrics

    public var actor: String { "print-batcher" }

    public init(loop: ClaimLoop, documents: any DocumentStore, catalog: any TemplateCatalog, rules: PrintRules) {
        guard loop.stage == .send(.letter) else { preconditionFailure("the print batcher runs the letter send stage") }
        self.loop = loop
        self.documents = documents
        self.catalog = catalog
        self.rules = rules
        self.metrics = StageMetrics(stage: loop.stage)
    }

    public func run() async throws {
        await loop.run { items, ticket in try await self.handle(items, ticket: ticket) }
    }

    public func handle(_ items: [WorkItem], ticket: ClaimTicket) async throws {
        let started = ContinuousClock.now
        let letters = items.compactMap { item in item.distribution.map { (item.request, $0) } }
        let pdfs = await documents.readMany(letters.map { $0.1.fileLocation ?? "" })
        let now = loop.clock()
        let closeAt = rules.cutoff.next(after: now)
        var changes: [Change] = []
        for ((request, d), pdf) in zip(letters, pdfs) {
            changes.append(try change(request, d, pdf: pdf, closeAt: closeAt, now: now))
        }
        let report = try await loop.store.commit(changes, ticket: ticket)
        if !report.conflicts.isEmpty {
            loop.logger.warning("claims lost before commit; letters will be filed again",
                                metadata: ["herald.conflicts": "\(report.conflicts.count)", "herald.stage": "\(loop.stage)"])
        }
        metrics.outcome(DistributionStatus.batched.rawValue, count: changes.count { $0.distribution?.to == .batched })
        loop.signals.ring(.printDrop)
        metrics.batch(size: items.count, duration: ContinuousClock.now - started)
    }

    /// The unit of one letter: filed, or failed with the reason.
    func change(_ request: CommsRequest, _ d: Distribution, pdf: Result<[UInt8], any Error>, closeAt: Date, now: Date) throws -> Change {
        let pages: Int
        switch pdf {
        case .success(let bytes):
            guard let n = PDFPageCount.of(bytes) else { return try failed(request, d, "the letter's PDF has no readable page count", now: now) }
            pages = n
        case .failure(let error):
            if d.fileLocation == nil { return try failed(request, d, "the letter has no document", now: now) }
            // The local pack may be back later (a disk blip): retried, not failed.
            var t = try DistributionTransition(distribution: d, to: .errorRetry, actor: actor, reason: "document unreadable: \(error)", at: now)
            t.attempts = d.attempts + 1
            t.lastError = "document unreadable: \(error)"
            t.retryAt = now.addingTimeInterval((loop.configuration.retry.delay(afterAttempts: d.attempts + 1) ?? .seconds(3600)).seconds)
            return Change(requestId: d.requestId, distribution: t)
        }
        let sheets = rules.duplex ? (pages + 1) / 2 : pages
        guard let envelope = Envelope.choose(for: sheets, among: rules.envelopes) else {
            let largest = rules.envelopes.last.map { "\($0.name) holds \($0.maxSheets)" } ?? "no envelope is configured"
            return try failed(request, d, "the letter needs \(sheets) sheets; the largest envelope \(largest)", now: now)
        }
        let postage = catalog.code(request.commsCode)?.letterPostage ?? rules.defaultPostage
        let piece = PrintPiece(distributionId: d.id, requestId: d.requestId, pages: pages, duplex: rules.duplex, envelope: envelope.name,
                               postage: postage)
        let batchId = Identifier.make(now: now)
        let policy = PrintBatchPolicy(bureau: rules.bureau, maxLetters: rules.maxLetters, newBatchId: batchId,
                                      newFileName: "\(rules.filePrefix)-\(batchId).zip", newCloseAt: closeAt)
        var t = try DistributionTransition(distribution: d, to: .batched, actor: actor,
                                           reason: "print batch: \(envelope.name), \(postage) class, \(sheets) sheet\(sheets == 1 ? "" : "s")", at: now)
        t.retryAt = nil
        return Change(requestId: d.requestId, distribution: t, printFiling: PrintFiling(piece: piece, policy: policy))
    }

    func failed(_ request: CommsRequest, _ d: Distribution, _ reason: String, now: Date) throws -> Change {
        var t = try DistributionTransition(distribution: d, to: .errorNoRetry, actor: actor, reason: reason, at: now)
        t.lastError = reason
        t.attempts = d.attempts + 1
        return Change(requestId: d.requestId, distribution: t, problems: [RequestProblem(kind: .error, reason: reason, at: now)],
                      raisedEvents: [.commsNotSent(request, reason: reason, at: now)])
    }
}
