import Foundation

/// `herald documents verify`: walks the stored-document hash chain from its start and re-reads
/// every stored object (or those stored since a date), reporting by request id each record
/// that is out of the chain (altered, removed or inserted by hand), each object missing from
/// the backend and each object whose bytes no longer hash to what was recorded.
public struct DocumentVerifier: Sendable {
    public let store: any CommsStore
    public let archive: any DocumentArchive
    /// Objects re-read at once.
    public var concurrency: Int

    public init(store: any CommsStore, archive: any DocumentArchive, concurrency: Int = 16) {
        self.store = store
        self.archive = archive
        self.concurrency = max(1, concurrency)
    }

    /// One thing found wrong.
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Hashable {
            /// The record does not link to the one before it, or its hash does not cover its fields.
            case outOfChain = "out-of-chain"
            /// The backend has no object at the recorded location.
            case missing
            /// The object's bytes do not hash to the recorded SHA-256 (or fail decryption).
            case altered
            /// The object could not be read (backend down, another backend configured).
            case unreadable
        }
        public var kind: Kind
        public var requestId: String
        public var detail: String
        public var description: String { "\(kind.rawValue) \(requestId): \(detail)" }
    }

    /// What a verification found.
    public struct Report: Sendable {
        public var records = 0
        public var objectsChecked = 0
        public var findings: [Finding] = []
        public var isClean: Bool { findings.isEmpty }
    }

    /// Verifies the chain (always whole) and the objects stored at or after `since` (all when nil).
    public func verify(since: Date? = nil, pageSize: Int = 1_000) async throws -> Report {
        var report = Report()
        var expectedPrevious = DocumentChain.genesis
        var expectedSeq: Int64 = 1
        var after: Int64? = nil
        while true {
            let page = try await store.storedDocumentChain(afterSeq: after, limit: pageSize)
            if page.isEmpty { break }
            var toRead: [StoredDocument] = []
            for record in page {
                report.records += 1
                let seq = record.chainSeq ?? 0
                if seq != expectedSeq {
                    report.findings.append(Finding(kind: .outOfChain, requestId: record.requestId,
                                                   detail: "chain position \(seq) follows \(expectedSeq - 1): \(seq - expectedSeq) record(s) removed before it"))
                }
                if record.previousHash != expectedPrevious {
                    report.findings.append(Finding(kind: .outOfChain, requestId: record.requestId,
                                                   detail: "does not link to the record before it (previous hash \(record.previousHash ?? "none"))"))
                }
                if let backend = record.backend, let location = record.location, let sha = record.sha256, let size = record.size,
                   let storedAt = record.storedAt {
                    let stored = StorageTransition.Stored(backend: backend, location: location, sha256: sha, size: size, keyId: record.keyId)
                    let hash = DocumentChain.link(previous: record.previousHash ?? "", requestId: record.requestId, stored: stored, storedAt: storedAt)
                    if hash != record.recordHash {
                        report.findings.append(Finding(kind: .outOfChain, requestId: record.requestId,
                                                       detail: "record altered: its fields no longer hash to its chain hash"))
                    }
                    if since.map({ storedAt >= $0 }) ?? true { toRead.append(record) }
                } else {
                    report.findings.append(Finding(kind: .outOfChain, requestId: record.requestId, detail: "chained record without its stored fields"))
                }
                expectedPrevious = record.recordHash ?? ""
                expectedSeq = seq + 1
            }
            report.objectsChecked += toRead.count
            report.findings += await check(toRead)
            after = page.last?.chainSeq
        }
        return report
    }

    /// Re-reads objects, several at once; findings in the records' order.
    func check(_ records: [StoredDocument]) async -> [Finding] {
        var found = [Finding?](repeating: nil, count: records.count)
        await withTaskGroup(of: (Int, Finding?).self) { group in
            var next = 0
            func add() {
                guard next < records.count else { return }
                let i = next
                next += 1
                group.addTask { (i, await self.check(records[i])) }
            }
            for _ in 0..<concurrency { add() }
            for await (i, finding) in group {
                found[i] = finding
                add()
            }
        }
        return found.compactMap { $0 }
    }

    func check(_ record: StoredDocument) async -> Finding? {
        guard let location = record.location else { return nil }
        guard record.backend == archive.backend else {
            return Finding(kind: .unreadable, requestId: record.requestId,
                           detail: "stored in \(record.backend ?? "?") but the configured backend is \(archive.backend): \(location)")
        }
        do {
            let bytes = try await archive.get(location: location)
            let sha = DocumentChain.sha256(bytes)
            guard sha == record.sha256 else {
                return Finding(kind: .altered, requestId: record.requestId, detail: "\(location) hashes to \(sha), recorded \(record.sha256 ?? "none")")
            }
            return nil
        } catch let failure as ArchiveFailure {
            switch failure.kind {
            case .notFound: return Finding(kind: .missing, requestId: record.requestId, detail: "\(location): \(failure.message)")
            case .corrupt: return Finding(kind: .altered, requestId: record.requestId, detail: "\(location): \(failure.message)")
            case .transient, .permanent: return Finding(kind: .unreadable, requestId: record.requestId, detail: "\(location): \(failure.message)")
            }
        } catch {
            return Finding(kind: .unreadable, requestId: record.requestId, detail: "\(location): \(error)")
        }
    }
}
