import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// An S3 client on AsyncHTTPClient: PutObject (with `x-amz-checksum-sha256`, multipart above
/// ``Configuration/multipartThreshold``, aborted on failure), GetObject, HeadObject, DeleteObject,
/// ListObjectsV2. Every request is signed with ``SigV4``; transient failures are retried with
/// jittered backoff (``Configuration/RetryPolicy``), a 4xx never is. Errors are ``S3Error``.
public struct S3Client: Sendable {
    /// The configuration requests are made with.
    public let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger
    let signer: SigV4

    /// A client; `httpClient` defaults to AsyncHTTPClient's shared client (no shutdown needed).
    public init(configuration: Configuration, httpClient: HTTPClient = .shared,
                logger: Logger = Logger(label: "s3", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.signer = SigV4(credentials: configuration.credentials, region: configuration.region, service: "s3", options: .s3)
    }

    // MARK: Objects

    /// Stores `body` at `key`: one PUT with its `x-amz-checksum-sha256` when it is at most
    /// ``Configuration/multipartThreshold`` bytes, else a multipart upload (aborted if any part fails).
    @discardableResult
    public func putObject(bucket: String, key: String, body: [UInt8], contentType: String? = nil,
                          metadata: [String: String] = [:]) async throws -> S3PutResult {
        if body.count > configuration.multipartThreshold {
            return try await multipartUpload(bucket: bucket, key: key, body: body, contentType: contentType, metadata: metadata)
        }
        let digest = Array(SHA256.hash(data: body))
        var headers = [("x-amz-checksum-sha256", Data(digest).base64EncodedString())]
        if let contentType { headers.append(("content-type", contentType)) }
        headers += metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-" + $0.key.lowercased(), $0.value) }
        headers += configuration.serverSideEncryption?.headers ?? []
        let response = try await send("PUT", bucket: bucket, key: key, headers: headers, body: body, payloadSHA256: digest)
        return S3PutResult(eTag: Self.unquoted(response.headers.first(name: "etag")) ?? "",
                           checksumSHA256: response.headers.first(name: "x-amz-checksum-sha256"),
                           versionID: response.headers.first(name: "x-amz-version-id"), multipart: false)
    }

    /// Reads the object at `key` (a `range` such as `bytes=0-9` reads part of it).
    public func getObject(bucket: String, key: String, range: String? = nil) async throws -> S3Object {
        let response = try await send("GET", bucket: bucket, key: key, headers: range.map { [("range", $0)] } ?? [])
        return S3Object(body: response.body, metadata: Self.metadata(response.headers, size: response.body.count))
    }

    /// The metadata of the object at `key`; ``S3Error/Code-swift.struct/notFound`` (status 404) when there is none.
    public func headObject(bucket: String, key: String) async throws -> S3ObjectMetadata {
        let response = try await send("HEAD", bucket: bucket, key: key, headers: [("x-amz-checksum-mode", "ENABLED")])
        return Self.metadata(response.headers, size: nil)
    }

    /// Deletes the object at `key` (S3 answers success for a key that does not exist).
    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await send("DELETE", bucket: bucket, key: key)
    }

    /// One page of ListObjectsV2.
    public func listObjectsV2(bucket: String, prefix: String? = nil, delimiter: String? = nil,
                              continuationToken: String? = nil, maxKeys: Int? = nil) async throws -> S3ListPage {
        var query: [(name: String, value: String)] = [("list-type", "2")]
        if let prefix { query.append(("prefix", prefix)) }
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let maxKeys { query.append(("max-keys", String(maxKeys))) }
        let response = try await send("GET", bucket: bucket, query: query)
        let root = try Self.xml(response, expecting: "ListBucketResult")
        let objects = root.children("Contents").map { entry in
            S3ObjectSummary(key: entry.text("Key") ?? "", size: Int(entry.text("Size") ?? "") ?? 0,
                            eTag: Self.unquoted(entry.text("ETag")), lastModified: entry.text("LastModified"))
        }
        let isTruncated = root.text("IsTruncated") == "true"
        return S3ListPage(objects: objects, commonPrefixes: root.children("CommonPrefixes").compactMap { $0.text("Prefix") },
                          isTruncated: isTruncated, nextContinuationToken: isTruncated ? root.text("NextContinuationToken") : nil)
    }

