import Foundation
import HTTPTypes
import HeraldApp
import HeraldAppTestSupport
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTestSupport
import HeraldTransports
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Synchronization
import Testing

/// The storage step end to end on the filesystem backend, through a runtime and its API (no
/// servers): every letter and email stored once under `storage/herald/YYYY/MM/dd/HH/`, its hash
/// recorded and chained, encrypted when a key file is set, retried while the archive fails
/// without holding up the send, served back by the document route after the local pack is
/// purged, and checked by `DocumentVerifier` and `herald documents verify`.
@Suite("Document storage, filesystem backend")
struct DocumentStorageTests {
    static let source = HTTPField.Name("X-Herald-Document-Source")!

    /// The stored file of a request's document.
    static func storedFile(_ runtime: HeraldRuntime, _ id: String, _ ext: String) -> URL {
        runtime.settings.storageDirectory.appendingPathComponent("\(StorageScenario.folder)/\(id).\(ext)")
    }

    static func retention(_ runtime: HeraldRuntime, clock: TestClock, daysLater days: Double) -> LocalDocumentRetention {
        LocalDocumentRetention(store: runtime.store, documents: runtime.documents, retention: .seconds(86_400),
                               clock: { clock.now.addingTimeInterval(days * 86_400) }, logger: Logger(label: "test"))
    }

    @Test("a letter and an email are stored under the merge hour, hashed, chained, and served after the purge")
    func lettersAndEmailsAreStored() async throws {
        let clock = TestClock(base: StorageScenario.mergeTime)
        let runtime = try await StorageScenario.makeRuntime("storage-fs", clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            try await StorageScenario.seed(client)
            let letter = try await StorageScenario.letter(client)
            let email = try await StorageScenario.email(client)
            let secondEmail = try await StorageScenario.email(client)
            let sms = try await StorageScenario.sms(client)
            try await runtime.runUntilQuiet()

            var plain: [String: [UInt8]] = [:]
            for (id, ext) in [(letter, "pdf"), (email, "eml"), (secondEmail, "eml")] {
                let local = try await StorageScenario.localDocument(runtime, id)
                plain[id] = local
                #expect(try await StorageScenario.outboxFile(runtime, id) == local, "the stored document is the one sent")
                let stored = try #require(try await StorageScenario.storedDocument(client, id))
                #expect(stored["status"] as? String == "stored")
                #expect(stored["backend"] as? String == "fs")
                #expect(stored["location"] as? String == "fs:storage/\(StorageScenario.folder)/\(id).\(ext)")
                #expect(stored["sha256"] as? String == DocumentChain.sha256(local))
                #expect(stored["size"] as? Int == local.count)
                #expect(stored["storedAt"] as? String != nil)
                #expect(stored["keyId"] is NSNull)
                #expect(stored["lastError"] is NSNull)
                #expect(stored["attempts"] as? Int == 0)
                let file = Self.storedFile(runtime, id, ext)
                #expect([UInt8](try Data(contentsOf: file)) == local, "\(file.path)")
            }
            #expect(plain[letter]?.starts(with: Array("%PDF-".utf8)) == true)
            // The SMS has no document: no storedDocument, 404 problem on the document route.
            #expect(try await StorageScenario.request(client, sms)["storedDocument"] is NSNull)
            var r = try await client.call(.get, "/v1/comms-requests/\(sms)/document")
            #expect(r.status == .notFound)
            #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true, "\(r.headers)")
            r = try await client.call(.get, "/v1/comms-requests/no-such-request/document")
            #expect(r.status == .notFound)

            // The chain: 1…3, each record linked to the one before it; the verifier finds it intact.
            let chain = try await runtime.store.storedDocumentChain(afterSeq: nil, limit: 100)
            #expect(chain.map(\.chainSeq) == [1, 2, 3])
            #expect(Set(chain.map(\.requestId)) == [letter, email, secondEmail])
            #expect(chain.first?.previousHash == DocumentChain.genesis)
            for (before, record) in zip(chain, chain.dropFirst()) { #expect(record.previousHash == before.recordHash) }
            let report = try await DocumentVerifier(store: runtime.store, archive: runtime.archive).verify()
            #expect(report.isClean, "\(report.findings)")
            #expect(report.records == 3 && report.objectsChecked == 3)

            // The document route, from the local pack: content type, ETag, 304.
            for (id, type) in [(letter, "application/pdf"), (email, "message/rfc822")] {
                let etag = "\"\(DocumentChain.sha256(plain[id]!))\""
                r = try await client.call(.get, "/v1/comms-requests/\(id)/document")
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == type)
                #expect(r.headers[.eTag] == etag)
                #expect(r.headers[Self.source] == "local")
                #expect(Array(r.body.readableBytesView) == plain[id])
                r = try await client.call(.get, "/v1/comms-requests/\(id)/document", headers: [.ifNoneMatch: etag])
                #expect(r.status == .notModified)
                #expect(r.body.readableBytes == 0)
            }

            // A day's retention, three days later: the packs go, the route reads the long-term copy.
            let removed = try await Self.retention(runtime, clock: clock, daysLater: 3).purgeOnce()
            #expect(removed >= 2)
            for id in [letter, email, secondEmail] {
                await #expect(throws: (any Error).self) { _ = try await StorageScenario.localDocument(runtime, id) }
                r = try await client.call(.get, "/v1/comms-requests/\(id)/document")
                #expect(r.status == .ok)
                #expect(r.headers[Self.source] == "fs")
                #expect(r.headers[.eTag] == "\"\(DocumentChain.sha256(plain[id]!))\"")
                #expect(Array(r.body.readableBytesView) == plain[id])
            }
        }
    }

