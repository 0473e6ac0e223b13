import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import S3
import Testing

/// The moto S3 server scripts/servers/s3.sh starts (HERALD_TEST_S3_ENDPOINT, path-style).
/// moto does not check signatures: these tests prove the protocol, S3Tests prove the signer.
struct MotoEnvironment {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "HERALD_TEST_S3_ENDPOINT is not set: run these tests with `bash scripts/test.sh --filter S3IntegrationTests`, which starts moto (scripts/servers/s3.sh)"
        }
    }

    static func client(sse: S3ServerSideEncryption? = nil, threshold: Int = 16 << 20, partSize: Int = 8 << 20,
                       sessionToken: String? = nil) throws -> S3Client {
        guard let endpoint = ProcessInfo.processInfo.environment["HERALD_TEST_S3_ENDPOINT"], !endpoint.isEmpty else {
            throw Missing()
        }
        return S3Client(configuration: .init(
            endpoint: endpoint, region: "eu-west-1", addressing: .pathStyle,
            credentials: AWSCredentials(accessKeyID: "AKIAHERALDMOTO", secretAccessKey: "moto-secret", sessionToken: sessionToken),
            serverSideEncryption: sse, multipartThreshold: threshold, partSize: partSize,
            retry: .init(maxAttempts: 2, baseDelay: .milliseconds(10)), requestTimeout: .seconds(30)))
    }

    /// A new bucket with a unique name.
    static func bucket(_ client: S3Client) async throws -> String {
        let name = "herald-test-" + UUID().uuidString.lowercased().prefix(18)
        try await client.createBucket(name)
        return name
    }
}

@Suite("S3Client against moto's S3 server")
struct MotoIntegrationTests {
    @Test("put, get, head and delete an object; then it is gone")
    func roundTrip() async throws {
        let client = try MotoEnvironment.client(sessionToken: "moto-session-token")
        let bucket = try await MotoEnvironment.bucket(client)
        let key = "permanentstorage/2018/08/02/17/5002761 ü+$&=.pdf"
        let body = Array("%PDF-1.7\nletter 5002761\n%%EOF\n".utf8)
        let put = try await client.putObject(bucket: bucket, key: key, body: body, contentType: "application/pdf",
                                             metadata: ["comms-request-id": "5002761"])
        #expect(!put.eTag.isEmpty)
        #expect(!put.multipart)

        let object = try await client.getObject(bucket: bucket, key: key)
        #expect(object.body == body)
        #expect(object.metadata.contentType == "application/pdf")
        #expect(object.metadata.metadata["comms-request-id"] == "5002761")

        let head = try await client.headObject(bucket: bucket, key: key)
        #expect(head.contentLength == body.count)
        #expect(head.eTag == put.eTag)
        #expect(head.checksumSHA256 == nil || head.checksumSHA256 == Data(SHA256.hash(data: body)).base64EncodedString())

        let part = try await client.getObject(bucket: bucket, key: key, range: "bytes=0-7")
        #expect(part.body == Array("%PDF-1.7".utf8))

        let presigned = try client.presignedURL(bucket: bucket, key: key, expires: 300)
        let fetched = try await HTTPClient.shared.execute(HTTPClientRequest(url: presigned), timeout: .seconds(10))
        #expect(fetched.status.code == 200)
        #expect(Array(buffer: try await fetched.body.collect(upTo: 1 << 20)) == body)

        let listed = try await client.listAllObjects(bucket: bucket)
        #expect(listed.map(\.key) == [key])
        #expect(listed.first?.size == body.count)

        try await client.deleteObject(bucket: bucket, key: key)
        let headError = await #expect(throws: S3Error.self) { try await client.headObject(bucket: bucket, key: key) }
        #expect(headError?.statusCode == 404)
        let getError = await #expect(throws: S3Error.self) { try await client.getObject(bucket: bucket, key: key) }
        #expect(getError?.code == .noSuchKey)
        #expect(getError?.statusCode == 404)
        #expect(getError?.requestID?.isEmpty == false)
    }

