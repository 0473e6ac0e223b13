import Foundation
import HeraldCore
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
    static func archive(_ server: ArchiveFakeS3, bucket: String = "docs", attempts: Int = 2,
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
        try await ArchiveFakeS3.with(script: { _, _ in .ok }) { server in
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
        try await ArchiveFakeS3.with(script: { _, _ in .error(503, "SlowDown") }) { server in
            let failure = await Self.failure { _ = try await Self.archive(server, attempts: 3).put([1, 2], key: "a.pdf") }
            #expect(failure?.kind == .transient)
            #expect(failure?.message.contains("SlowDown") == true)
            #expect(server.requests.count == 3)
        }
    }

    @Test("500 InternalError on a read is transient")
    func internalErrorIsTransient() async throws {
        try await ArchiveFakeS3.with(script: { _, _ in .error(500, "InternalError") }) { server in
            let failure = await Self.failure { _ = try await Self.archive(server).get(location: "s3://docs/a.pdf") }
            #expect(failure?.kind == .transient)
        }
    }

    @Test("403 and refusals are permanent, not retried",
          arguments: [(403, "AccessDenied"), (403, "InvalidAccessKeyId"), (403, "SignatureDoesNotMatch"), (404, "NoSuchBucket"), (400, "InvalidRequest")])
    func refusalsArePermanent(status: Int, code: String) async throws {
        try await ArchiveFakeS3.with(script: { _, _ in .error(status, code) }) { server in
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
        try await ArchiveFakeS3.with(script: { _, index in index == 0 ? .error(404, "NoSuchKey") : .init(status: 404) }) { server in
            for _ in 0..<2 {
                let failure = await Self.failure { _ = try await Self.archive(server).get(location: "s3://docs/none.pdf") }
                #expect(failure?.kind == .notFound)
            }
        }
    }

    @Test("an endpoint that does not answer is transient")
    func connectionRefusedIsTransient() async throws {
        // A port bound then closed: nothing listens there.
        let server = ArchiveFakeS3(script: { _, _ in .ok })
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

/// A minimal fault-injecting S3 on a loopback port (after Tests/S3Tests/FakeS3Server.swift,
/// which another test target cannot import): every request recorded, a script answers each.
final class ArchiveFakeS3: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: String = ""

        static func error(_ status: Int, _ code: String) -> Response {
            Response(status: status, headers: [("Content-Type", "application/xml")], body: """
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>\(code)</Code><Message>fake \(code)</Message><RequestId>REQ-FAKE</RequestId></Error>
                """)
        }
        static let ok = Response(status: 200, headers: [("ETag", "\"fake-etag\"")])
    }

    typealias Script = @Sendable (_ request: Request, _ index: Int) -> Response

    private let recorded = Mutex<[Request]>([])
    private let script: Script
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: Mutex<(any Channel)?> = Mutex(nil)
    private let boundPort = Mutex(0)

    var requests: [Request] { recorded.withLock { $0 } }
    var endpoint: String { "http://127.0.0.1:\(boundPort.withLock { $0 })" }

    init(script: @escaping Script) { self.script = script }

    func start() async throws {
        let bound = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap { channel.pipeline.addHandler(Handler(server: self)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = bound }
        boundPort.withLock { $0 = bound.localAddress?.port ?? 0 }
    }

    func stop() async throws {
        try? await channel.withLock { $0 }?.close()
        try await group.shutdownGracefully()
    }

    /// Runs `body` with a started server, stopping it afterwards.
    static func with<T>(script: @escaping Script, _ body: (ArchiveFakeS3) async throws -> T) async throws -> T {
        let server = ArchiveFakeS3(script: script)
        try await server.start()
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    fileprivate func answer(_ request: Request) -> Response {
        let index = recorded.withLock { requests in
            requests.append(request)
            return requests.count - 1
        }
        return script(request, index)
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: ArchiveFakeS3
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(server: ArchiveFakeS3) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let response = server.answer(Request(method: head.method.rawValue, uri: head.uri,
                                                     headers: head.headers.map { ($0.name, $0.value) }, body: body))
                var headers = HTTPHeaders(response.headers)
                let bytes = Array(response.body.utf8)
                headers.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version,
                    status: HTTPResponseStatus(statusCode: response.status), headers: headers))), promise: nil)
                if head.method != .HEAD {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}
