import Foundation
import HeraldCore
import Logging
import Metrics
import ServiceLifecycle

/// The second half of the print bureau route ("Transmission Comms to Print Bureau"): claims one
/// due batch (full, or open past its cut-off) with its letters (the `print.drop` stage), has the
/// ``PrintPackager`` make its ZIP (production marks, manifest), drops it at the bureau through
/// the ``PrintDropTarget`` (atomically, as `<name>.zip`), and then commits in one transaction
/// the batch's move to `dropped` and each letter's `B → S` with reference `<zip name>#<piece id>`.
///
/// A drop that fails (the bureau unreachable, refusing, full) leaves the batch closed with its
/// error and a next attempt (30 s doubling to an hour; at least 15 minutes after a refusal that
/// needs a configuration change), its letters still filed to it: nothing lost, nothing dropped
/// twice. A drop whose commit was lost (a crash between the rename and the commit) is
/// recognised on the next try by its name at the bureau and only committed.
public struct PrintDropper: Service {
    public let loop: ClaimLoop
    public let documents: any DocumentStore
    public let packager: any PrintPackager
    public let target: any PrintDropTarget
    public var backoff: RetryPolicy
    public var permanentRetry: Duration
    let metrics: StageMetrics
    let dropped: Counter
    let failures: Counter

    public var actor: String { "print-dropper" }

    public init(loop: ClaimLoop, documents: any DocumentStore, packager: any PrintPackager, target: any PrintDropTarget,
                backoff: RetryPolicy = RetryPolicy(maxAttempts: .max, baseDelay: .seconds(30), maxDelay: .seconds(3600)),
                permanentRetry: Duration = .seconds(900)) {
        guard loop.stage == .printDrop else { preconditionFailure("the print dropper runs the print.drop stage") }
        // A claim of this stage takes whole batches with all their letters: one batch per claim,
        // whatever the pipeline's batch size (a row here is a batch of up to print.batch.max letters).
        var configuration = loop.configuration
        configuration.batchSize = 1
        self.loop = ClaimLoop(stage: loop.stage, store: loop.store, signals: loop.signals, configuration: configuration,
                              clock: loop.clock, logger: loop.logger, workerName: loop.workerName)
        self.documents = documents
        self.packager = packager
        self.target = target
        self.backoff = backoff
        self.permanentRetry = permanentRetry
        self.metrics = StageMetrics(stage: loop.stage)
        self.dropped = Counter(label: "herald_print_batches_dropped_total")
        self.failures = Counter(label: "herald_print_drop_failures_total")
    }

    public func run() async throws {
        await loop.run { items, ticket in try await self.handle(items, ticket: ticket) }
    }

    public func handle(_ items: [WorkItem], ticket: ClaimTicket) async throws {
        let started = ContinuousClock.now
        // One batch per claim; grouped anyway, in claim order.
        var order: [String] = []
        var byBatch: [String: [WorkItem]] = [:]
        for item in items {
            guard let batch = item.print?.batch else { continue }
            if byBatch[batch.id] == nil { order.append(batch.id) }
            byBatch[batch.id, default: []].append(item)
        }
        for id in order {
            try await drop(byBatch[id] ?? [], ticket: ticket)
        }
        metrics.batch(size: items.count, duration: ContinuousClock.now - started)
    }