    /// Every object under `prefix`, following continuation tokens page by page.
    public func listAllObjects(bucket: String, prefix: String? = nil, pageSize: Int? = nil) async throws -> [S3ObjectSummary] {
        var all: [S3ObjectSummary] = []
        var token: String?
        repeat {
            let page = try await listObjectsV2(bucket: bucket, prefix: prefix, continuationToken: token, maxKeys: pageSize)
            all += page.objects
            token = page.nextContinuationToken
        } while token != nil
        return all
    }

    /// Creates `bucket` (in the configured region).
    public func createBucket(_ bucket: String) async throws {
        var body: [UInt8] = []
        if configuration.region != "us-east-1" {
            body = Array(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(configuration.region.xmlEscaped)</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        _ = try await send("PUT", bucket: bucket, body: body)
    }

    /// A presigned URL for `method` on `key`, valid for `expires` seconds (at most 604800, 7 days)
    /// from `date`: anyone holding it can make that one request without credentials.
    public func presignedURL(method: String = "GET", bucket: String, key: String, expires: Int = 3600,
                             at date: Date = Date()) throws -> String {
        let location = try configuration.location(bucket: bucket, key: key)
        let presigned = signer.presign(
            SigV4.Request(method: method, path: location.path, headers: [("host", location.host)], payload: .unsigned),
            at: SigV4Timestamp(date), expires: expires)
        return location.url + "?" + presigned.queryString
    }

    // MARK: Multipart

    /// Starts a multipart upload with SHA-256 part checksums; returns its upload id.
    public func createMultipartUpload(bucket: String, key: String, contentType: String? = nil,
                                      metadata: [String: String] = [:]) async throws -> String {
        var headers = [("x-amz-checksum-algorithm", "SHA256")]
        if let contentType { headers.append(("content-type", contentType)) }
        headers += metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-" + $0.key.lowercased(), $0.value) }
        headers += configuration.serverSideEncryption?.headers ?? []
        let response = try await send("POST", bucket: bucket, key: key, query: [("uploads", "")], headers: headers)
        guard let uploadID = try Self.xml(response, expecting: "InitiateMultipartUploadResult").text("UploadId"), !uploadID.isEmpty else {
            throw S3Error(code: .invalidResponse, message: "CreateMultipartUpload answered without an UploadId",
                          requestID: response.requestID, statusCode: response.status)
        }
        return uploadID
    }

    /// A part uploaded: its number, ETag and SHA-256 checksum (base64).
    public struct UploadedPart: Sendable, Hashable {
        /// The part number, from 1.
        public var number: Int
        /// The ETag S3 returned (quotes removed).
        public var eTag: String
        /// The base64 SHA-256 sent with the part.
        public var checksumSHA256: String
    }

    /// Uploads part `number` (from 1) of an upload, with its `x-amz-checksum-sha256`.
    public func uploadPart(bucket: String, key: String, uploadID: String, number: Int, body: ArraySlice<UInt8>) async throws -> UploadedPart {
        let bytes = Array(body)
        let digest = Array(SHA256.hash(data: bytes))
        let checksum = Data(digest).base64EncodedString()
        let response = try await send("PUT", bucket: bucket, key: key,
                                      query: [("partNumber", String(number)), ("uploadId", uploadID)],
                                      headers: [("x-amz-checksum-sha256", checksum)], body: bytes, payloadSHA256: digest)
        guard let eTag = Self.unquoted(response.headers.first(name: "etag")) else {
            throw S3Error(code: .invalidResponse, message: "UploadPart \(number) answered without an ETag",
                          requestID: response.requestID, statusCode: response.status)
        }
        return UploadedPart(number: number, eTag: eTag, checksumSHA256: checksum)
    }

    /// Completes an upload from its parts (in part order).
    public func completeMultipartUpload(bucket: String, key: String, uploadID: String, parts: [UploadedPart]) async throws -> S3PutResult {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts.sorted(by: { $0.number < $1.number }) {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\"\(part.eTag.xmlEscaped)\"</ETag>"
                + "<ChecksumSHA256>\(part.checksumSHA256)</ChecksumSHA256></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await send("POST", bucket: bucket, key: key, query: [("uploadId", uploadID)],
                                      headers: [("content-type", "application/xml")], body: Array(xml.utf8))
        // moto names the root CompleteMultipartUploadResponse; AWS, CompleteMultipartUploadResult.
        let root = try Self.xml(response, expecting: "CompleteMultipartUploadResult", "CompleteMultipartUploadResponse")
        return S3PutResult(eTag: Self.unquoted(root.text("ETag")) ?? "", checksumSHA256: root.text("ChecksumSHA256"),
                           versionID: response.headers.first(name: "x-amz-version-id"), multipart: true)
    }

    /// Aborts an upload, freeing its parts.
    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        _ = try await send("DELETE", bucket: bucket, key: key, query: [("uploadId", uploadID)])
    }

    func multipartUpload(bucket: String, key: String, body: [UInt8], contentType: String?,
                         metadata: [String: String]) async throws -> S3PutResult {
        let uploadID = try await createMultipartUpload(bucket: bucket, key: key, contentType: contentType, metadata: metadata)
        let partSize = configuration.partSize
        let ranges = stride(from: 0, to: body.count, by: partSize).map { $0..<min($0 + partSize, body.count) }
        do {
            let parts = try await withThrowingTaskGroup(of: UploadedPart.self, returning: [UploadedPart].self) { group in
                var parts: [UploadedPart] = []
                var next = 0
                func addNext() {
                    guard next < ranges.count else { return }
                    let number = next + 1, range = ranges[next]
                    next += 1
                    group.addTask {
                        try await uploadPart(bucket: bucket, key: key, uploadID: uploadID, number: number, body: body[range])
                    }
                }
                for _ in 0..<configuration.concurrentParts { addNext() }
                while let part = try await group.next() {
                    parts.append(part)
                    addNext()
                }
                return parts
            }
            return try await completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID, parts: parts)
        } catch {
            logger.debug("s3 multipart upload failed; aborting", metadata: ["s3.upload_id": "\(uploadID)", "s3.error": "\(error)"])
            do {
                try await abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
            } catch let abortError {
                logger.info("s3 abort of a failed multipart upload failed", metadata: ["s3.upload_id": "\(uploadID)", "s3.error": "\(abortError)"])
            }
            throw error
        }
    }

