import Foundation
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldTransports
import Logging
import S3
import Testing

/// The external route's extract files (`external.transport` = `extract`) built from settings as
/// `herald serve` builds them, written to the real servers `scripts/test.sh` starts: OpenSSH's
/// sshd (`external.extract.drop` = `sftp`) and moto's S3 (`s3`). Each batch lands as one whole
/// file per system, named as the references say, one record a line; a drop the server refuses
/// is a retry naming the server's reason, nothing half-written left behind.
@Suite("Extract files on OpenSSH and moto", .serialized)
struct ExtractRouteServerTests {
    static let catalog: any TemplateCatalog = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("extract-catalog-\(UUID().uuidString)")
        try! SampleCatalog.write(to: folder)
        return try! CatalogLoader.load(from: folder)
    }()

    /// The route's transmitter from these settings (environment only), on a fresh data folder.
    static func transmitter(_ environment: [String: String]) async throws -> any Transmitter {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("extract-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var env = environment
        env["HERALD_EXTERNAL_TRANSPORT"] = "extract"
        let settings = try await HeraldSettings.load(dataDir: data.path, environment: env)
        let routes = try #require(settings.externalRoutes)
        return try routes.makeTransmitter(.extract, dataDirectory: data, catalog: catalog, logger: Logger(label: "test"))
    }

    /// Three PORTING_NOTICE comms (system PORTAL in the sample catalog).
    static func batch() -> [Transmission] {
        (1...3).map { n in
            let created = Date(timeIntervalSince1970: 1_796_632_800 + Double(n))
            let request = CommsRequest(id: "req-\(n)-\(UUID().uuidString.prefix(8))", commsCode: "PORTING_NOTICE", priority: 2, status: .processed,
                                       target: TargetRef(.customer, "C\(n)"), source: .api, createdBy: "test", createdAt: created)
            let d = Distribution(id: "dist-\(n)-\(UUID().uuidString.prefix(8))", requestId: request.id, method: .external, target: "C\(n)",
                                 status: .awaitingDistribution, message: "NOTICE=PORTING_OUT\nCUSTOMERID=C\(n)",
                                 fields: ["CUSTOMERID": "C\(n)"], language: "en", createdAt: created)
            return Transmission(request: request, distribution: d)
        }
    }

    /// The references of a batch all sent: `<file>#<line>`, one file, lines 1…n in order.
    static func file(of outcomes: [TransmissionOutcome]) throws -> String {
        let references = outcomes.compactMap { outcome -> String? in
            if case .sent(let reference) = outcome { return reference }
            return nil
        }
        #expect(references.count == outcomes.count, "\(outcomes)")
        let files = Set(references.map { String($0.split(separator: "#")[0]) })
        #expect(files.count == 1, "\(references)")
        #expect(references.map { String($0.split(separator: "#")[1]) } == (1...references.count).map(String.init))
        return try #require(files.first)
    }

    /// The records of an NDJSON extract file, checked against the batch.
    static func check(_ text: String, against batch: [Transmission]) throws {
        let lines = text.split(separator: "\n")
        #expect(lines.count == batch.count)
        for (line, tx) in zip(lines, batch) {
            let record = try JSONDecoder().decode(ExternalCommPayload.self, from: Data(line.utf8))
            #expect(record == ExternalCommPayload(tx, system: "PORTAL"))
        }
    }

    /// The drop's settings for the test sshd, key login, into `directory`.
    static func sftpSettings(_ server: StorageSFTPEndToEndTests.Server, directory: String) -> [String: String] {
        ["HERALD_EXTERNAL_EXTRACT_DROP": "sftp",
         "HERALD_EXTERNAL_EXTRACT_SFTP_HOST": server.host, "HERALD_EXTERNAL_EXTRACT_SFTP_PORT": "\(server.port)",
         "HERALD_EXTERNAL_EXTRACT_SFTP_USER": server.user, "HERALD_EXTERNAL_EXTRACT_SFTP_KEY_FILE": server.keyFile,
         "HERALD_EXTERNAL_EXTRACT_SFTP_KNOWN_HOSTS": server.knownHosts, "HERALD_EXTERNAL_EXTRACT_SFTP_DIRECTORY": directory]
    }

    /// Every comm of a refused drop is to be retried, its failure naming `reason` (case-insensitive).
    static func expectRetries(_ outcomes: [TransmissionOutcome], naming reason: String) {
        #expect(!outcomes.isEmpty)
        for outcome in outcomes {
            guard case .failed(let failure) = outcome else {
                Issue.record("a refused drop was \(outcome)")
                continue
            }
            #expect(failure.kind == .retry)
            #expect(failure.text.lowercased().contains(reason.lowercased()), "\(failure.text)")
        }
    }

    @Test("over SFTP: one whole file per batch in the configured folder, no temporary file left")
    func sftp() async throws {
        let server = try StorageSFTPEndToEndTests.Server.fromEnvironment()
        let directory = server.scratch("extract")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let transmitter = try await Self.transmitter(Self.sftpSettings(server, directory: directory))
        let batch = Self.batch()
        let name = try Self.file(of: await transmitter.transmit(batch))
        #expect(name.hasPrefix("PORTAL-") && name.hasSuffix(".ndjson"), "\(name)")
        #expect(StorageSFTPEndToEndTests.files(under: directory) == [name])
        try Self.check(String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8), against: batch)

        // A folder the user may not write: every comm of the batch is retried, naming the refusal.
        let refused = try await Self.transmitter(Self.sftpSettings(server, directory: "\(server.readonlyDirectory)/extract"))
            .transmit(Self.batch())
        Self.expectRetries(refused, naming: "permission")
        #expect(StorageSFTPEndToEndTests.files(under: server.readonlyDirectory).allSatisfy { !$0.hasPrefix("extract/") })
    }

    @Test("on S3: one object per batch under the prefix, read back whole; a missing bucket is a retry")
    func s3() async throws {
        let client = try MotoArchiveEnvironment.client()
        let bucket = try await MotoArchiveEnvironment.bucket(client)
        let settings = [
            "HERALD_EXTERNAL_EXTRACT_DROP": "s3", "HERALD_EXTERNAL_EXTRACT_S3_BUCKET": bucket, "HERALD_EXTERNAL_EXTRACT_FOLDER": "partners/out",
            "HERALD_S3_ENDPOINT": try MotoArchiveEnvironment.endpoint(), "HERALD_S3_PATH_STYLE": "true", "HERALD_S3_REGION": "eu-west-1",
            "HERALD_S3_ACCESS_KEY_ID": "AKIAHERALDMOTO", "HERALD_S3_SECRET_ACCESS_KEY": "moto-secret",
        ]
        let batch = Self.batch()
        let name = try Self.file(of: await Self.transmitter(settings).transmit(batch))
        let object = try await client.getObject(bucket: bucket, key: "partners/out/\(name)")
        try Self.check(String(decoding: object.body, as: UTF8.self), against: batch)

        var missing = settings
        missing["HERALD_EXTERNAL_EXTRACT_S3_BUCKET"] = bucket + "-missing"
        Self.expectRetries(try await Self.transmitter(missing).transmit(Self.batch()), naming: "NoSuchBucket")
    }
}
