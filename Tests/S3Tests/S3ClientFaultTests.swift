import Crypto
import Foundation
import HeraldTestSupport
import S3
import Testing

/// The client against an in-process fake S3: retries (503 SlowDown, 500), no retry on 4xx, a
/// broken multipart part (the upload is aborted), XML errors read into ``S3Error``, and what is
/// sent (signature headers, checksum, encryption, session token, addressing).
@Suite("S3Client against a fault-injecting fake server")
struct S3ClientFaultTests {
    static let credentials = AWSCredentials(accessKeyID: "AKIAFAKE", secretAccessKey: "fake-secret", sessionToken: "fake-session-token")

    static func client(_ server: FakeS3Server, threshold: Int = 1 << 20, partSize: Int = 1 << 20,
                       sse: S3ServerSideEncryption? = nil, attempts: Int = 4) -> S3Client {
        S3Client(configuration: .init(
            endpoint: server.endpoint, region: "eu-west-1", addressing: .pathStyle, credentials: credentials,
            serverSideEncryption: sse, multipartThreshold: threshold, partSize: partSize, concurrentParts: 2,
            retry: .init(maxAttempts: attempts, baseDelay: .milliseconds(2), maxDelay: .milliseconds(20)),
            requestTimeout: .seconds(10)))
    }