    // MARK: Requests

    /// A response read whole.
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var requestID: String? { headers.first(name: "x-amz-request-id") ?? headers.first(name: "x-amzn-requestid") }
    }

    /// Sends one signed request, retrying transient failures; throws ``S3Error`` for every failure.
    func send(_ method: String, bucket: String, key: String? = nil, query: [(name: String, value: String)] = [],
              headers: [(name: String, value: String)] = [], body: [UInt8] = [], payloadSHA256: [UInt8]? = nil) async throws -> Response {
        let location = try configuration.location(bucket: bucket, key: key)
        let payload: SigV4.Payload = .sha256Hex(SigV4.hex(payloadSHA256 ?? Array(SHA256.hash(data: body))))
        let queryString = SigV4.canonicalQueryString(query)
        let url = location.url + (queryString.isEmpty ? "" : "?" + queryString)
        var attempt = 1
        while true {
            do {
                return try await sendOnce(method, url: url, host: location.host, path: location.path, query: query,
                                          headers: headers, body: body, payload: payload)
            } catch let error as S3Error where error.isRetryable && attempt < configuration.retry.maxAttempts {
                let delay = configuration.retry.delay(beforeRetry: attempt)
                logger.debug("s3 request failed; retrying", metadata: [
                    "s3.method": "\(method)", "s3.attempt": "\(attempt)", "s3.error": "\(error)", "s3.delay": "\(delay)",
                ])
                attempt += 1
                try await Task.sleep(for: delay)
            }
        }
    }

    func sendOnce(_ method: String, url: String, host: String, path: String, query: [(name: String, value: String)],
                  headers: [(name: String, value: String)], body: [UInt8], payload: SigV4.Payload) async throws -> Response {
        let signed = signer.sign(
            SigV4.Request(method: method, path: path, query: query, headers: [("host", host)] + headers, payload: payload),
            at: SigV4Timestamp(Date()))
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for header in signed.headers { request.headers.add(name: header.name, value: header.value) }
        if !body.isEmpty || method == "PUT" || method == "POST" {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .nanoseconds(configuration.requestTimeout.nanoseconds))
        } catch {
            throw S3Error(code: .connectionFailed, message: "\(method) \(url): \(error)")
        }
        // Once the status is known, a failure reading the body keeps it: a 4xx is never retried,
        // and a body over the limit is no connection failure (it would only be read again).
        let status = Int(response.status.code)
        let limit = method == "GET" ? configuration.maxResponseBytes : 1 << 20
        let bytes: [UInt8]
        do {
            bytes = Array(buffer: try await response.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            throw S3Error(code: .invalidResponse, message: "\(method) \(url): the response body is over \(limit) bytes", statusCode: status)
        } catch {
            let code: S3Error.Code = (200..<300).contains(status) || status >= 500 ? .connectionFailed : .invalidResponse
            throw S3Error(code: code, message: "\(method) \(url): HTTP \(status), the body was cut: \(error)",
                          statusCode: (200..<300).contains(status) ? nil : status)
        }
        let result = Response(status: Int(response.status.code), headers: response.headers, body: bytes)
        if !(200..<300).contains(result.status) {
            throw Self.error(result)
        }
        // CompleteMultipartUpload (and CopyObject) can fail after a 200 with an <Error> body.
        if method == "POST", let root = XMLElementTree.parse(bytes), root.name == "Error" {
            throw Self.error(result, root: root)
        }
        return result
    }

    // MARK: Reading responses

    /// The typed error of a failed response: its XML `<Error>` when there is one, else the status.
    static func error(_ response: Response, root: XMLElementTree? = nil) -> S3Error {
        let root = root ?? XMLElementTree.parse(response.body)
        if let root, root.name == "Error", let code = root.text("Code") {
            return S3Error(code: .init(rawValue: code), message: root.text("Message") ?? "",
                           requestID: root.text("RequestId") ?? response.requestID, statusCode: response.status)
        }
        let code: S3Error.Code = switch response.status {
        case 404: .notFound
        case 403: .accessDenied
        case 500: .internalError
        case 503: .serviceUnavailable
        default: .init(rawValue: "HTTP\(response.status)")
        }
        return S3Error(code: code, message: HTTPResponseStatus(statusCode: response.status).reasonPhrase,
                       requestID: response.requestID, statusCode: response.status)
    }

    static func xml(_ response: Response, expecting names: String...) throws -> XMLElementTree {
        guard let root = XMLElementTree.parse(response.body), names.contains(root.name) else {
            throw S3Error(code: .invalidResponse, message: "expected <\(names[0])> in the response",
                          requestID: response.requestID, statusCode: response.status)
        }
        return root
    }

    static func metadata(_ headers: HTTPHeaders, size: Int?) -> S3ObjectMetadata {
        var user: [String: String] = [:]
        for (name, value) in headers where name.lowercased().hasPrefix("x-amz-meta-") {
            user[String(name.lowercased().dropFirst("x-amz-meta-".count))] = value
        }
        return S3ObjectMetadata(
            contentLength: headers.first(name: "content-length").flatMap { Int($0) } ?? size ?? 0,
            eTag: unquoted(headers.first(name: "etag")), contentType: headers.first(name: "content-type"),
            lastModified: headers.first(name: "last-modified"), checksumSHA256: headers.first(name: "x-amz-checksum-sha256"),
            serverSideEncryption: headers.first(name: "x-amz-server-side-encryption"), metadata: user)
    }

    static func unquoted(_ value: String?) -> String? {
        guard var value, !value.isEmpty else { return nil }
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        return value
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
