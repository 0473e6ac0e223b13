import Foundation
import HeraldCore
import HeraldTestSupport
@testable import HeraldTransports
import NIOCore
import NIOHTTP1
import NIOPosix
import S3
import Synchronization
import Testing

/// The S3 backend against an in-process fake S3 (failures moto cannot make): what the client
/// still fails with after its retries, read as transient, permanent or not found; the settings
/// helper; locations of another bucket.
@Suite("S3Archive against a fault-injecting fake S3")
struct S3ArchiveFaultTests {
    static func archive(_ server: FakeS3Server, bucket: String = "docs", attempts: Int = 2,
                        timeout: Duration = .seconds(10)) -> S3Archive {
        S3Archive(client: S3Client(configuration: .init(
            endpoint: server.endpoint, region: "eu-west-1", addressing: .pathStyle,
            credentials: AWSCredentials(accessKeyID: "AKIAFAKE", secretAccessKey: "fake-secret"),
            retry: .init(maxAttempts: attempts, baseDelay: .milliseconds(2), maxDelay: .milliseconds(10)),
            requestTimeout: timeout)), bucket: bucket)
    }

    static func failure(_ body: () async throws -> Void) async -> ArchiveFailure? {
        await #expect(throws: ArchiveFailure.self) { try await body() }
    }

    @Test("a PUT: path, checksum, content type; the location is s3://bucket/key")
    func put() async throws {
        let body = Array("%PDF-1.7 letter".utf8)
        try await FakeS3Server.with(script: { _, _ in .ok }) { server in
            let object = try await Self.archive(server).put(body, key: "herald/2026/12/07/08/5002761.pdf")
            #expect(object == ArchivedObject(location: "s3://docs/herald/2026/12/07/08/5002761.pdf", keyId: nil, storedSize: body.count))
            let request = try #require(server.requests.first)
            #expect(request.method == "PUT")
            #expect(request.uri == "/docs/herald/2026/12/07/08/5002761.pdf")
            #expect(request.body == body)
            #expect(request.header("x-amz-checksum-sha256") != nil)
            #expect(request.header("content-type") == "application/pdf")
        }
    }

    @Test("503 SlowDown, after the client's retries, is transient")
    func slowDownIsTransient() async throws {
        try await FakeS3Server.with(script: { _, _ in .error(503, "SlowDown") }) { server in
            let failure = await Self.failure { _ = try await Self.archive(server, attempts: 3).put([1, 2], key: "a.pdf") }
            #expect(failure?.kind == .transient)
            #expect(failure?.message.contains("SlowDown") == true)
            #expect(server.requests.count == 3)
        }
    }

    @Test("500 InternalError on a read is transient")
    func internalErrorIsTransient() async throws {
        try await FakeS3Server.with(script: { _, _ in .error(500, "InternalError") }) { server in
            let failure = await Self.failure { _ = try await Self.archive(server).get(location: "s3://docs/a.pdf") }
            #expect(failure?.kind == .transient)
        }
    }

    @Test("403 and refusals are permanent, not retried",
          arguments: [(403, "AccessDenied"), (403, "InvalidAccessKeyId"), (403, "SignatureDoesNotMatch"), (404, "NoSuchBucket"), (400, "InvalidRequest")])
    func refusalsArePermanent(status: Int, code: String) async throws {
        try await FakeS3Server.with(script: { _, _ in .error(status, code) }) { server in
            let failure = await Self.failure { _ = try await Self.archive(server, attempts: 4).put([1], key: "a.eml") }
            #expect(failure?.kind == .permanent)
            #expect(failure?.message.contains(code) == true)
            #expect(server.requests.count == 1)
            // On a read as well (NoSuchBucket is not a missing object).
            let read = await Self.failure { _ = try await Self.archive(server).get(location: "s3://docs/a.eml") }
            #expect(read?.kind == .permanent)
        }
    }

    @Test("NoSuchKey, or a bare 404, on a read is notFound")
    func missingIsNotFound() async throws {
        try await FakeS3Server.with(script: { _, index in index == 0 ? .error(404, "NoSuchKey") : .init(status: 404) }) { server in
            for _ in 0..<2 {
                let failure = await Self.failure { _ = try await Self.archive(server).get(location: "s3://docs/none.pdf") }
                #expect(failure?.kind == .notFound)
            }
        }
    }

