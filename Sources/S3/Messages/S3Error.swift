/// An S3 request that failed: the error S3 answered (its XML `Code`, `Message`, `RequestId` and the
/// HTTP status), or a transport failure (``Code-swift.struct/connectionFailed``,
/// ``Code-swift.struct/invalidResponse``).
public struct S3Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// S3's error code (`NoSuchKey`, `SlowDown`, …), open-ended as S3's own list is.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code as S3 writes it.
        public var rawValue: String
        /// A code from its text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { rawValue }

        /// The key does not exist.
        public static let noSuchKey = Code(rawValue: "NoSuchKey")
        /// The bucket does not exist.
        public static let noSuchBucket = Code(rawValue: "NoSuchBucket")
        /// The multipart upload does not exist (aborted or completed).
        public static let noSuchUpload = Code(rawValue: "NoSuchUpload")
        /// Access denied (policy, or credentials without the right).
        public static let accessDenied = Code(rawValue: "AccessDenied")
        /// The access key id is unknown.
        public static let invalidAccessKeyID = Code(rawValue: "InvalidAccessKeyId")
        /// The signature does not match (wrong secret, clock, or a signing bug).
        public static let signatureDoesNotMatch = Code(rawValue: "SignatureDoesNotMatch")
        /// The checksum sent does not match the body received.
        public static let badDigest = Code(rawValue: "BadDigest")
        /// Slow down: the request rate is too high (503).
        public static let slowDown = Code(rawValue: "SlowDown")
        /// An internal error of the server (500).
        public static let internalError = Code(rawValue: "InternalError")
        /// The service is unavailable (503).
        public static let serviceUnavailable = Code(rawValue: "ServiceUnavailable")
        /// A response without an XML body (HEAD requests, proxies): named after the status, e.g. `NotFound`.
        public static let notFound = Code(rawValue: "NotFound")
        /// The connection could not be made or broke before a response.
        public static let connectionFailed = Code(rawValue: "ConnectionFailed")
        /// The response could not be understood (bad XML, missing fields).
        public static let invalidResponse = Code(rawValue: "InvalidResponse")
    }

    /// The error code.
    public var code: Code
    /// S3's message, or a description of the transport failure.
    public var message: String
    /// S3's `RequestId` (or the `x-amz-request-id` header), when there was a response.
    public var requestID: String?
    /// The HTTP status, when there was a response.
    public var statusCode: Int?

    /// An error with every field given.
    public init(code: Code, message: String, requestID: String? = nil, statusCode: Int? = nil) {
        self.code = code
        self.message = message
        self.requestID = requestID
        self.statusCode = statusCode
    }

    /// Whether the same request may succeed later: 500, 502, 503, 504, `SlowDown`, `InternalError`,
    /// and transport failures. Never a 4xx.
    public var isRetryable: Bool {
        if let status = statusCode {
            if (400..<500).contains(status) { return false }
            return [500, 502, 503, 504].contains(status) || code == .slowDown || code == .internalError
        }
        return code == .connectionFailed || code == .slowDown || code == .internalError
    }

    /// `S3Error(NoSuchKey, 404, request id): message`.
    public var description: String {
        var text = "S3Error(\(code)"
        if let statusCode { text += ", HTTP \(statusCode)" }
        if let requestID { text += ", request \(requestID)" }
        return text + "): " + message
    }
}
