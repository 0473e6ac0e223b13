import AsyncHTTPClient
import Foundation
import HeraldCore
import S3

/// Long-term storage in an S3 bucket (backend `s3`) through the ``S3/S3Client``: each document one
/// object at its key (the prefix is part of the key the caller gives), written by one PutObject
/// with its `x-amz-checksum-sha256` — a multipart upload above the client's threshold, aborted if
/// a part fails — so an object is whole or absent. Locations are `s3://<bucket>/<key>`.
///
/// The client retries 500/503/`SlowDown` and connection failures itself; what still fails is an
/// ``ArchiveFailure``: those as transient; 401/403 (`AccessDenied`, `InvalidAccessKeyId`,
/// `SignatureDoesNotMatch`, …), `NoSuchBucket` and other 4xx as permanent; `NoSuchKey` or a 404
/// on a read as not found.
public struct S3Archive: DocumentArchive {
    /// `s3`.
    public var backend: String { "s3" }
    /// The client objects are written and read with.
    public let client: S3Client
    /// The bucket.
    public let bucket: String

    /// An archive in `bucket` through `client`.
    public init(client: S3Client, bucket: String) {
        self.client = client
        self.bucket = bucket
    }

    /// An archive from Herald's settings: `HERALD_S3_ENDPOINT` (nil for AWS), `HERALD_S3_REGION`,
    /// `HERALD_S3_BUCKET`, `HERALD_S3_PATH_STYLE`, and the credentials of `environment`
    /// (`HERALD_S3_ACCESS_KEY_ID`/`_SECRET_ACCESS_KEY`/`_SESSION_TOKEN`, else `AWS_*`; see
    /// ``S3/AWSCredentials/fromEnvironment(_:)``). Throws a permanent ``ArchiveFailure`` naming
    /// what is missing.
    public static func make(
        endpoint: String?, region: String, bucket: String, pathStyle: Bool,
        serverSideEncryption: S3ServerSideEncryption? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient = .shared
    ) throws -> S3Archive {
        guard !bucket.isEmpty else { throw ArchiveFailure(.permanent, "HERALD_S3_BUCKET is not set: the S3 storage backend needs a bucket") }
        guard let credentials = AWSCredentials.fromEnvironment(environment) else {
            throw ArchiveFailure(.permanent, "no S3 credentials: set HERALD_S3_ACCESS_KEY_ID and HERALD_S3_SECRET_ACCESS_KEY "
                                 + "(or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
        }
        let endpoint = endpoint.flatMap { $0.isEmpty ? nil : $0 }
        let configuration = S3Client.Configuration(
            endpoint: endpoint, region: region.isEmpty ? "us-east-1" : region,
            addressing: pathStyle ? .pathStyle : .virtualHosted, credentials: credentials,
            serverSideEncryption: serverSideEncryption)
        do {
            _ = try configuration.location(bucket: bucket)
        } catch {
            throw ArchiveFailure(.permanent, "HERALD_S3_ENDPOINT is not an endpoint URL: \(endpoint ?? "")")
        }
        return S3Archive(client: S3Client(configuration: configuration, httpClient: httpClient), bucket: bucket)
    }

    /// A server-side encryption setting's value: empty for none (the bucket's default), `AES256`,
    /// `aws:kms` or `aws:kms:<key id>`; anything else is a permanent ``ArchiveFailure``.
    public static func serverSideEncryption(setting: String) throws -> S3ServerSideEncryption? {
        switch setting {
        case "": return nil
        case "AES256": return .aes256
        case "aws:kms": return .kms(keyID: nil)
        case let value where value.hasPrefix("aws:kms:") && value.count > 8: return .kms(keyID: String(value.dropFirst(8)))
        default: throw ArchiveFailure(.permanent, "unknown S3 server-side encryption \(setting) (AES256, aws:kms or aws:kms:<key id>)")
        }
    }

    /// Stores `document` at `key` (one checksummed PUT, multipart when large).
    public func put(_ document: [UInt8], key: String) async throws -> ArchivedObject {
        guard !key.isEmpty, !key.hasPrefix("/") else { throw ArchiveFailure(.permanent, "refused S3 key: \(key)") }
        do {
            _ = try await client.putObject(bucket: bucket, key: key, body: document, contentType: Self.contentType(document, key: key))
        } catch {
            throw Self.failure(error, doing: "put s3://\(bucket)/\(key)", reading: false)
        }
        return ArchivedObject(location: "s3://\(bucket)/\(key)", storedSize: document.count)
    }

    /// Reads the object at `location` (`s3://<bucket>/<key>`, in this archive's bucket).
    public func get(location: String) async throws -> [UInt8] {
        let key = try key(of: location)
        do {
            return try await client.getObject(bucket: bucket, key: key).body
        } catch {
            throw Self.failure(error, doing: "get \(location)", reading: true)
        }
    }

    /// Whether an object is at `key` (a HEAD request; 404 is no).
    public func contains(key: String) async throws -> Bool {
        do {
            _ = try await client.headObject(bucket: bucket, key: key)
            return true
        } catch let error as S3Error where error.statusCode == 404 && error.code != .noSuchBucket {
            return false
        } catch {
            throw Self.failure(error, doing: "head s3://\(bucket)/\(key)", reading: false)
        }
    }

    /// The key of a location in this archive's bucket.
    func key(of location: String) throws -> String {
        guard location.hasPrefix("s3://") else { throw ArchiveFailure(.permanent, "not an S3 archive location: \(location)") }
        let rest = location.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/"), rest.index(after: slash) < rest.endIndex else {
            throw ArchiveFailure(.permanent, "an S3 location without a key: \(location)")
        }
        let locationBucket = String(rest[..<slash])
        guard locationBucket == bucket else {
            throw ArchiveFailure(.permanent, "\(location) is in bucket \(locationBucket), but the S3 storage backend reads bucket \(bucket)")
        }
        return String(rest[rest.index(after: slash)...])
    }

    /// `application/pdf` and `message/rfc822` by the key's extension; an encrypted envelope or
    /// anything else is `application/octet-stream`.
    static func contentType(_ document: [UInt8], key: String) -> String {
        if StorageEnvelope.isSealed(document) { return "application/octet-stream" }
        if key.hasSuffix(".pdf") { return "application/pdf" }
        if key.hasSuffix(".eml") { return "message/rfc822" }
        return "application/octet-stream"
    }

    /// What an S3 failure means for the archive stage (after the client's own retries).
    static func failure(_ error: any Error, doing what: String, reading: Bool) -> any Error {
        if error is CancellationError { return error }
        guard let error = error as? S3Error else { return ArchiveFailure(.transient, "S3 \(what) failed: \(error)") }
        let message = "S3 \(what) failed: \(error)"
        if reading && (error.code == .noSuchKey || (error.statusCode == 404 && error.code != .noSuchBucket)) {
            return ArchiveFailure(.notFound, message)
        }
        let refusals: Set<S3Error.Code> = [.accessDenied, .invalidAccessKeyID, .signatureDoesNotMatch, .noSuchBucket,
                                           .init(rawValue: "InvalidEndpoint")]
        if refusals.contains(error.code) { return ArchiveFailure(.permanent, message) }
        if error.isRetryable { return ArchiveFailure(.transient, message) }
        if let status = error.statusCode, (400..<500).contains(status), status != 408, status != 429 {
            return ArchiveFailure(.permanent, message)
        }
        return ArchiveFailure(.transient, message)
    }
}