    @Test("with a key file the stored file is the AES-GCM envelope, and the route decrypts it")
    func encryptedStorage() async throws {
        let keyFile = temporaryDirectory("storage-key").appendingPathExtension("keys")
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let key = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        try Data("# storage keys\nk-2026 \(Data(key).base64EncodedString())\n".utf8).write(to: keyFile)
        let clock = TestClock(base: StorageScenario.mergeTime)
        let runtime = try await StorageScenario.makeRuntime("storage-sealed", environment: ["HERALD_STORAGE_ENCRYPTION_KEY_FILE": keyFile.path],
                                                            clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            try await StorageScenario.seed(client)
            let letter = try await StorageScenario.letter(client)
            let email = try await StorageScenario.email(client)
            try await runtime.runUntilQuiet()
            var plain: [String: [UInt8]] = [:]
            for (id, ext) in [(letter, "pdf"), (email, "eml")] {
                let local = try await StorageScenario.localDocument(runtime, id)
                plain[id] = local
                let stored = try #require(try await StorageScenario.storedDocument(client, id))
                #expect(stored["status"] as? String == "stored")
                #expect(stored["keyId"] as? String == "k-2026")
                #expect(stored["sha256"] as? String == DocumentChain.sha256(local), "the hash is the plaintext's")
                #expect(stored["size"] as? Int == local.count)
                let onDisk = [UInt8](try Data(contentsOf: Self.storedFile(runtime, id, ext)))
                #expect(onDisk.starts(with: Array("HRLD-ENC".utf8)))
                #expect(onDisk[8] == 1 && onDisk[9] == 6 && Array(onDisk[10..<16]) == Array("k-2026".utf8))
                #expect(onDisk.count == 10 + 6 + 12 + local.count + 16)
                #expect(!onDisk.starts(with: Array(local.prefix(64))))
            }
            let report = try await DocumentVerifier(store: runtime.store, archive: runtime.archive).verify()
            #expect(report.isClean && report.objectsChecked == 2, "\(report.findings)")

            #expect(try await Self.retention(runtime, clock: clock, daysLater: 2).purgeOnce() >= 2)
            for (id, type) in [(letter, "application/pdf"), (email, "message/rfc822")] {
                let r = try await client.call(.get, "/v1/comms-requests/\(id)/document")
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == type)
                #expect(r.headers[Self.source] == "fs")
                #expect(Array(r.body.readableBytesView) == plain[id], "the plaintext, decrypted")
            }
        }
    }

    @Test("a failing archive: the email is sent, the document waits with its error, retries when due and is stored once it recovers")
    func failingArchiveRetries() async throws {
        let clock = TestClock(base: StorageScenario.mergeTime)
        let runtime = try await StorageScenario.makeRuntime("storage-faults", clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let archive = FlakyArchive(runtime.archive)
        let archiver = DocumentArchiver(
            loop: ClaimLoop(stage: .store, store: runtime.store, signals: runtime.signals, configuration: runtime.settings.worker,
                            clock: clock.function, logger: Logger(label: "test")),
            documents: runtime.documents, archive: archive, prefix: "herald")
        @Sendable func storeOnce() async throws -> Int {
            try await archiver.loop.runOnce { items, ticket in try await archiver.handle(items, ticket: ticket) }
        }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            try await StorageScenario.seed(client)
            let email = try await StorageScenario.email(client)

            // The other stages and this archiver, round after round, until nothing is claimed.
            archive.failure.withLock { $0 = ArchiveFailure(.transient, "connection refused (test)") }
            let monitor = runtime.commsMonitor(), merge = runtime.mergeMonitor(.email), sender = runtime.sender(.email)
            while true {
                var claimed = try await monitor.loop.runOnce { try await monitor.handle($0, ticket: $1) }
                claimed += try await merge.loop.runOnce { try await merge.handle($0, ticket: $1) }
                claimed += try await sender.loop.runOnce { try await sender.handle($0, ticket: $1) }
                claimed += try await storeOnce()
                if claimed == 0 { break }
            }
            var detail = try await StorageScenario.request(client, email)
            #expect((detail["distribution"] as? [String: Any])?["distributionStatus"] as? String == "sent", "a send never waits for storage")
            var stored = try #require(detail["storedDocument"] as? [String: Any])
            #expect(stored["status"] as? String == "waiting")
            #expect(stored["lastError"] as? String == "fs transient: connection refused (test)")
            #expect(stored["attempts"] as? Int == 1)
            #expect(stored["location"] is NSNull && stored["sha256"] is NSNull)
            #expect(archive.puts.withLock { $0 } == 1)

            // Backoff: 30 s after the first failure. Not claimed before; claimed after.
            clock.advance(10)
            #expect(try await storeOnce() == 0)
            clock.advance(25)
            archive.failure.withLock { $0 = ArchiveFailure(.permanent, "access denied (test)") }
            #expect(try await storeOnce() == 1)
            stored = try #require(try await StorageScenario.storedDocument(client, email))
            #expect(stored["status"] as? String == "waiting")
            #expect(stored["lastError"] as? String == "fs permanent: access denied (test)")
            #expect(stored["attempts"] as? Int == 2)
            // A refusal waits at least 15 minutes.
            clock.advance(300)
            #expect(try await storeOnce() == 0)
            #expect(archive.puts.withLock { $0 } == 2)

            // The pack of a document still waiting is not purged, however old.
            let pack = try await runtime.store.storedDocumentChain(afterSeq: nil, limit: 10)
            #expect(pack.isEmpty, "nothing chained while waiting")
            #expect(try await Self.retention(runtime, clock: clock, daysLater: 30).purgeOnce() == 0)
            let local = try await StorageScenario.localDocument(runtime, email)

            // Recovered: stored at the next due attempt; the count of failures stays.
            archive.failure.withLock { $0 = nil }
            clock.advance(610)
            #expect(try await storeOnce() == 1)
            detail = try await StorageScenario.request(client, email)
            stored = try #require(detail["storedDocument"] as? [String: Any])
            #expect(stored["status"] as? String == "stored")
            #expect(stored["lastError"] is NSNull)
            #expect(stored["attempts"] as? Int == 2)
            #expect(stored["sha256"] as? String == DocumentChain.sha256(local))
            #expect(stored["location"] as? String == "fs:storage/\(StorageScenario.folder)/\(email).eml")
            let history = try #require(detail["history"] as? [[String: Any]])
            #expect(history.contains { $0["to"] as? String == "stored" }, "\(history)")

            // Now the pack may go, and the route reads the stored copy.
            #expect(try await Self.retention(runtime, clock: clock, daysLater: 30).purgeOnce() == 1)
            let r = try await client.call(.get, "/v1/comms-requests/\(email)/document")
            #expect(r.status == .ok)
            #expect(r.headers[Self.source] == "fs")
            #expect(Array(r.body.readableBytesView) == local)
        }
    }

    @Test("DocumentVerifier and herald documents verify report altered, missing and out-of-chain documents by request id")
    func verifierFindsTampering() async throws {
        let clock = TestClock(base: StorageScenario.mergeTime)
        let runtime = try await StorageScenario.makeRuntime("storage-verify", clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        let (altered, missing, rechained, intact) = try await app.test(.router) { client in
            try await StorageScenario.seed(client)
            let ids = (try await StorageScenario.letter(client), try await StorageScenario.email(client),
                       try await StorageScenario.email(client), try await StorageScenario.letter(client))
            try await runtime.runUntilQuiet()
            return ids
        }
        let verifier = DocumentVerifier(store: runtime.store, archive: runtime.archive)
        #expect(try await verifier.verify().isClean)
        let dataDir = runtime.settings.dataDirectory.path
        let cli = try await Self.verifyCLI(dataDir)
        #expect(cli.status == 0, "\(cli.output) \(cli.errors)")
        #expect(cli.output.contains("4 records in the chain, 4 objects re-read from fs: all intact"), "\(cli.output)")

        // An edited PDF, a deleted email, a record whose hash was changed in SQLite by hand.
        let letterFile = Self.storedFile(runtime, altered, "pdf")
        var bytes = [UInt8](try Data(contentsOf: letterFile))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: letterFile)
        try FileManager.default.removeItem(at: Self.storedFile(runtime, missing, "eml"))
        _ = try await python("""
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("UPDATE stored_documents SET sha256 = ? WHERE request_id = ?", ("0" * 64, sys.argv[2]))
            db.commit()
            """, [runtime.settings.databasePath, rechained])

        let report = try await verifier.verify()
        let found = Set(report.findings.map { "\($0.kind.rawValue) \($0.requestId)" })
        #expect(found.contains("altered \(altered)"), "\(report.findings)")
        #expect(found.contains("missing \(missing)"), "\(report.findings)")
        #expect(found.contains("out-of-chain \(rechained)"), "\(report.findings)")
        #expect(!report.findings.contains { $0.requestId == intact }, "\(report.findings)")
        #expect(!report.findings.contains { $0.kind == .outOfChain && $0.requestId != rechained }, "\(report.findings)")
        #expect(report.records == 4)

        let tampered = try await Self.verifyCLI(dataDir)
        #expect(tampered.status == 1, "\(tampered.output) \(tampered.errors)")
        let lines = tampered.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("altered \(altered):") }, "\(tampered.output)")
        #expect(lines.contains { $0.hasPrefix("missing \(missing):") }, "\(tampered.output)")
        #expect(lines.contains { $0.hasPrefix("out-of-chain \(rechained):") }, "\(tampered.output)")
        #expect(!tampered.output.contains(intact))
        // --since after every store: no object is re-read, but the chain is still walked whole.
        let since = try await Self.verifyCLI(dataDir, ["--since", "2030-01-01"])
        #expect(since.status == 1)
        #expect(since.output.contains("out-of-chain \(rechained):") && !since.output.contains("missing \(missing)"), "\(since.output)")
        #expect(since.output.contains("0 objects re-read"), "\(since.output)")
    }

    /// `herald documents verify --data-dir DIR` through the built binary.
    static func verifyCLI(_ dataDir: String, _ extra: [String] = []) async throws -> TestProcess.Result {
        let binary = packageRoot.appendingPathComponent(".build/debug/herald").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the herald product first (swift build)")
        return try await TestProcess.run(binary, ["documents", "verify", "--data-dir", dataDir] + extra)
    }
}

/// An archive that fails on demand (in front of a real one): the storage step's fault tests.
final class FlakyArchive: DocumentArchive {
    let inner: any DocumentArchive
    /// The failure every put throws; nil passes puts through.
    let failure = Mutex<ArchiveFailure?>(nil)
    /// Puts attempted.
    let puts = Mutex(0)

    init(_ inner: any DocumentArchive) { self.inner = inner }

    var backend: String { inner.backend }

    func put(_ document: [UInt8], key: String) async throws -> ArchivedObject {
        puts.withLock { $0 += 1 }
        if let failure = failure.withLock({ $0 }) { throw failure }
        return try await inner.put(document, key: key)
    }

    func get(location: String) async throws -> [UInt8] { try await inner.get(location: location) }

    func contains(key: String) async throws -> Bool { try await inner.contains(key: key) }
}
