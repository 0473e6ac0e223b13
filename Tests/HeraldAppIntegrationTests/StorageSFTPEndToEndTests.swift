import Foundation
import HTTPTypes
import HeraldApp
import HeraldAppTestSupport
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

/// The storage step end to end with `HERALD_STORAGE_BACKEND=sftp` against the OpenSSH sshd
/// (internal-sftp) that `scripts/test.sh` starts (scripts/servers/sshd.sh): every letter and
/// email one file at `<directory>/herald/YYYY/MM/dd/HH/<request id>.<ext>`, equal to the sent
/// document, no `.tmp` left, its hash recorded; a file altered by hand found by the verifier;
/// the route serving from SFTP after the purge; password login; encryption; and the faults a
/// real server gives (a changed host key, a folder the user may not write), cured by fixing the
/// configuration. The server is local, so its files are read back as plain files.
@Suite("Document storage end to end, SFTP backend on OpenSSH", .serialized)
struct StorageSFTPEndToEndTests {
    static let source = HTTPField.Name("X-Herald-Document-Source")!

    /// The sshd of scripts/servers/sshd.sh (HERALD_TEST_SFTP_*); missing variables fail the test.
    struct Server {
        let host: String, port: Int, user: String, password: String, keyFile: String, knownHosts: String
        let root: String, readonlyDirectory: String

        static func fromEnvironment() throws -> Server {
            let env = ProcessInfo.processInfo.environment
            func value(_ name: String) throws -> String {
                guard let value = env["HERALD_TEST_SFTP_\(name)"], !value.isEmpty else {
                    throw EmailTestFailure(message: "HERALD_TEST_SFTP_\(name) is not set: run these tests through scripts/test.sh (it starts sshd)")
                }
                return value
            }
            guard let port = Int(try value("PORT")) else { throw EmailTestFailure(message: "HERALD_TEST_SFTP_PORT is not a number") }
            return Server(host: try value("HOST"), port: port, user: try value("USER"), password: try value("PASSWORD"),
                          keyFile: try value("KEY_FILE"), knownHosts: try value("KNOWN_HOSTS"), root: try value("ROOT"),
                          readonlyDirectory: try value("READONLY_DIR"))
        }

        /// A fresh folder under the server's test root.
        func scratch(_ name: String) -> String { "\(root)/\(name)-\(UUID().uuidString.prefix(8))" }

        /// The runtime's settings for this server: key login unless `password`, into `directory`.
        func environment(directory: String, password: Bool = false, knownHosts: String? = nil) -> [String: String] {
            var env = [
                "HERALD_STORAGE_BACKEND": "sftp", "HERALD_SFTP_HOST": host, "HERALD_SFTP_PORT": "\(port)", "HERALD_SFTP_USER": user,
                "HERALD_SFTP_KNOWN_HOSTS": knownHosts ?? self.knownHosts, "HERALD_SFTP_DIRECTORY": directory,
            ]
            if password { env["HERALD_SFTP_PASSWORD"] = self.password } else { env["HERALD_SFTP_KEY_FILE"] = keyFile }
            return env
        }

        /// The location the archive records for a key in `directory`.
        func location(_ directory: String, _ key: String) -> String { "sftp://\(user)@\(host):\(port)/\(directory)/\(key)" }
    }

    /// A runtime on an existing data folder (one made by ``StorageScenario/makeRuntime``), with
    /// other settings: the operator fixing the configuration and restarting.
    static func restart(_ dataDirectory: URL, environment: [String: String], clock: TestClock) async throws -> HeraldRuntime {
        var env = environment
        env["HERALD_ADMIN_API_KEY"] = "admin-key"
        let settings = try await HeraldSettings.load(dataDir: dataDirectory.path, environment: env)
        return try await HeraldRuntime(settings: settings, logger: Logger(label: "test"), clock: clock.function)
    }

    static func retention(_ runtime: HeraldRuntime, clock: TestClock, daysLater days: Double) -> LocalDocumentRetention {
        LocalDocumentRetention(store: runtime.store, documents: runtime.documents, retention: .seconds(86_400),
                               clock: { clock.now.addingTimeInterval(days * 86_400) }, logger: Logger(label: "test"))
    }