    @Test("a PUT carries its signature, checksum, encryption and session token headers")
    func putHeaders() async throws {
        let body = Array("%PDF-1.7 letter".utf8)
        try await FakeS3Server.with(script: { _, _ in .ok }) { server in
            let result = try await Self.client(server, sse: .aes256).putObject(
                bucket: "docs", key: "2018/08/02/17/5002761 a.pdf", body: body, contentType: "application/pdf")
            #expect(result.eTag == "fake-etag")
            #expect(!result.multipart)
            let request = try #require(server.requests.first)
            #expect(request.method == "PUT")
            #expect(request.uri == "/docs/2018/08/02/17/5002761%20a.pdf")
            #expect(request.body == body)
            #expect(request.header("x-amz-checksum-sha256") == Data(SHA256.hash(data: body)).base64EncodedString())
            #expect(request.header("x-amz-content-sha256") == SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined())
            #expect(request.header("x-amz-server-side-encryption") == "AES256")
            #expect(request.header("x-amz-security-token") == "fake-session-token")
            #expect(request.header("content-type") == "application/pdf")
            #expect(request.header("host") == "127.0.0.1:\(server.port)")
            let authorization = try #require(request.header("authorization"))
            #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIAFAKE/"))
            #expect(authorization.contains("/eu-west-1/s3/aws4_request, SignedHeaders=content-type;host;x-amz-checksum-sha256;"
                + "x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-server-side-encryption, Signature="))
        }
    }

    @Test("503 SlowDown and 500 are retried, then the PUT succeeds")
    func retriesTransient() async throws {
        try await FakeS3Server.with(script: { _, index in
            switch index {
            case 0: .error(503, "SlowDown")
            case 1: .error(500, "InternalError")
            case 2: Response(status: 503)
            default: .ok
            }
        }) { server in
            let result = try await Self.client(server).putObject(bucket: "docs", key: "a.eml", body: Array("x".utf8))
            #expect(result.eTag == "fake-etag")
            #expect(server.requests.count == 4)
            // Each attempt is signed afresh and sends the same body.
            #expect(Set(server.requests.map(\.body)).count == 1)
        }
    }

    @Test("retries stop after maxAttempts with the last error")
    func retriesExhausted() async throws {
        try await FakeS3Server.with(script: { _, _ in .error(503, "SlowDown") }) { server in
            let error = await #expect(throws: S3Error.self) {
                try await Self.client(server, attempts: 3).putObject(bucket: "docs", key: "a.eml", body: [1])
            }
            #expect(error?.code == .slowDown)
            #expect(error?.statusCode == 503)
            #expect(error?.isRetryable == true)
            #expect(server.requests.count == 3)
        }
    }

    @Test("403 AccessDenied is not retried and is read into S3Error")
    func forbiddenNotRetried() async throws {
        try await FakeS3Server.with(script: { _, _ in .error(403, "AccessDenied", requestID: "4442587FB7D0A2F9") }) { server in
            let error = await #expect(throws: S3Error.self) {
                try await Self.client(server).putObject(bucket: "docs", key: "a.eml", body: [1, 2, 3])
            }
            #expect(error == S3Error(code: .accessDenied, message: "fake AccessDenied", requestID: "4442587FB7D0A2F9", statusCode: 403))
            #expect(error?.isRetryable == false)
            #expect(server.requests.count == 1)
        }
    }

    @Test("a GET answer over maxResponseBytes is an error and is not fetched again")
    func oversizeBodyNotRetried() async throws {
        try await FakeS3Server.with(script: { _, _ in FakeS3Server.Response(status: 200, body: String(repeating: "x", count: 4096)) }) { server in
            var configuration = Self.client(server).configuration
            configuration.maxResponseBytes = 1024
            let client = S3Client(configuration: configuration)
            let error = await #expect(throws: S3Error.self) { try await client.getObject(bucket: "docs", key: "big.pdf") }
            #expect(error?.code == .invalidResponse)
            #expect(error?.isRetryable == false)
            #expect(server.requests.count == 1)
        }
    }

    @Test("GET of a missing key is NoSuchKey; HEAD (no body) is NotFound; neither retried")
    func notFound() async throws {
        try await FakeS3Server.with(script: { request, _ in
            request.method == "HEAD" ? Response(status: 404) : .error(404, "NoSuchKey")
        }) { server in
            let client = Self.client(server)
            let getError = await #expect(throws: S3Error.self) { try await client.getObject(bucket: "docs", key: "missing") }
            #expect(getError?.code == .noSuchKey)
            let headError = await #expect(throws: S3Error.self) { try await client.headObject(bucket: "docs", key: "missing") }
            #expect(headError?.code == .notFound)
            #expect(headError?.statusCode == 404)
            #expect(headError?.requestID == "REQ-HEADER-2")
            #expect(server.requests.count == 2)
        }
    }

    @Test("a part that fails for good aborts the multipart upload")
    func brokenPartAborts() async throws {
        try await FakeS3Server.with(script: { request, _ in
            if request.method == "POST", request.query == "uploads=" {
                return Response(status: 200, body: "<InitiateMultipartUploadResult><Bucket>docs</Bucket><Key>big.pdf</Key>"
                    + "<UploadId>UPLOAD-1</UploadId></InitiateMultipartUploadResult>")
            }
            if request.method == "PUT", request.query.hasPrefix("partNumber=2&") {
                return .error(400, "BadDigest")
            }
            if request.method == "DELETE" { return Response(status: 204) }
            return .ok
        }) { server in
            let body = [UInt8](repeating: 7, count: 3000)
            let error = await #expect(throws: S3Error.self) {
                try await Self.client(server, threshold: 1000, partSize: 1000).putObject(bucket: "docs", key: "big.pdf", body: body)
            }
            #expect(error?.code == .badDigest)
            let requests = server.requests
            #expect(requests.filter { $0.method == "PUT" && $0.query.hasPrefix("partNumber=2&") }.count == 1)
            #expect(requests.contains { $0.method == "DELETE" && $0.query == "uploadId=UPLOAD-1" })
            #expect(!requests.contains { $0.method == "POST" && $0.query == "uploadId=UPLOAD-1" })
        }
    }

    @Test("a multipart upload sends every part with its checksum, then completes in order")
    func multipartCompletes() async throws {
        try await FakeS3Server.with(script: { request, _ in
            if request.method == "POST", request.query == "uploads=" {
                return Response(status: 200, body: "<InitiateMultipartUploadResult><UploadId>U2</UploadId></InitiateMultipartUploadResult>")
            }
            if request.method == "PUT" {
                let number = request.query.split(separator: "&")[0].dropFirst("partNumber=".count)
                return Response(status: 200, headers: [("ETag", "\"etag-\(number)\"")])
            }
            return Response(status: 200, body: "<CompleteMultipartUploadResult><ETag>\"final-3\"</ETag></CompleteMultipartUploadResult>")
        }) { server in
            let body = (0..<2500).map { UInt8($0 % 251) }
            let result = try await Self.client(server, threshold: 1000, partSize: 1000).putObject(bucket: "docs", key: "big.pdf", body: body)
            #expect(result.eTag == "final-3")
            #expect(result.multipart)
            let parts = server.requests.filter { $0.method == "PUT" }.sorted { $0.query < $1.query }
            #expect(parts.map(\.body) == [Array(body[0..<1000]), Array(body[1000..<2000]), Array(body[2000...])])
            for part in parts {
                #expect(part.header("x-amz-checksum-sha256") == Data(SHA256.hash(data: part.body)).base64EncodedString())
            }
            let create = try #require(server.requests.first)
            #expect(create.header("x-amz-checksum-algorithm") == "SHA256")
            let complete = try #require(server.requests.last)
            #expect(complete.query == "uploadId=U2")
            let xml = String(decoding: complete.body, as: UTF8.self)
            #expect(xml.contains("<Part><PartNumber>1</PartNumber><ETag>\"etag-1\"</ETag>"))
            #expect(xml.range(of: "<PartNumber>1<")!.lowerBound < xml.range(of: "<PartNumber>3<")!.lowerBound)
        }
    }

    @Test("an <Error> in a 200 answer to CompleteMultipartUpload is an error")
    func completeErrorIn200() async throws {
        try await FakeS3Server.with(script: { request, _ in
            if request.method == "POST", request.query == "uploads=" {
                return Response(status: 200, body: "<InitiateMultipartUploadResult><UploadId>U3</UploadId></InitiateMultipartUploadResult>")
            }
            if request.method == "POST" { return .error(200, "InvalidPart") }
            return .ok
        }) { server in
            let error = await #expect(throws: S3Error.self) {
                try await Self.client(server, threshold: 10, partSize: 10).putObject(bucket: "docs", key: "k", body: [UInt8](repeating: 1, count: 25))
            }
            #expect(error?.code == .init(rawValue: "InvalidPart"))
            #expect(server.requests.last?.method == "DELETE")
        }
    }

    @Test("a refused connection is ConnectionFailed and retried")
    func connectionRefused() async throws {
        let server = FakeS3Server(script: { _, _ in .ok })
        try await server.start()
        let endpoint = server.endpoint
        try await server.stop()
        let client = S3Client(configuration: .init(
            endpoint: endpoint, addressing: .pathStyle, credentials: Self.credentials,
            retry: .init(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2)),
            // AsyncHTTPClient keeps trying to connect until the request's deadline.
            requestTimeout: .seconds(1)))
        let error = await #expect(throws: S3Error.self) { try await client.deleteObject(bucket: "b", key: "k") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.isRetryable == true)
    }

    @Test("ListObjectsV2 pages are read and followed by continuation token")
    func listing() async throws {
        try await FakeS3Server.with(script: { request, _ in
            if request.query.contains("continuation-token=") {
                return Response(status: 200, body: """
                    <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>false</IsTruncated>
                    <Contents><Key>p/c &amp; d.pdf</Key><Size>3</Size><ETag>"e3"</ETag></Contents></ListBucketResult>
                    """)
            }
            return Response(status: 200, body: """
                <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>true</IsTruncated>
                <NextContinuationToken>tok/+=1</NextContinuationToken>
                <Contents><Key>p/a.pdf</Key><Size>1</Size><ETag>"e1"</ETag><LastModified>2026-12-07T05:30:00.000Z</LastModified></Contents>
                <Contents><Key>p/b.pdf</Key><Size>2</Size></Contents></ListBucketResult>
                """)
        }) { server in
            let all = try await Self.client(server).listAllObjects(bucket: "docs", prefix: "p/", pageSize: 2)
            #expect(all.map(\.key) == ["p/a.pdf", "p/b.pdf", "p/c & d.pdf"])
            #expect(all.map(\.size) == [1, 2, 3])
            #expect(all[0].eTag == "e1")
            #expect(server.requests.map(\.query) == [
                "list-type=2&max-keys=2&prefix=p%2F",
                "continuation-token=tok%2F%2B%3D1&list-type=2&max-keys=2&prefix=p%2F",
            ])
        }
    }

    @Test("virtual-hosted and path-style addressing, custom endpoints and the AWS default")
    func addressing() throws {
        var configuration = S3Client.Configuration(region: "eu-central-1", credentials: Self.credentials)
        let aws = try configuration.location(bucket: "docs", key: "a b/c.pdf")
        #expect(aws.url == "https://docs.s3.eu-central-1.amazonaws.com/a%20b/c.pdf")
        #expect(aws.host == "docs.s3.eu-central-1.amazonaws.com")
        #expect(aws.path == "/a%20b/c.pdf")
        #expect(try configuration.location(bucket: "docs").path == "/")
        configuration.endpoint = "http://127.0.0.1:9000/base/"
        configuration.addressing = .pathStyle
        let custom = try configuration.location(bucket: "docs", key: "x+y")
        #expect(custom.url == "http://127.0.0.1:9000/base/docs/x%2By")
        #expect(custom.host == "127.0.0.1:9000")
        #expect(try configuration.location(bucket: "docs").path == "/base/docs")
    }

    @Test("the client's presigned URL is the S3 documentation's example URL")
    func presignedURL() throws {
        let client = S3Client(configuration: .init(
            region: "us-east-1",
            credentials: AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")))
        let url = try client.presignedURL(bucket: "examplebucket", key: "test.txt", expires: 86400,
                                          at: Date(timeIntervalSince1970: 1_369_353_600))
        // The documented host is the global examplebucket.s3.amazonaws.com; ours is the regional one.
        let global = S3Client(configuration: .init(
            endpoint: "https://s3.amazonaws.com", region: "us-east-1",
            credentials: AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")))
        #expect(try global.presignedURL(bucket: "examplebucket", key: "test.txt", expires: 86400,
                                        at: Date(timeIntervalSince1970: 1_369_353_600))
            == "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(url.hasPrefix("https://examplebucket.s3.us-east-1.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
    }

    @Test("backoff delays grow, stay under the cap, and are jittered")
    func backoff() {
        let policy = S3Client.Configuration.RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(policy.delay(beforeRetry: 1, random: 1) == .milliseconds(100))
        #expect(policy.delay(beforeRetry: 3, random: 1) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 10, random: 1) == .seconds(1))
        #expect(policy.delay(beforeRetry: 3, random: 0.5) == .milliseconds(200))
        #expect(policy.delay(beforeRetry: 2, random: 0) == .zero)
    }

    @Test("credentials come from HERALD_S3_* first, then AWS_*")
    func credentialsFromEnvironment() {
        #expect(AWSCredentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "B", "AWS_SESSION_TOKEN": "T"])
            == AWSCredentials(accessKeyID: "A", secretAccessKey: "B", sessionToken: "T"))
        #expect(AWSCredentials.fromEnvironment([
            "HERALD_S3_ACCESS_KEY_ID": "H", "HERALD_S3_SECRET_ACCESS_KEY": "S", "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "B",
        ]) == AWSCredentials(accessKeyID: "H", secretAccessKey: "S"))
        #expect(AWSCredentials.fromEnvironment(["HERALD_S3_ACCESS_KEY_ID": "H"]) == nil)
        #expect(!"\(AWSCredentials(accessKeyID: "A", secretAccessKey: "very-secret"))".contains("very-secret"))
    }
}

typealias Response = FakeS3Server.Response