    func drop(_ items: [WorkItem], ticket: ClaimTicket) async throws {
        guard let batch = items.first?.print?.batch else { return }
        let pdfs = await documents.readMany(items.map { $0.distribution?.fileLocation ?? "" })
        var letters: [PrintLetter] = []
        var unreadable: [String: String] = [:]
        for (item, pdf) in zip(items, pdfs) {
            guard let d = item.distribution, let piece = item.print?.piece else { continue }
            switch pdf {
            case .success(let bytes): letters.append(PrintLetter(piece: piece, request: item.request, distribution: d, pdf: bytes))
            case .failure(let error): unreadable[d.id] = "the letter's document cannot be read: \(error)"
            }
        }
        let started = loop.clock()
        do {
            // Packed again on a retry (deterministic: same marks, manifest and bytes), so the letters
            // left out of the ZIP are known even when the ZIP is already at the bureau.
            let package = try await packager.package(batch, letters: letters, at: started)
            let failed = package.failed.merging(unreadable) { a, _ in a }
            if failed.count >= items.count {
                // No letter could be packed: nothing is dropped; each fails with its reason.
                loop.logger.warning("print batch has no packable letter; its letters fail", metadata: ["herald.batch": "\(batch.id)"])
            } else if try await target.contains(fileName: batch.fileName) {
                // Dropped before, the commit lost: the bureau has it; record it, never drop twice.
                loop.logger.notice("print batch already at the bureau; recording its drop", metadata: [
                    "herald.batch": "\(batch.id)", "herald.file": "\(batch.fileName)",
                ])
            } else {
                try await target.drop(package.zip, fileName: batch.fileName)
            }
            try await commitDropped(batch, items: items, failed: failed, ticket: ticket)
        } catch is CancellationError {
            try await loop.store.release(loop.stage, ticket: ticket)
        } catch {
            try await commitFailed(batch, error: error, ticket: ticket)
        }
    }

    func commitDropped(_ batch: PrintBatch, items: [WorkItem], failed: [String: String], ticket: ClaimTicket) async throws {
        let now = loop.clock()
        var changes = [Change(requestId: batch.id, printBatch: try PrintBatchTransition(batch, to: .dropped, at: now))]
        for item in items {
            guard let d = item.distribution, let piece = item.print?.piece else { continue }
            if let reason = failed[d.id] {
                var t = try DistributionTransition(distribution: d, to: .errorNoRetry, actor: actor, reason: reason, at: now)
                t.lastError = reason
                changes.append(Change(requestId: d.requestId, distribution: t, problems: [RequestProblem(kind: .error, reason: reason, at: now)],
                                      raisedEvents: [.commsNotSent(item.request, reason: reason, at: now)]))
                continue
            }
            var t = try DistributionTransition(distribution: d, to: .sent, actor: actor, reason: "dropped at the print bureau in \(batch.fileName)", at: now)
            t.reference = "\(batch.fileName)#\(piece.pieceId)"
            t.sentAt = now
            t.attempts = d.attempts + 1
            changes.append(Change(requestId: d.requestId, distribution: t))
        }
        let report = try await loop.store.commit(changes, ticket: ticket)
        if report.conflicts.contains(batch.id) {
            loop.logger.warning("print batch claim lost before its commit; the next drop finds it at the bureau", metadata: ["herald.batch": "\(batch.id)"])
            return
        }
        dropped.increment()
        metrics.outcome(DistributionStatus.sent.rawValue, count: items.count - failed.count)
        loop.logger.info("print batch dropped", metadata: [
            "herald.batch": "\(batch.id)", "herald.file": "\(batch.fileName)", "herald.letters": "\(items.count - failed.count)",
            "herald.target": "\(target.description)",
        ])
    }

    func commitFailed(_ batch: PrintBatch, error: any Error, ticket: ClaimTicket) async throws {
        failures.increment()
        let now = loop.clock()
        let attempts = batch.attempts + 1
        let permanent = (error as? ArchiveFailure)?.kind == .permanent
        var wait = backoff.delay(afterAttempts: attempts) ?? backoff.maxDelay
        if permanent { wait = max(wait, permanentRetry) }
        var t = try PrintBatchTransition(batch, to: .closed, at: now)
        t.attempts = attempts
        t.retryAt = now.addingTimeInterval(wait.seconds)
        t.lastError = "\(target.description): \(error)"
        loop.logger.warning("print batch not dropped; will retry", metadata: [
            "herald.batch": "\(batch.id)", "herald.attempts": "\(attempts)", "error": "\(error)",
        ])
        _ = try await loop.store.commit([Change(requestId: batch.id, printBatch: t)], ticket: ticket)
    }
}
