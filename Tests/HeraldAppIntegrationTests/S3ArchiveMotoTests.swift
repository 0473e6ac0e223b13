import Foundation
import HeraldCore
import HeraldTransports
import S3
import Testing

/// The S3 storage backend against the moto server `scripts/test.sh` starts
/// (scripts/servers/s3.sh, HERALD_TEST_S3_ENDPOINT, path-style).
struct MotoArchiveEnvironment {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "HERALD_TEST_S3_ENDPOINT is not set: run these tests with `bash scripts/test.sh --filter S3ArchiveMoto`, "
                + "which starts moto's S3 server (scripts/servers/s3.sh)"
        }
    }

    static func endpoint() throws -> String {
        guard let endpoint = ProcessInfo.processInfo.environment["HERALD_TEST_S3_ENDPOINT"], !endpoint.isEmpty else { throw Missing() }
        return endpoint
    }

    static let environment = ["HERALD_S3_ACCESS_KEY_ID": "AKIAHERALDMOTO", "HERALD_S3_SECRET_ACCESS_KEY": "moto-secret"]

    /// A client on moto; multipart from `threshold` bytes in parts of `partSize`.
    static func client(threshold: Int = 16 << 20, partSize: Int = 8 << 20) throws -> S3Client {
        S3Client(configuration: .init(
            endpoint: try endpoint(), region: "eu-west-1", addressing: .pathStyle,
            credentials: AWSCredentials(accessKeyID: "AKIAHERALDMOTO", secretAccessKey: "moto-secret"),
            multipartThreshold: threshold, partSize: partSize,
            retry: .init(maxAttempts: 2, baseDelay: .milliseconds(10)), requestTimeout: .seconds(30)))
    }

    /// A new bucket with a unique name.
    static func bucket(_ client: S3Client) async throws -> String {
        let name = "herald-archive-" + UUID().uuidString.lowercased().prefix(18)
        try await client.createBucket(name)
        return name
    }

    /// A letter-sized document: a PDF header, then `size` bytes that do not compress.
    static func document(size: Int, seed: UInt64 = 1) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        var bytes = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        bytes.reserveCapacity(size)
        while bytes.count < size - 6 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            bytes.append(UInt8(truncatingIfNeeded: state))
        }
        return bytes + Array("%%EOF\n".utf8)
    }
}

@Suite("S3Archive against moto's S3 server")
struct S3ArchiveMotoTests {
    @Test("a letter's PDF: put and get back, at s3://<bucket>/<key>, built from the settings")
    func roundTrip() async throws {
        let bucket = try await MotoArchiveEnvironment.bucket(try MotoArchiveEnvironment.client())
        let archive = try S3Archive.make(endpoint: try MotoArchiveEnvironment.endpoint(), region: "eu-west-1", bucket: bucket,
                                         pathStyle: true, environment: MotoArchiveEnvironment.environment)
        let letter = MotoArchiveEnvironment.document(size: 180_000)
        let key = ArchiveKey.make(prefix: "permanentstorage", mergedAt: Date(timeIntervalSince1970: 1_533_229_200),
                                  requestId: "5002761", fileExtension: "pdf")
        let object = try await archive.put(letter, key: key)
        #expect(object.location == "s3://\(bucket)/permanentstorage/2018/08/02/17/5002761.pdf")
        #expect(object.storedSize == letter.count)
        #expect(object.keyId == nil)
        #expect(try await archive.get(location: object.location) == letter)

        let head = try await archive.client.headObject(bucket: bucket, key: key)
        #expect(head.contentLength == letter.count)
        #expect(head.contentType == "application/pdf")
        // Written again (a lost commit): replaced.
        let second = MotoArchiveEnvironment.document(size: 1000, seed: 2)
        #expect(try await archive.put(second, key: key) == ArchivedObject(location: object.location, storedSize: second.count))
        #expect(try await archive.get(location: object.location) == second)
    }

    @Test("a multi-megabyte document goes up as a multipart upload and reads back whole")
    func multipart() async throws {
        let client = try MotoArchiveEnvironment.client(threshold: 5 << 20, partSize: 5 << 20)
        let bucket = try await MotoArchiveEnvironment.bucket(client)
        let archive = S3Archive(client: client, bucket: bucket)
        let big = MotoArchiveEnvironment.document(size: 12 << 20, seed: 3)
        let object = try await archive.put(big, key: "herald/2026/12/07/08/BIG.pdf")
        #expect(object.storedSize == big.count)
        let head = try await client.headObject(bucket: bucket, key: "herald/2026/12/07/08/BIG.pdf")
        #expect(head.contentLength == big.count)
        #expect(head.eTag?.hasSuffix("-3") == true, "a 3-part upload's ETag: \(head.eTag ?? "none")")
        #expect(try await archive.get(location: object.location) == big)
    }

    @Test("a missing object is notFound; a missing bucket is permanent")
    func notFound() async throws {
        let client = try MotoArchiveEnvironment.client()
        let bucket = try await MotoArchiveEnvironment.bucket(client)
        let missing = await #expect(throws: ArchiveFailure.self) {
            _ = try await S3Archive(client: client, bucket: bucket).get(location: "s3://\(bucket)/herald/none.pdf")
        }
        #expect(missing?.kind == .notFound)
        let noBucket = await #expect(throws: ArchiveFailure.self) {
            _ = try await S3Archive(client: client, bucket: "herald-no-such-bucket-\(UUID().uuidString.lowercased().prefix(8))")
                .put([1, 2, 3], key: "herald/a.pdf")
        }
        #expect(noBucket?.kind == .permanent)
    }

    @Test("sealed over S3: the object in the bucket is the envelope, the archive reads the plaintext")
    func sealedOverS3() async throws {
        let client = try MotoArchiveEnvironment.client()
        let bucket = try await MotoArchiveEnvironment.bucket(client)
        let keyring = try StorageKeyring.parse("# test\nk-2026 " + Data((0..<32).map { UInt8($0) }).base64EncodedString() + "\n")
        let sealing = SealingArchive(S3Archive(client: client, bucket: bucket), keyring: keyring)
        #expect(sealing.backend == "s3")
        let email = Array("From: Herald <noreply@example.com>\r\nTo: customer@example.com\r\nSubject: Your letter\r\n\r\nDear customer,\r\n".utf8)
        let object = try await sealing.put(email, key: "herald/2026/12/07/08/5002762.eml")
        #expect(object.location == "s3://\(bucket)/herald/2026/12/07/08/5002762.eml")
        #expect(object.keyId == "k-2026")

        let raw = try await client.getObject(bucket: bucket, key: "herald/2026/12/07/08/5002762.eml")
        #expect(Array(raw.body.prefix(8)) == Array("HRLD-ENC".utf8))
        #expect(raw.body.count == object.storedSize)
        #expect(raw.body.count == email.count + 10 + 6 + 12 + 16)
        #expect(!String(decoding: raw.body, as: UTF8.self).contains("Dear customer"))
        #expect(raw.metadata.contentType == "application/octet-stream")
        #expect(try await sealing.get(location: object.location) == email)

        // Altered in the bucket: corrupt.
        var altered = raw.body
        altered[altered.count - 1] ^= 0x01
        _ = try await client.putObject(bucket: bucket, key: "herald/2026/12/07/08/5002762.eml", body: altered)
        let failure = await #expect(throws: ArchiveFailure.self) { _ = try await sealing.get(location: object.location) }
        #expect(failure?.kind == .corrupt)
    }
}