    @Test("a missing bucket is NoSuchBucket, read from moto's XML")
    func noSuchBucket() async throws {
        let client = try MotoEnvironment.client()
        let error = await #expect(throws: S3Error.self) {
            try await client.putObject(bucket: "herald-no-such-bucket-\(UUID().uuidString.lowercased().prefix(8))", key: "k", body: [1])
        }
        #expect(error?.code == .noSuchBucket)
        #expect(error?.statusCode == 404)
        #expect(error?.message.isEmpty == false)
        #expect(error?.isRetryable == false)
    }

    @Test("listing follows continuation tokens and filters by prefix")
    func listing() async throws {
        let client = try MotoEnvironment.client()
        let bucket = try await MotoEnvironment.bucket(client)
        let keys = (1...7).map { "2026/12/07/05/\($0).eml" } + ["other/x.pdf"]
        for key in keys { try await client.putObject(bucket: bucket, key: key, body: Array(key.utf8)) }
        let first = try await client.listObjectsV2(bucket: bucket, prefix: "2026/", maxKeys: 3)
        #expect(first.objects.count == 3)
        #expect(first.isTruncated)
        #expect(first.nextContinuationToken != nil)
        let all = try await client.listAllObjects(bucket: bucket, prefix: "2026/", pageSize: 3)
        #expect(all.map(\.key) == keys.dropLast().sorted())
        let folders = try await client.listObjectsV2(bucket: bucket, delimiter: "/")
        #expect(folders.commonPrefixes == ["2026/", "other/"])
    }

    @Test("an object above the threshold goes up in parts and reads back whole")
    func multipart() async throws {
        let client = try MotoEnvironment.client(threshold: 5 << 20, partSize: 5 << 20)
        let bucket = try await MotoEnvironment.bucket(client)
        let body = (0..<(11 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let put = try await client.putObject(bucket: bucket, key: "big/letters.pdf", body: body, contentType: "application/pdf")
        #expect(put.multipart)
        #expect(put.eTag.hasSuffix("-3"))
        let object = try await client.getObject(bucket: bucket, key: "big/letters.pdf")
        #expect(object.body.count == body.count)
        #expect(object.body == body)
    }

    /// (moto answers a part sent to an aborted upload with a 500 of its own, a KeyError; a second
    /// abort gets the proper NoSuchUpload.)
    @Test("an aborted upload is gone (NoSuchUpload) and left no object")
    func abort() async throws {
        let client = try MotoEnvironment.client()
        let bucket = try await MotoEnvironment.bucket(client)
        let uploadID = try await client.createMultipartUpload(bucket: bucket, key: "aborted.pdf")
        _ = try await client.uploadPart(bucket: bucket, key: "aborted.pdf", uploadID: uploadID, number: 1, body: [1, 2, 3][...])
        try await client.abortMultipartUpload(bucket: bucket, key: "aborted.pdf", uploadID: uploadID)
        let error = await #expect(throws: S3Error.self) {
            try await client.abortMultipartUpload(bucket: bucket, key: "aborted.pdf", uploadID: uploadID)
        }
        #expect(error?.code == .noSuchUpload)
        #expect(error?.statusCode == 404)
        let missing = await #expect(throws: S3Error.self) { try await client.headObject(bucket: bucket, key: "aborted.pdf") }
        #expect(missing?.statusCode == 404)
    }

    @Test("server-side encryption is asked for and reported")
    func serverSideEncryption() async throws {
        let client = try MotoEnvironment.client(sse: .aes256)
        let bucket = try await MotoEnvironment.bucket(client)
        try await client.putObject(bucket: bucket, key: "sse.eml", body: Array("From: a@b\r\n\r\nhi\r\n".utf8), contentType: "message/rfc822")
        let head = try await client.headObject(bucket: bucket, key: "sse.eml")
        #expect(head.serverSideEncryption == "AES256")
    }
}
