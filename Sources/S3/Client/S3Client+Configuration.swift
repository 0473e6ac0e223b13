import Foundation

extension S3Client {
    /// Everything an ``S3Client`` needs; every field has a documented default but the credentials.
    public struct Configuration: Sendable {
        /// How the bucket is named in a request.
        public enum Addressing: Sendable, Hashable {
            /// `https://bucket.endpoint/key` (AWS's default).
            case virtualHosted
            /// `https://endpoint/bucket/key` (MinIO, moto, most custom endpoints, buckets with dots).
            case pathStyle
        }

        /// Retries of requests that may succeed later (500, 502, 503, 504, `SlowDown`,
        /// `InternalError`, connection failures); a 4xx is never retried. The delay before retry
        /// `n` (1-based) is a random duration in `0 ... min(maxDelay, baseDelay × 2^(n-1))`
        /// ("full jitter").
        public struct RetryPolicy: Sendable, Hashable {
            /// Attempts in all, the first included. Default 4.
            public var maxAttempts: Int
            /// The cap of the first retry's delay. Default 100 ms.
            public var baseDelay: Duration
            /// The cap of any delay. Default 5 s.
            public var maxDelay: Duration

            /// A policy; defaults 4 attempts, 100 ms base, 5 s cap.
            public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5)) {
                self.maxAttempts = max(1, maxAttempts)
                self.baseDelay = baseDelay
                self.maxDelay = maxDelay
            }

            /// No retry at all.
            public static let none = RetryPolicy(maxAttempts: 1)

            /// The jittered delay before retry number `retry` (1 for the first retry).
            public func delay(beforeRetry retry: Int, random: Double = Double.random(in: 0...1)) -> Duration {
                let exponent = min(max(retry - 1, 0), 30)
                let cap = min(maxDelay, baseDelay * (1 << exponent))
                return cap * random
            }
        }

        /// The endpoint, e.g. `http://127.0.0.1:9000` or `https://s3.eu-west-1.amazonaws.com`.
        /// Default nil: `https://s3.<region>.amazonaws.com`.
        public var endpoint: String?
        /// The region requests are signed for. Default `us-east-1`.
        public var region: String
        /// Virtual-hosted or path-style. Default ``Addressing/virtualHosted``; use
        /// ``Addressing/pathStyle`` with most custom endpoints.
        public var addressing: Addressing
        /// The keys requests are signed with (a session token for temporary credentials).
        public var credentials: AWSCredentials
        /// Server-side encryption asked for on every upload. Default nil (the bucket's default).
        public var serverSideEncryption: S3ServerSideEncryption?
        /// Objects larger than this many bytes go up as multipart uploads. Default 16 MiB.
        public var multipartThreshold: Int
        /// The size of each part of a multipart upload (S3 wants at least 5 MiB but for the last). Default 8 MiB.
        public var partSize: Int
        /// Parts uploaded at the same time. Default 4.
        public var concurrentParts: Int
        /// Retries of transient failures. Default ``RetryPolicy/init(maxAttempts:baseDelay:maxDelay:)``.
        public var retry: RetryPolicy
        /// Time allowed for one request, body included. Default 60 s. AsyncHTTPClient keeps trying
        /// to connect until then, so an unreachable endpoint fails after this time.
        public var requestTimeout: Duration
        /// The largest response body read (GetObject). Default 1 GiB.
        public var maxResponseBytes: Int

        /// A configuration; see each property for its default.
        public init(
            endpoint: String? = nil, region: String = "us-east-1", addressing: Addressing = .virtualHosted,
            credentials: AWSCredentials, serverSideEncryption: S3ServerSideEncryption? = nil,
            multipartThreshold: Int = 16 << 20, partSize: Int = 8 << 20, concurrentParts: Int = 4,
            retry: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(60), maxResponseBytes: Int = 1 << 30
        ) {
            self.endpoint = endpoint
            self.region = region
            self.addressing = addressing
            self.credentials = credentials
            self.serverSideEncryption = serverSideEncryption
            self.multipartThreshold = multipartThreshold
            self.partSize = max(1, partSize)
            self.concurrentParts = max(1, concurrentParts)
            self.retry = retry
            self.requestTimeout = requestTimeout
            self.maxResponseBytes = maxResponseBytes
        }

        /// Where a request for `bucket` (and `key`) goes: the URL to send to, the `Host` header
        /// and the wire path that is signed.
        public func location(bucket: String, key: String? = nil) throws -> (url: String, host: String, path: String) {
            let endpoint = self.endpoint ?? "https://s3.\(region).amazonaws.com"
            guard let components = URLComponents(string: endpoint), let scheme = components.scheme,
                  let endpointHost = components.host, !endpointHost.isEmpty else {
                throw S3Error(code: .init(rawValue: "InvalidEndpoint"), message: "not an endpoint URL: \(endpoint)")
            }
            var basePath = components.percentEncodedPath
            while basePath.hasSuffix("/") { basePath.removeLast() }
            let port = components.port.map { ":\($0)" } ?? ""
            let encodedKey = key.map { "/" + SigV4.uriEncode($0, encodeSlash: false) } ?? ""
            let host: String
            let path: String
            switch addressing {
            case .pathStyle:
                host = endpointHost + port
                path = basePath + "/" + SigV4.uriEncode(bucket) + encodedKey
            case .virtualHosted:
                host = bucket + "." + endpointHost + port
                path = basePath + (encodedKey.isEmpty ? "/" : encodedKey)
            }
            return ("\(scheme)://\(host)\(path)", host, path)
        }
    }
}
