import Foundation
import HeraldCore
import Logging
import Metrics
import ServiceLifecycle

/// The storage daemon ("Comms Transmission to Document Storage"): claims documents waiting for
/// their long-term copy (the `store` stage, fed by the merge monitors' commits), reads each
/// from the local document store, hashes it and puts it into the ``DocumentArchive`` under
/// `<prefix>/YYYY/MM/dd/HH/<request id>.<ext>` (the hour of its merge, UTC); the store records
/// backend, location, SHA-256, size and key id and links the record into the hash chain.
///
/// It runs beside the senders and shares nothing with them but the local documents: a slow or
/// broken archive never delays a send, and a send never waits for storage. A failed put waits
/// and is tried again — a passing fault with exponential backoff, a refusal (bad credentials,
/// access denied, a host key mismatch) no sooner than ``permanentRetry`` — without limit:
/// a document is never given up, and its last error shows in `storedDocument.lastError`.
public struct DocumentArchiver: Service {
    public let loop: ClaimLoop
    public let documents: any DocumentStore
    public let archive: any DocumentArchive
    /// The first part of every object key (`HERALD_STORAGE_PREFIX`); may be empty.
    public var prefix: String
    /// Documents put at once (network backends wait on round trips, not the cores).
    public var concurrency: Int
    /// Backoff after a passing fault (30 s doubling to an hour by default; no attempt limit).
    public var backoff: RetryPolicy
    /// The least wait after a refusal that only a configuration change cures.
    public var permanentRetry: Duration
    let metrics: StageMetrics
    let failures: [ArchiveFailure.Kind: Counter]
    let bytes: Counter

    public init(loop: ClaimLoop, documents: any DocumentStore, archive: any DocumentArchive, prefix: String, concurrency: Int = 16,
                backoff: RetryPolicy = RetryPolicy(maxAttempts: .max, baseDelay: .seconds(30), maxDelay: .seconds(3600)),
                permanentRetry: Duration = .seconds(900)) {
        guard case .store = loop.stage else { preconditionFailure("a document archiver runs the store stage") }
        self.loop = loop
        self.documents = documents
        self.archive = archive
        self.prefix = prefix
        self.concurrency = max(1, concurrency)
        self.backoff = backoff
        self.permanentRetry = permanentRetry
        self.metrics = StageMetrics(stage: loop.stage)
        self.failures = Dictionary(uniqueKeysWithValues: [ArchiveFailure.Kind.transient, .permanent, .notFound, .corrupt].map {
            ($0, Counter(label: "herald_storage_failures_total", dimensions: [("backend", archive.backend), ("kind", $0.rawValue)]))
        })
        self.bytes = Counter(label: "herald_storage_bytes_total", dimensions: [("backend", archive.backend)])
    }

    public func run() async throws {
        await loop.run { items, ticket in try await self.handle(items, ticket: ticket) }
        await archive.shutdown()
    }

    public func handle(_ items: [WorkItem], ticket: ClaimTicket) async throws {
        let started = ContinuousClock.now
        let work = items.compactMap(\.document)
        // One read of each local pack for the whole batch.
        let contents = await documents.readMany(work.map(\.localLocation))
        let next = SharedCounter()
        var outcomes = [Result<StorageTransition.Stored, ArchiveFailure>?](repeating: nil, count: work.count)
        await withTaskGroup(of: [(Int, Result<StorageTransition.Stored, ArchiveFailure>)].self) { group in
            for _ in 0..<min(concurrency, work.count) {
                group.addTask {
                    var done: [(Int, Result<StorageTransition.Stored, ArchiveFailure>)] = []
                    while true {
                        let index = next.take()
                        guard index < work.count else { return done }
                        done.append((index, await self.store(work[index], contents[index])))
                    }
                }
            }
            for await results in group {
                for (index, outcome) in results { outcomes[index] = outcome }
            }
        }
        let now = loop.clock()
        var changes: [Change] = []
        changes.reserveCapacity(work.count)
        for (document, outcome) in zip(work, outcomes) {
            changes.append(try change(for: document, outcome: outcome ?? .failure(ArchiveFailure(.transient, "not attempted")), now: now))
        }
        let report = try await loop.store.commit(changes, ticket: ticket)
        if !report.conflicts.isEmpty {
            loop.logger.warning("claims lost before commit; documents will be stored again",
                                metadata: ["herald.conflicts": "\(report.conflicts.count)", "herald.stage": "\(loop.stage)"])
        }
        metrics.outcome("stored", count: changes.count { $0.storage?.to == .stored })
        metrics.batch(size: items.count, duration: ContinuousClock.now - started)
    }

    /// Puts one document; never throws.
    func store(_ document: PendingDocument, _ content: Result<[UInt8], any Error>) async -> Result<StorageTransition.Stored, ArchiveFailure> {
        let bytes: [UInt8]
        switch content {
        case .success(let b): bytes = b
        case .failure(let error):
            // The local copy is the only source: keep the row waiting and say why.
            return .failure(ArchiveFailure(.transient, "local document \(document.localLocation) unreadable: \(error)"))
        }
        let key = ArchiveKey.make(prefix: prefix, mergedAt: document.mergedAt, requestId: document.requestId,
                                  fileExtension: document.fileExtension)
        do {
            let object = try await archive.put(bytes, key: key)
            self.bytes.increment(by: object.storedSize)
            return .success(StorageTransition.Stored(backend: archive.backend, location: object.location,
                                                     sha256: DocumentChain.sha256(bytes), size: bytes.count, keyId: object.keyId))
        } catch let failure as ArchiveFailure {
            return .failure(failure)
        } catch is CancellationError {
            return .failure(ArchiveFailure(.transient, "cancelled (shutting down)"))
        } catch {
            return .failure(ArchiveFailure(.transient, "\(error)"))
        }
    }

    func change(for document: PendingDocument, outcome: Result<StorageTransition.Stored, ArchiveFailure>, now: Date) throws -> Change {
        switch outcome {
        case .success(let stored):
            var t = try StorageTransition(document, to: .stored, at: now)
            t.stored = stored
            return Change(requestId: document.requestId, storage: t)
        case .failure(let failure):
            failures[failure.kind]?.increment()
            let attempts = document.attempts + 1
            var wait = backoff.delay(afterAttempts: attempts) ?? backoff.maxDelay
            if failure.kind != .transient { wait = max(wait, permanentRetry) }
            loop.logger.warning("document not stored; will retry", metadata: [
                "comms.request_id": "\(document.requestId)", "herald.attempts": "\(attempts)",
                "herald.failure": "\(failure.kind.rawValue)", "error": "\(failure.message)",
            ])
            var t = try StorageTransition(document, to: .waiting, at: now)
            t.attempts = attempts
            t.retryAt = now.addingTimeInterval(wait.seconds)
            t.lastError = "\(archive.backend) \(failure.kind.rawValue): \(failure.message)"
            return Change(requestId: document.requestId, storage: t)
        }
    }
}
