import Crypto
import Foundation

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`): pure functions from a request description,
/// credentials and a time to the canonical request, the string to sign, the signing key and the
/// signature — as an `Authorization` header or as a presigned query string. No I/O, no clock:
/// the time is an input, so every step can be checked against published values.
///
/// Paths are given as they go on the wire (already percent-encoded). S3 signs that path as it is
/// (``Options/s3``); every other service normalizes it and URI-encodes it once more
/// (``Options/standard``).
public struct SigV4: Sendable {
    /// The keys requests are signed with.
    public var credentials: AWSCredentials
    /// The region of the credential scope (`us-east-1`).
    public var region: String
    /// The service of the credential scope (`s3`).
    public var service: String
    /// How this service wants paths and the payload hash treated.
    public var options: Options

    /// The differences between S3 and the other AWS services.
    public struct Options: Sendable, Hashable {
        /// URI-encode the (already encoded) path once more; true for every service but S3.
        public var doubleEncodePath: Bool
        /// Resolve `.`/`..` and empty segments in the path before signing; false for S3.
        public var normalizePath: Bool
        /// Add (and sign) an `x-amz-content-sha256` header with the payload hash; S3 requires it.
        public var addsContentSHA256Header: Bool
        /// Sign the `x-amz-security-token` header (true); when false it is added after signing,
        /// for the services that want it left out of the signature.
        public var signsSecurityToken: Bool

        /// Options with every field given.
        public init(doubleEncodePath: Bool, normalizePath: Bool, addsContentSHA256Header: Bool, signsSecurityToken: Bool = true) {
            self.doubleEncodePath = doubleEncodePath
            self.normalizePath = normalizePath
            self.addsContentSHA256Header = addsContentSHA256Header
            self.signsSecurityToken = signsSecurityToken
        }

        /// S3: the path is signed exactly as sent (no normalization, no second encoding), and
        /// `x-amz-content-sha256` is sent and signed.
        public static let s3 = Options(doubleEncodePath: false, normalizePath: false, addsContentSHA256Header: true)
        /// Every other service: normalized, double-encoded path; no `x-amz-content-sha256`.
        public static let standard = Options(doubleEncodePath: true, normalizePath: true, addsContentSHA256Header: false)
    }

    /// The hash of the payload that goes into the canonical request.
    public enum Payload: Sendable, Hashable {
        /// The SHA-256 of the body, lower-case hex.
        case sha256Hex(String)
        /// `UNSIGNED-PAYLOAD`: the body is not part of the signature (presigned URLs).
        case unsigned

        /// The SHA-256 of `bytes`.
        public static func bytes<Bytes: DataProtocol>(_ bytes: Bytes) -> Payload {
            .sha256Hex(SigV4.hex(SHA256.hash(data: bytes)))
        }
        /// The SHA-256 of the empty body.
        public static let empty = Payload.sha256Hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

        /// The value written into the canonical request and `x-amz-content-sha256`.
        public var value: String {
            switch self {
            case .sha256Hex(let hex): hex
            case .unsigned: "UNSIGNED-PAYLOAD"
            }
        }
    }

    /// What is signed of an HTTP request.
    public struct Request: Sendable, Hashable {
        /// The HTTP method (`GET`, `PUT`, …).
        public var method: String
        /// The path as sent on the wire, percent-encoded (`/bucket/my%20key`).
        public var path: String
        /// The query parameters, **not** encoded; the signer encodes them (``SigV4/canonicalQueryString(_:)``).
        public var query: [(name: String, value: String)]
        /// The headers to sign, in order; must include `host`. Repeated names are joined with commas.
        public var headers: [(name: String, value: String)]
        /// The payload hash.
        public var payload: Payload

        /// A request description.
        public init(method: String, path: String, query: [(name: String, value: String)] = [],
                    headers: [(name: String, value: String)], payload: Payload = .empty) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payload = payload
        }

        /// Equal when method, path, payload, query and headers (in order) are equal.
        public static func == (lhs: Request, rhs: Request) -> Bool {
            lhs.method == rhs.method && lhs.path == rhs.path && lhs.payload == rhs.payload
                && lhs.query.elementsEqual(rhs.query, by: { $0 == $1 })
                && lhs.headers.elementsEqual(rhs.headers, by: { $0 == $1 })
        }

        /// Hashes what ``==`` compares.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(method)
            hasher.combine(path)
            hasher.combine(payload)
            for item in query { hasher.combine(item.name); hasher.combine(item.value) }
            for header in headers { hasher.combine(header.name); hasher.combine(header.value) }
        }
    }

    /// A request signed with an `Authorization` header, with every intermediate step.
    public struct SignedRequest: Sendable {
        /// The request's headers with `x-amz-date`, `x-amz-content-sha256` (S3),
        /// `x-amz-security-token` (session credentials) and `authorization` set; send all of them.
        public var headers: [(name: String, value: String)]
        /// The canonical request that was hashed.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
        /// The signature, lower-case hex.
        public var signature: String
        /// The `Authorization` header value.
        public var authorization: String
    }

    /// A presigned request: the query string carries the signature.
    public struct PresignedRequest: Sendable {
        /// The query parameters to send, not encoded: the request's own, then `X-Amz-Algorithm`,
        /// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`,
        /// (`X-Amz-Security-Token`,) and `X-Amz-Signature`.
        public var query: [(name: String, value: String)]
        /// The encoded query string (sorted as signed, then `X-Amz-Signature`), without `?`.
        public var queryString: String
        /// The canonical request that was hashed.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
        /// The signature, lower-case hex.
        public var signature: String
    }

    /// A signer for one service in one region.
    public init(credentials: AWSCredentials, region: String, service: String = "s3", options: Options = .s3) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    static let algorithm = "AWS4-HMAC-SHA256"
    static let presignParameterNames: Set<String> = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
        "X-Amz-Security-Token", "X-Amz-Signature",
    ]
    static let signerHeaderNames: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]

    // MARK: Steps

    /// The credential scope: `YYYYMMDD/region/service/aws4_request`.
    public func credentialScope(_ time: SigV4Timestamp) -> String {
        "\(time.date)/\(region)/\(service)/aws4_request"
    }

    /// The canonical URI of a wire path under ``options``.
    public func canonicalURI(_ path: String) -> String {
        var path = path.isEmpty ? "/" : path
        if options.normalizePath { path = Self.normalizedPath(path) }
        return options.doubleEncodePath ? Self.uriEncode(path, encodeSlash: false) : path
    }

    /// The canonical query string: names and values URI-encoded (slash too), sorted by encoded name
    /// then value, joined with `&`; a parameter without a value is written `name=`.
    public static func canonicalQueryString(_ query: [(name: String, value: String)]) -> String {
        query.map { (uriEncode($0.name), uriEncode($0.value)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// The canonical headers block (each `name:value\n`) and the signed-headers list.
    public static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (block: String, signedHeaders: String) {
        var values: [String: [String]] = [:]
        for header in headers {
            values[header.name.lowercased(), default: []].append(trimAll(header.value))
        }
        let names = values.keys.sorted()
        let block = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    /// The canonical request of `request` as given (no header added).
    public func canonicalRequest(_ request: Request) -> String {
        let headers = Self.canonicalHeaders(request.headers)
        return [
            request.method.uppercased(),
            canonicalURI(request.path),
            Self.canonicalQueryString(request.query),
            headers.block,
            headers.signedHeaders,
            request.payload.value,
        ].joined(separator: "\n")
    }

    /// The string to sign for a canonical request at `time`.
    public func stringToSign(canonicalRequest: String, time: SigV4Timestamp) -> String {
        [Self.algorithm, time.dateTime, credentialScope(time), Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))]
            .joined(separator: "\n")
    }

    /// The signing key: HMAC chain of `"AWS4" + secret` over date, region, service, `aws4_request`.
    public func signingKey(date: String) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key))
        }
        let secret = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        return hmac(hmac(hmac(hmac(secret, date), region), service), "aws4_request")
    }

    /// The hex signature of a string to sign.
    public func signature(stringToSign: String, time: SigV4Timestamp) -> String {
        Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(date: time.date)))
    }

    // MARK: Signing

    /// Signs `request` with an `Authorization` header at `time`. Any `authorization`,
    /// `x-amz-date`, `x-amz-security-token` or `x-amz-content-sha256` the request already has is
    /// replaced.
    public func sign(_ request: Request, at time: SigV4Timestamp) -> SignedRequest {
        var signed = request
        signed.headers.removeAll { Self.signerHeaderNames.contains($0.name.lowercased()) }
        signed.headers.append(("x-amz-date", time.dateTime))
        if options.addsContentSHA256Header {
            signed.headers.append(("x-amz-content-sha256", request.payload.value))
        }
        if let token = credentials.sessionToken, options.signsSecurityToken {
            signed.headers.append(("x-amz-security-token", token))
        }
        let canonical = canonicalRequest(signed)
        let toSign = stringToSign(canonicalRequest: canonical, time: time)
        let signature = signature(stringToSign: toSign, time: time)
        let signedHeaders = Self.canonicalHeaders(signed.headers).signedHeaders
        let authorization = "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(credentialScope(time)), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        var headers = signed.headers
        if let token = credentials.sessionToken, !options.signsSecurityToken {
            headers.append(("x-amz-security-token", token))
        }
        headers.append(("authorization", authorization))
        return SignedRequest(headers: headers, canonicalRequest: canonical, stringToSign: toSign,
                             signature: signature, authorization: authorization)
    }

    /// Signs `request` in its query string (a presigned URL) valid for `expires` seconds from `time`.
    /// The signed headers are the request's (at least `host`); S3 presigned URLs use ``Payload/unsigned``.
    public func presign(_ request: Request, at time: SigV4Timestamp, expires: Int) -> PresignedRequest {
        let signedHeaders = Self.canonicalHeaders(request.headers).signedHeaders
        var query = request.query.filter { !Self.presignParameterNames.contains($0.name) }
        query.append(("X-Amz-Algorithm", Self.algorithm))
        query.append(("X-Amz-Credential", "\(credentials.accessKeyID)/\(credentialScope(time))"))
        query.append(("X-Amz-Date", time.dateTime))
        query.append(("X-Amz-Expires", String(expires)))
        query.append(("X-Amz-SignedHeaders", signedHeaders))
        if let token = credentials.sessionToken {
            query.append(("X-Amz-Security-Token", token))
        }
        var signed = request
        signed.query = query
        let canonical = canonicalRequest(signed)
        let toSign = stringToSign(canonicalRequest: canonical, time: time)
        let signature = signature(stringToSign: toSign, time: time)
        let queryString = Self.canonicalQueryString(query) + "&X-Amz-Signature=" + signature
        query.append(("X-Amz-Signature", signature))
        return PresignedRequest(query: query, queryString: queryString, canonicalRequest: canonical,
                                stringToSign: toSign, signature: signature)
    }
}

extension SigV4Timestamp {
    /// The timestamp of `date` (UTC, whole seconds).
    public init(_ date: Date) {
        self.init(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)))
    }
}
