/// What a successful PutObject (single or multipart) returns.
public struct S3PutResult: Sendable, Hashable {
    /// The object's ETag as S3 returned it (quotes removed).
    public var eTag: String
    /// The SHA-256 checksum S3 stored (base64; for multipart, S3's checksum of the part checksums), when returned.
    public var checksumSHA256: String?
    /// The version id, on versioned buckets.
    public var versionID: String?
    /// Whether the object went up as a multipart upload.
    public var multipart: Bool
}

/// An object's metadata (HeadObject, and the headers of GetObject).
public struct S3ObjectMetadata: Sendable, Hashable {
    /// The size in bytes.
    public var contentLength: Int
    /// The ETag (quotes removed).
    public var eTag: String?
    /// The `Content-Type` stored with the object.
    public var contentType: String?
    /// The `Last-Modified` header as sent (HTTP date).
    public var lastModified: String?
    /// The SHA-256 checksum stored with the object (base64), when S3 returns it.
    public var checksumSHA256: String?
    /// The server-side encryption applied (`AES256`, `aws:kms`), when reported.
    public var serverSideEncryption: String?
    /// User metadata (`x-amz-meta-*`, names without the prefix, lower-case).
    public var metadata: [String: String]
}

/// An object read with GetObject.
public struct S3Object: Sendable, Hashable {
    /// The bytes.
    public var body: [UInt8]
    /// Its metadata.
    public var metadata: S3ObjectMetadata
}

/// One entry of a listing.
public struct S3ObjectSummary: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The size in bytes.
    public var size: Int
    /// The ETag (quotes removed).
    public var eTag: String?
    /// `LastModified` as written by S3 (ISO 8601).
    public var lastModified: String?
}

/// One page of ListObjectsV2.
public struct S3ListPage: Sendable, Hashable {
    /// The objects of this page, in key order.
    public var objects: [S3ObjectSummary]
    /// The common prefixes (with a delimiter).
    public var commonPrefixes: [String]
    /// Whether more pages follow.
    public var isTruncated: Bool
    /// The token to ask for the next page, when ``isTruncated``.
    public var nextContinuationToken: String?
}

/// A server-side encryption request sent with each upload.
public enum S3ServerSideEncryption: Sendable, Hashable {
    /// `x-amz-server-side-encryption: AES256` (S3-managed keys).
    case aes256
    /// `aws:kms`, with a key id (or the account's default key when nil).
    case kms(keyID: String?)

    var headers: [(name: String, value: String)] {
        switch self {
        case .aes256: [("x-amz-server-side-encryption", "AES256")]
        case .kms(let keyID):
            [("x-amz-server-side-encryption", "aws:kms")]
                + (keyID.map { [("x-amz-server-side-encryption-aws-kms-key-id", $0)] } ?? [])
        }
    }
}