    /// Every file under `directory` (relative paths), as the server's disk holds them.
    static func files(under directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(directory)/\($0)", isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test("a letter and an email stored as files over SFTP, verified, and served from SFTP after the purge")
    func lettersAndEmailsOverSFTP() async throws {
        let server = try Server.fromEnvironment()
        let directory = server.scratch("e2e")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = TestClock(base: StorageScenario.mergeTime)
        let runtime = try await StorageScenario.makeRuntime("storage-sftp", environment: server.environment(directory: directory), clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        #expect(runtime.archive.backend == "sftp")
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { api in
            try await StorageScenario.seed(api)
            let letter = try await StorageScenario.letter(api)
            let email = try await StorageScenario.email(api)
            try await runtime.runUntilQuiet()

            var plain: [String: [UInt8]] = [:]
            for (id, ext) in [(letter, "pdf"), (email, "eml")] {
                let local = try await StorageScenario.localDocument(runtime, id)
                plain[id] = local
                #expect(try await StorageScenario.outboxFile(runtime, id) == local)
                let key = "\(StorageScenario.folder)/\(id).\(ext)"
                let stored = try #require(try await StorageScenario.storedDocument(api, id))
                #expect(stored["status"] as? String == "stored", "\(stored)")
                #expect(stored["backend"] as? String == "sftp")
                #expect(stored["location"] as? String == server.location(directory, key))
                #expect(stored["sha256"] as? String == DocumentChain.sha256(local))
                #expect(stored["size"] as? Int == local.count)
                #expect(stored["keyId"] is NSNull)
                #expect(stored["lastError"] is NSNull)
                #expect(try Self.bytes("\(directory)/\(key)") == local, "the file on the server is the sent document")
            }
            #expect(plain[letter]?.starts(with: Array("%PDF-".utf8)) == true)
            // One file per document, at its place; no `.tmp` left behind.
            #expect(Self.files(under: directory) == ["herald/2018/08/02/17/\(email).eml", "herald/2018/08/02/17/\(letter).pdf"].sorted())

            let verifier = DocumentVerifier(store: runtime.store, archive: runtime.archive)
            let clean = try await verifier.verify()
            #expect(clean.isClean && clean.objectsChecked == 2, "\(clean.findings)")
            // The letter's file edited by hand on the server: found, and never served.
            let letterFile = "\(directory)/\(StorageScenario.folder)/\(letter).pdf"
            var forged = try Self.bytes(letterFile)
            forged[forged.count / 2] ^= 0xFF
            try Data(forged).write(to: URL(fileURLWithPath: letterFile))
            let report = try await verifier.verify()
            #expect(report.findings.map { "\($0.kind.rawValue) \($0.requestId)" } == ["altered \(letter)"], "\(report.findings)")

            #expect(try await Self.retention(runtime, clock: clock, daysLater: 3).purgeOnce() >= 2)
            await #expect(throws: (any Error).self) { _ = try await StorageScenario.localDocument(runtime, email) }
            var r = try await api.call(.get, "/v1/comms-requests/\(email)/document")
            #expect(r.status == .ok)
            #expect(r.headers[Self.source] == "sftp")
            #expect(r.headers[.contentType] == "message/rfc822")
            #expect(r.headers[.eTag] == "\"\(DocumentChain.sha256(plain[email]!))\"")
            #expect(Array(r.body.readableBytesView) == plain[email])
            r = try await api.call(.get, "/v1/comms-requests/\(letter)/document")
            #expect(r.status == .internalServerError, "an altered file is refused: \(r.text)")
        }
    }

    @Test("password login: the letter is stored over SFTP as sent")
    func passwordLogin() async throws {
        let server = try Server.fromEnvironment()
        let directory = server.scratch("e2e-password")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = TestClock(base: StorageScenario.mergeTime)
        let runtime = try await StorageScenario.makeRuntime("storage-sftp-password",
                                                            environment: server.environment(directory: directory, password: true), clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { api in
            try await StorageScenario.seed(api)
            let letter = try await StorageScenario.letter(api)
            try await runtime.runUntilQuiet()
            let local = try await StorageScenario.localDocument(runtime, letter)
            let key = "\(StorageScenario.folder)/\(letter).pdf"
            let stored = try #require(try await StorageScenario.storedDocument(api, letter))
            #expect(stored["status"] as? String == "stored", "\(stored)")
            #expect(stored["location"] as? String == server.location(directory, key))
            #expect(stored["sha256"] as? String == DocumentChain.sha256(local))
            #expect(try Self.bytes("\(directory)/\(key)") == local)
            #expect(Self.files(under: directory) == [key])
        }
    }

    @Test("with a key file the file on the SFTP server is the AES-GCM envelope, and the route decrypts it")
    func encryptedOverSFTP() async throws {
        let server = try Server.fromEnvironment()
        let directory = server.scratch("e2e-sealed")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keyFile = temporaryDirectory("storage-sftp-key").appendingPathExtension("keys")
        defer { try? FileManager.default.removeItem(at: keyFile) }
        let key = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 11 &+ 5) }
        try Data("k-sftp \(Data(key).base64EncodedString())\n".utf8).write(to: keyFile)
        var environment = server.environment(directory: directory)
        environment["HERALD_STORAGE_ENCRYPTION_KEY_FILE"] = keyFile.path
        let clock = TestClock(base: StorageScenario.mergeTime)
        let runtime = try await StorageScenario.makeRuntime("storage-sftp-sealed", environment: environment, clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { api in
            try await StorageScenario.seed(api)
            let letter = try await StorageScenario.letter(api)
            let email = try await StorageScenario.email(api)
            try await runtime.runUntilQuiet()
            var plain: [String: [UInt8]] = [:]
            for (id, ext) in [(letter, "pdf"), (email, "eml")] {
                let local = try await StorageScenario.localDocument(runtime, id)
                plain[id] = local
                let objectKey = "\(StorageScenario.folder)/\(id).\(ext)"
                let stored = try #require(try await StorageScenario.storedDocument(api, id))
                #expect(stored["status"] as? String == "stored", "\(stored)")
                #expect(stored["backend"] as? String == "sftp")
                #expect(stored["location"] as? String == server.location(directory, objectKey))
                #expect(stored["keyId"] as? String == "k-sftp")
                #expect(stored["sha256"] as? String == DocumentChain.sha256(local), "the hash is the plaintext's")
                #expect(stored["size"] as? Int == local.count)
                let onServer = try Self.bytes("\(directory)/\(objectKey)")
                #expect(onServer.starts(with: Array("HRLD-ENC".utf8)))
                #expect(onServer[8] == 1 && onServer[9] == 6 && Array(onServer[10..<16]) == Array("k-sftp".utf8))
                #expect(onServer.count == 10 + 6 + 12 + local.count + 16)
                #expect(!onServer.starts(with: Array(local.prefix(64))))
            }
            #expect(Self.files(under: directory).allSatisfy { !$0.hasSuffix(".tmp") })
            let report = try await DocumentVerifier(store: runtime.store, archive: runtime.archive).verify()
            #expect(report.isClean && report.objectsChecked == 2, "\(report.findings)")

            #expect(try await Self.retention(runtime, clock: clock, daysLater: 2).purgeOnce() >= 2)
            for (id, type) in [(letter, "application/pdf"), (email, "message/rfc822")] {
                let r = try await api.call(.get, "/v1/comms-requests/\(id)/document")
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == type)
                #expect(r.headers[Self.source] == "sftp")
                #expect(Array(r.body.readableBytesView) == plain[id], "the plaintext, decrypted")
            }
        }
    }

    @Test("a changed host key, then a read-only folder: the document waits with a permanent error; fixed settings store it")
    func refusalsUntilTheConfigurationIsFixed() async throws {
        let server = try Server.fromEnvironment()
        let directory = server.scratch("e2e-faults")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // known_hosts naming this server with another ed25519 key.
        let wrongKnownHosts = temporaryDirectory("known_hosts-other")
        defer { try? FileManager.default.removeItem(at: wrongKnownHosts) }
        let hostName = server.port == 22 ? server.host : "[\(server.host)]:\(server.port)"
        try Data("\(hostName) ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n".utf8).write(to: wrongKnownHosts)

        let clock = TestClock(base: StorageScenario.mergeTime)
        let first = try await StorageScenario.makeRuntime(
            "storage-sftp-faults", environment: server.environment(directory: directory, knownHosts: wrongKnownHosts.path), clock: clock)
        let dataDirectory = first.settings.dataDirectory
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let email = try await HeraldServer.application(runtime: first, registry: PrometheusCollectorRegistry()).test(.router) { api in
            try await StorageScenario.seed(api)
            let email = try await StorageScenario.email(api)
            try await first.runUntilQuiet()
            let detail = try await StorageScenario.request(api, email)
            #expect((detail["distribution"] as? [String: Any])?["distributionStatus"] as? String == "sent", "a send never waits for storage")
            let stored = try #require(detail["storedDocument"] as? [String: Any])
            #expect(stored["status"] as? String == "waiting")
            #expect(stored["attempts"] as? Int == 1)
            #expect(stored["location"] is NSNull && stored["sha256"] is NSNull)
            let lastError = try #require(stored["lastError"] as? String)
            #expect(lastError.hasPrefix("sftp permanent: "), "\(lastError)")
            #expect(lastError.contains("host key for \(hostName)"), "\(lastError)")

            // A refusal is retried no sooner than 15 minutes later.
            clock.advance(14 * 60)
            try await first.runUntilQuiet()
            let later = try #require(try await StorageScenario.storedDocument(api, email))
            #expect(later["status"] as? String == "waiting")
            #expect(later["attempts"] as? Int == 1, "not retried within 15 minutes")
            return email
        }
        #expect(Self.files(under: directory).isEmpty, "nothing written to a server whose key was refused")

        // The key fixed, but the folder is one the user may not write: permission denied, permanent.
        clock.advance(2 * 60)
        let readonlyFolder = "\(server.readonlyDirectory)/herald-docs"
        let second = try await Self.restart(dataDirectory, environment: server.environment(directory: readonlyFolder), clock: clock)
        try await second.runUntilQuiet()
        try await HeraldServer.application(runtime: second, registry: PrometheusCollectorRegistry()).test(.router) { api in
            let stored = try #require(try await StorageScenario.storedDocument(api, email))
            #expect(stored["status"] as? String == "waiting")
            #expect(stored["attempts"] as? Int == 2)
            let lastError = try #require(stored["lastError"] as? String)
            #expect(lastError.hasPrefix("sftp permanent: "), "\(lastError)")
            #expect(lastError.lowercased().contains("permission denied"), "\(lastError)")
        }
        #expect(!FileManager.default.fileExists(atPath: readonlyFolder))

        // The right folder, after the retry time: stored, the failures still counted.
        clock.advance(16 * 60)
        let third = try await Self.restart(dataDirectory, environment: server.environment(directory: directory), clock: clock)
        try await third.runUntilQuiet()
        let local = try await StorageScenario.localDocument(third, email)
        try await HeraldServer.application(runtime: third, registry: PrometheusCollectorRegistry()).test(.router) { api in
            let stored = try #require(try await StorageScenario.storedDocument(api, email))
            #expect(stored["status"] as? String == "stored", "\(stored)")
            #expect(stored["lastError"] is NSNull)
            #expect(stored["attempts"] as? Int == 2)
            let key = "\(StorageScenario.folder)/\(email).eml"
            #expect(stored["location"] as? String == server.location(directory, key))
            #expect(stored["sha256"] as? String == DocumentChain.sha256(local))
            #expect(try Self.bytes("\(directory)/\(key)") == local)
            #expect(Self.files(under: directory) == [key])
        }
        let report = try await DocumentVerifier(store: third.store, archive: third.archive).verify()
        #expect(report.isClean && report.objectsChecked == 1, "\(report.findings)")
    }
}