    @Test("an endpoint that does not answer is transient")
    func connectionRefusedIsTransient() async throws {
        // A port bound then closed: nothing listens there.
        let server = FakeS3Server(script: { _, _ in .ok })
        try await server.start()
        let archive = Self.archive(server, attempts: 1, timeout: .seconds(2))
        try await server.stop()
        let failure = await Self.failure { _ = try await archive.put([1], key: "a.pdf") }
        #expect(failure?.kind == .transient)
    }

    @Test("a location of another bucket, or not s3://, is refused clearly")
    func otherBucketRefused() throws {
        let archive = try S3Archive.make(endpoint: "http://127.0.0.1:1", region: "eu-west-1", bucket: "docs", pathStyle: true,
                                         environment: ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S"])
        #expect(try archive.key(of: "s3://docs/herald/a.pdf") == "herald/a.pdf")
        let other = #expect(throws: ArchiveFailure.self) { try archive.key(of: "s3://archive/herald/a.pdf") }
        #expect(other?.kind == .permanent)
        #expect(other?.message == "s3://archive/herald/a.pdf is in bucket archive, but the S3 storage backend reads bucket docs")
        for location in ["fs:storage/a.pdf", "s3://docs", "s3://docs/"] {
            #expect(throws: ArchiveFailure.self) { try archive.key(of: location) }
        }
    }

    @Test("settings: HERALD_S3_* credentials before AWS_*, addressing, region, encryption; missing ones named")
    func fromSettings() throws {
        let archive = try S3Archive.make(
            endpoint: "http://127.0.0.1:9000", region: "eu-west-2", bucket: "docs", pathStyle: true,
            serverSideEncryption: try S3Archive.serverSideEncryption(setting: "aws:kms:key-1"),
            environment: ["HERALD_S3_ACCESS_KEY_ID": "HID", "HERALD_S3_SECRET_ACCESS_KEY": "HSECRET", "HERALD_S3_SESSION_TOKEN": "TOKEN",
                          "AWS_ACCESS_KEY_ID": "AID", "AWS_SECRET_ACCESS_KEY": "ASECRET"])
        let configuration = archive.client.configuration
        #expect(configuration.credentials == AWSCredentials(accessKeyID: "HID", secretAccessKey: "HSECRET", sessionToken: "TOKEN"))
        #expect(configuration.addressing == .pathStyle)
        #expect(configuration.region == "eu-west-2")
        #expect(configuration.endpoint == "http://127.0.0.1:9000")
        #expect(configuration.serverSideEncryption == .kms(keyID: "key-1"))
        #expect(archive.backend == "s3" && archive.bucket == "docs")

        let aws = try S3Archive.make(endpoint: nil, region: "", bucket: "docs", pathStyle: false,
                                     environment: ["AWS_ACCESS_KEY_ID": "AID", "AWS_SECRET_ACCESS_KEY": "ASECRET"])
        #expect(aws.client.configuration.credentials.accessKeyID == "AID")
        #expect(aws.client.configuration.addressing == .virtualHosted)
        #expect(aws.client.configuration.region == "us-east-1")
        #expect(aws.client.configuration.endpoint == nil)

        let noCredentials = #expect(throws: ArchiveFailure.self) {
            try S3Archive.make(endpoint: nil, region: "eu-west-1", bucket: "docs", pathStyle: false, environment: [:])
        }
        #expect(noCredentials?.kind == .permanent)
        #expect(noCredentials?.message.contains("HERALD_S3_ACCESS_KEY_ID") == true)
        #expect(throws: ArchiveFailure.self) {
            try S3Archive.make(endpoint: nil, region: "eu-west-1", bucket: "", pathStyle: false,
                               environment: ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S"])
        }
        #expect(throws: ArchiveFailure.self) {
            try S3Archive.make(endpoint: "not a url", region: "eu-west-1", bucket: "docs", pathStyle: true,
                               environment: ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S"])
        }
        #expect(try S3Archive.serverSideEncryption(setting: "") == nil)
        #expect(try S3Archive.serverSideEncryption(setting: "AES256") == .aes256)
        #expect(try S3Archive.serverSideEncryption(setting: "aws:kms") == .kms(keyID: nil))
        #expect(throws: ArchiveFailure.self) { try S3Archive.serverSideEncryption(setting: "aes256") }
    }
}
