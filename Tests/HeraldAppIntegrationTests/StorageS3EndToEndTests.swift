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
import S3
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The storage step end to end with `HERALD_STORAGE_BACKEND=s3` against the moto server
/// `scripts/test.sh` starts (HERALD_TEST_S3_ENDPOINT, path style): every letter and email one
/// object under `herald/YYYY/MM/dd/HH/`, equal to the sent document, its hash recorded, an
/// object overwritten by hand found by the verifier, the route serving from S3 after the purge.
@Suite("Document storage end to end, S3 backend on moto")
struct StorageS3EndToEndTests {
    static let source = HTTPField.Name("X-Herald-Document-Source")!

    @Test("a letter and an email stored as S3 objects, verified, and served from S3 after the purge")
    func lettersAndEmailsInS3() async throws {
        let client = try MotoArchiveEnvironment.client()
        let bucket = try await MotoArchiveEnvironment.bucket(client)
        let clock = TestClock(base: StorageScenario.mergeTime)
        let runtime = try await StorageScenario.makeRuntime("storage-s3", environment: [
            "HERALD_STORAGE_BACKEND": "s3", "HERALD_S3_ENDPOINT": try MotoArchiveEnvironment.endpoint(), "HERALD_S3_BUCKET": bucket,
            "HERALD_S3_PATH_STYLE": "true", "HERALD_S3_REGION": "eu-west-1",
            "HERALD_S3_ACCESS_KEY_ID": "AKIAHERALDMOTO", "HERALD_S3_SECRET_ACCESS_KEY": "moto-secret",
        ], clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        #expect(runtime.archive.backend == "s3")
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
                #expect(stored["status"] as? String == "stored")
                #expect(stored["backend"] as? String == "s3")
                #expect(stored["location"] as? String == "s3://\(bucket)/\(key)")
                #expect(stored["sha256"] as? String == DocumentChain.sha256(local))
                #expect(stored["size"] as? Int == local.count)
                #expect(stored["keyId"] is NSNull)
                #expect(try await client.getObject(bucket: bucket, key: key).body == local, "the object is the sent document")
            }
            let listed = try await client.listAllObjects(bucket: bucket, prefix: "herald/")
            #expect(listed.map(\.key).sorted() == ["\(StorageScenario.folder)/\(email).eml", "\(StorageScenario.folder)/\(letter).pdf"].sorted())

            let verifier = DocumentVerifier(store: runtime.store, archive: runtime.archive)
            let clean = try await verifier.verify()
            #expect(clean.isClean && clean.objectsChecked == 2, "\(clean.findings)")
            // The letter's object overwritten by hand: found, and never served.
            try await client.putObject(bucket: bucket, key: "\(StorageScenario.folder)/\(letter).pdf", body: Array("%PDF-1.7 forged".utf8))
            let report = try await verifier.verify()
            #expect(report.findings.map { "\($0.kind.rawValue) \($0.requestId)" } == ["altered \(letter)"], "\(report.findings)")

            let retention = LocalDocumentRetention(store: runtime.store, documents: runtime.documents, retention: .seconds(86_400),
                                                   clock: { clock.now.addingTimeInterval(3 * 86_400) }, logger: Logger(label: "test"))
            #expect(try await retention.purgeOnce() >= 2)
            var r = try await api.call(.get, "/v1/comms-requests/\(email)/document")
            #expect(r.status == .ok)
            #expect(r.headers[Self.source] == "s3")
            #expect(r.headers[.contentType] == "message/rfc822")
            #expect(r.headers[.eTag] == "\"\(DocumentChain.sha256(plain[email]!))\"")
            #expect(Array(r.body.readableBytesView) == plain[email])
            r = try await api.call(.get, "/v1/comms-requests/\(letter)/document")
            #expect(r.status == .internalServerError, "an altered object is refused: \(r.text)")
        }
    }
}

/// The real `herald serve` process with the filesystem backend: a letter triggered over HTTP is
/// stored, and its document route answers with the bytes that were sent.
@Suite("Document storage through herald serve")
struct DocumentStorageServeTests {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/herald")

    func run(_ args: [String], environment: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func call(_ method: String, _ url: String, json: String? = nil) async throws -> (status: Int, body: Data, headers: [AnyHashable: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("Bearer k", forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, data, http?.allHeaderFields ?? [:])
    }

    @Test("a letter posted to herald serve is stored on the filesystem and served back as sent")
    func letterThroughServe() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the herald product first (swift build)")
        let dir = temporaryDirectory("storage-serve")
        defer { try? FileManager.default.removeItem(at: dir) }
        let demo = try run(["demo", "--data-dir", dir.path])
        demo.waitUntilExit()
        #expect(demo.terminationStatus == 0)

        let port = Int.random(in: 20000..<40000)
        let serve = try run(["serve", "--data-dir", dir.path, "--port", "\(port)"],
                            environment: ["HERALD_ADMIN_API_KEY": "k", "HERALD_STORAGE_BACKEND": "fs"])
        defer { if serve.isRunning { serve.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        var healthy = false
        for _ in 0..<100 where !healthy {
            try await Task.sleep(for: .milliseconds(100))
            healthy = (try? await call("GET", "\(base)/healthz"))?.status == 200
        }
        try #require(healthy)

        let posted = try await call("POST", "\(base)/v1/comms-requests",
                                    json: #"{"commsCode": "PAYMENT_REMINDER", "accountId": "A-2001", "deliveryMethod": "letter"}"#)
        #expect(posted.status == 201, "\(String(decoding: posted.body, as: UTF8.self))")
        let id = try #require((try JSONSerialization.jsonObject(with: posted.body) as? [String: Any])?["id"] as? String)

        var detail: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let r = try await call("GET", "\(base)/v1/comms-requests/\(id)")
            detail = (try? JSONSerialization.jsonObject(with: r.body) as? [String: Any]) ?? [:]
            let stored = detail["storedDocument"] as? [String: Any]
            let sent = (detail["distribution"] as? [String: Any])?["distributionStatus"] as? String == "sent"
            if stored?["status"] as? String == "stored" && sent { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let stored = try #require(detail["storedDocument"] as? [String: Any], "\(detail)")
        #expect(stored["status"] as? String == "stored", "\(detail)")
        #expect(stored["backend"] as? String == "fs")
        let location = try #require(stored["location"] as? String)
        let hour = #/^fs:storage/herald/\d{4}/\d{2}/\d{2}/\d{2}/(.+)\.pdf$/#
        #expect(try hour.wholeMatch(in: location)?.1 == Substring(id), "\(location)")

        let reference = try #require((detail["distribution"] as? [String: Any])?["reference"] as? String)
        #expect(reference.hasPrefix("outbox:letter/"))
        let sent = try Data(contentsOf: dir.appendingPathComponent("outbox").appendingPathComponent(String(reference.dropFirst(7))))
        #expect(stored["sha256"] as? String == DocumentChain.sha256(sent))
        let storedFile = try Data(contentsOf: dir.appendingPathComponent(String(location.dropFirst(3))))
        #expect(storedFile == sent)

        let document = try await call("GET", "\(base)/v1/comms-requests/\(id)/document")
        #expect(document.status == 200)
        #expect(document.body == sent)
        #expect(document.headers.first { ($0.key as? String)?.lowercased() == "content-type" }?.value as? String == "application/pdf")

        serve.terminate()
        let stop = Date().addingTimeInterval(10)
        while serve.isRunning && Date() < stop { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!serve.isRunning)
    }
}
