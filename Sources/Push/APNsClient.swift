import Crypto
import Foundation
import JWTKit
import NIOCore
import NIOHPACK
import NIOPosix
import Synchronization

/// Where and as whom an ``APNsClient`` sends.
public struct APNsConfiguration: Sendable {
    /// Apple's production provider endpoint.
    public static let production = "https://api.push.apple.com"
    /// Apple's development (sandbox) provider endpoint.
    public static let sandbox = "https://api.sandbox.push.apple.com"

    /// The team's `.p8` signing key (PEM, P-256).
    public var privateKeyPEM: String
    /// The key's id (the JWT header's `kid`).
    public var keyID: String
    /// The team id (the JWT's `iss`).
    public var teamID: String
    /// The app's bundle id (`apns-topic`).
    public var topic: String
    /// The endpoint: ``production``, ``sandbox`` or a URL (`https://host:port`).
    public var endpoint: String
    /// How long a provider token is used before a new one is signed. Apple refuses tokens
    /// older than an hour and renewals more often than every 20 minutes.
    public var tokenLifetime: Duration
    /// Time allowed for one request, answer included.
    public var timeout: Duration
    /// The longest `Retry-After` waited for before sending once more in the same call; longer
    /// ones are returned as ``PushResult/retry(reason:status:retryAfter:)``.
    public var maxRetryAfterWait: Duration
    /// The clock (tests move it).
    public var now: @Sendable () -> Date
    /// The HTTP/2 connections to APNs: how many at most, the connect timeout, the backoff.
    public var connections: HTTP2PushTransport.Configuration

    /// Creates a configuration; `endpoint` is `production`, `sandbox` or a URL.
    public init(privateKeyPEM: String, keyID: String, teamID: String, topic: String, endpoint: String = APNsConfiguration.production,
                tokenLifetime: Duration = .seconds(50 * 60), timeout: Duration = .seconds(30),
                maxRetryAfterWait: Duration = .seconds(10), now: @escaping @Sendable () -> Date = { Date() },
                connections: HTTP2PushTransport.Configuration = HTTP2PushTransport.Configuration()) {
        self.privateKeyPEM = privateKeyPEM
        self.keyID = keyID
        self.teamID = teamID
        self.topic = topic
        self.endpoint = endpoint
        self.tokenLifetime = tokenLifetime
        self.timeout = timeout
        self.maxRetryAfterWait = maxRetryAfterWait
        self.now = now
        self.connections = connections
    }

    /// The endpoint as a base URL without a trailing slash: `production` and `sandbox` by name.
    public static func baseURL(_ endpoint: String) throws -> String {
        let value = endpoint.trimmingCharacters(in: .whitespaces)
        switch value.lowercased() {
        case "production", "": return production
        case "sandbox", "development": return sandbox
        default:
            guard let url = URL(string: value), url.scheme?.lowercased() == "https", url.host != nil else {
                throw PushError.invalidEndpoint("must be production, sandbox or an https URL, got '\(endpoint)'")
            }
            return value.hasSuffix("/") ? String(value.dropLast()) : value
        }
    }
}

/// The claims of an APNs provider token: `iss` (team id) and `iat` (whole seconds).
public struct APNsProviderClaims: JWTPayload, Equatable {
    /// The team id.
    public var iss: String
    /// When the token was issued (seconds since 1970).
    public var iat: Int

    /// Creates the claims.
    public init(iss: String, iat: Int) {
        self.iss = iss
        self.iat = iat
    }

    /// Apple checks the claims; nothing to verify here.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The provider token (ES256 JWT) an ``APNsClient`` sends, signed once and reused until it
/// is ``APNsConfiguration/tokenLifetime`` old.
actor APNsProviderToken {
    private let keys: JWTKeyCollection
    private let keyID: String
    private let teamID: String
    private nonisolated let lifetime: Duration
    private nonisolated let now: @Sendable () -> Date
    private var current: (token: String, issued: Date)? {
        didSet { cache.withLock { $0 = current.map { ($0.token, $0.issued, "bearer " + $0.token) } } }
    }
    /// ``current`` (and its `authorization` header value) readable without a hop onto the
    /// actor (every push reads it).
    private nonisolated let cache = Mutex<(token: String, issued: Date, authorization: String)?>(nil)
    /// How many tokens were signed (tests).
    private(set) var signed = 0

    init(configuration: APNsConfiguration) async throws {
        let key: ES256PrivateKey
        do {
            key = try ES256PrivateKey(pem: configuration.privateKeyPEM)
        } catch {
            throw PushError.invalidCredentials("the APNs key is no P-256 private key in PEM (.p8): \(error)")
        }
        keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: JWKIdentifier(string: configuration.keyID))
        keyID = configuration.keyID
        teamID = configuration.teamID
        lifetime = configuration.tokenLifetime
        now = configuration.now
    }

    private var pending: Task<(String, Date), any Error>?

    /// The cached token while it is younger than the lifetime, read without the actor.
    nonisolated func cachedToken() -> String? {
        cached()?.token
    }

    /// The cached token and its `authorization` value (`bearer <token>`) while the token is
    /// younger than the lifetime, read without the actor.
    nonisolated func cached() -> (token: String, authorization: String)? {
        let date = now()
        return cache.withLock { current in
            guard let current, date.timeIntervalSince(current.issued) < Double(lifetime.components.seconds), date >= current.issued
            else { return nil }
            return (current.token, current.authorization)
        }
    }

    /// The token to send now: the cached one while it is younger than the lifetime.
    /// Concurrent callers share one signing (the actor is reentrant across the signing).
    func token() async throws -> String {
        let date = now()
        if let current, date.timeIntervalSince(current.issued) < Double(lifetime.components.seconds), date >= current.issued {
            return current.token
        }
        if let pending { return try await pending.value.0 }
        let task = Task { () throws -> (String, Date) in
            let claims = APNsProviderClaims(iss: self.teamID, iat: Int(date.timeIntervalSince1970))
            let header: JWTHeader = ["alg": "ES256", "kid": .string(self.keyID)]
            return (try await self.keys.sign(claims, kid: JWKIdentifier(string: self.keyID), header: header), date)
        }
        pending = task
        defer { pending = nil }
        let (token, issued) = try await task.value
        current = (token, issued)
        signed += 1
        return token
    }

    /// Forgets the cached token (after `ExpiredProviderToken`).
    func invalidate(_ token: String) {
        if current?.token == token { current = nil }
    }
}

/// Apple's APNs provider API over HTTP/2 with token-based authentication: its own
/// ``HTTP2PushTransport`` (a pool of one or two HTTP/2 connections carrying many concurrent
/// streams), one provider token signed with the team's key and renewed every
/// ``APNsConfiguration/tokenLifetime``.
///
/// Answers: 200 → ``PushResult/sent(id:)`` with `apns-id`; 410, or 400 `BadDeviceToken` →
/// ``PushResult/tokenGone(reason:status:)``; 429 and 5xx → ``PushResult/retry(reason:status:retryAfter:)``;
/// 403 `ExpiredProviderToken` → sent once more with a new token; any other status →
/// ``PushResult/permanent(reason:status:)`` with Apple's reason. No answer: the endpoint
/// unreachable, or the push still queued at its timeout → ``PushResult/retry(reason:status:retryAfter:)``;
/// the connection lost, the stream reset or the timeout reached with the push sent →
/// ``PushResult/possibleDuplicate(reason:)``.
public final class APNsClient: Sendable {
    /// The configuration.
    public let configuration: APNsConfiguration
    let transport: HTTP2PushTransport
    let providerToken: APNsProviderToken
    /// `:path` up to the device token.
    let pathPrefix: String
    let authority: String

    /// Creates a client with its own connections to the endpoint, trusting the system's roots
    /// and those in `caFile` (PEM). No connection is opened before the first push; close
    /// them with ``shutdown()``. Throws when the key, the endpoint or the CA file is unusable.
    public init(configuration: APNsConfiguration, caFile: String? = nil,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        self.configuration = configuration
        let baseURL = try APNsConfiguration.baseURL(configuration.endpoint)
        self.transport = try HTTP2PushTransport(url: baseURL, caFile: caFile, configuration: configuration.connections,
                                                eventLoopGroup: eventLoopGroup)
        self.pathPrefix = transport.pathPrefix + "/3/device/"
        self.authority = transport.authority
        self.providerToken = try await APNsProviderToken(configuration: configuration)
    }

    /// Closes the connections (idempotent); pushes after it fail as retries.
    public func shutdown() async {
        await transport.shutdown()
    }

    /// The executor of the event loop the client's connections run on: tasks that send many
    /// pushes run best on it (`TaskGroup.addTask(executorPreference:)`), the whole client
    /// then on one thread with no hop per push.
    public var taskExecutor: any TaskExecutor { transport.taskExecutor }

    /// How many HTTP/2 connections are open or being opened (tests).
    public var connectionCount: Int {
        get async { await transport.connectionCount }
    }

    /// The provider token the next request carries (tests and tools).
    public func currentProviderToken() async throws -> String {
        try await providerToken.token()
    }

    /// How many provider tokens this client has signed (tests).
    public var providerTokensSigned: Int {
        get async { await providerToken.signed }
    }

    /// Sends `notification` to `deviceToken` (hex). A payload over 4 KB is
    /// ``PushResult/permanent(reason:status:)`` without a request.
    public func send(_ notification: APNsNotification, to deviceToken: String) async -> PushResult {
        let payload: [UInt8]
        do {
            payload = try notification.payloadBytes()
        } catch {
            return .permanent(reason: "\(error)", status: nil)
        }
        return await send(body: ByteBuffer(bytes: payload), notification: notification, to: deviceToken)
    }

    /// Sends a prepared payload (checked by ``APNsNotification/payload()``) with the headers of
    /// `notification`.
    public func send(payload: Data, notification: APNsNotification, to deviceToken: String) async -> PushResult {
        await send(body: ByteBuffer(bytes: payload), notification: notification, to: deviceToken)
    }

    /// Sends a prepared payload (its readable bytes) with the headers of `notification`, on
    /// the caller's executor.
    nonisolated(nonsending) func send(body: ByteBuffer, notification: APNsNotification, to deviceToken: String) async -> PushResult {
        guard !deviceToken.isEmpty, deviceToken.utf8.allSatisfy({ Self.isHexDigit($0) }) else {
            return .tokenGone(reason: "BadDeviceToken (not a hex device token)", status: 400)
        }
        let length = body.readableBytes
        var renewed = false
        var waited = false
        while true {
            let token: String
            let authorization: String
            if let cached = providerToken.cached() {
                (token, authorization) = cached
            } else {
                do {
                    token = try await providerToken.token()
                } catch {
                    return .permanent(reason: "APNs provider token cannot be signed: \(error)", status: nil)
                }
                authorization = "bearer " + token
            }
            let headers = requestHeaders(notification, deviceToken: deviceToken, authorization: authorization, length: length)
            let answer: HTTP2Answer
            switch await transport.execute(headers: headers, body: body, timeout: configuration.timeout) {
            case .failure(let failure): return failure.result
            case .success(let value): answer = value
            }
            let body = Data(answer.body)
            let result = Self.result(status: answer.status, headers: answer.headers, body: body, now: configuration.now())
            if answer.status == 403, !renewed, Self.reason(body) == "ExpiredProviderToken" {
                await providerToken.invalidate(token)
                renewed = true
                continue
            }
            if case .retry(_, _, let after?) = result, !waited, after <= configuration.maxRetryAfterWait {
                waited = true
                try? await Task.sleep(for: after)
                continue
            }
            return result
        }
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }

    /// The request's header block: pseudo-headers, the provider token, the `apns-*` headers.
    /// The device token's path is never put in the HPACK table; the rest repeats and is.
    func requestHeaders(_ notification: APNsNotification, deviceToken: String, providerToken: String, length: Int) -> HPACKHeaders {
        requestHeaders(notification, deviceToken: deviceToken, authorization: "bearer " + providerToken, length: length)
    }

    /// ``requestHeaders(_:deviceToken:providerToken:length:)`` with the `authorization` value
    /// made already (`bearer <token>`, cached with the token).
    func requestHeaders(_ notification: APNsNotification, deviceToken: String, authorization: String, length: Int) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.reserveCapacity(12)
        headers.add(name: ":method", value: "POST")
        headers.add(name: ":scheme", value: "https")
        headers.add(name: ":authority", value: authority)
        headers.add(name: ":path", value: pathPrefix + deviceToken, indexing: .nonIndexable)
        headers.add(name: "authorization", value: authorization)
        headers.add(name: "apns-topic", value: configuration.topic)
        headers.add(name: "apns-push-type", value: notification.pushType)
        if var priority = notification.priority {
            if notification.pushType == "background" { priority = min(priority, 5) }  // Apple refuses 10 for background pushes
            headers.add(name: "apns-priority", value: String(priority))
        }
        let expiration = notification.expiration.map { Int($0.timeIntervalSince1970) } ?? 0
        headers.add(name: "apns-expiration", value: String(max(0, expiration)))
        if let collapse = notification.collapseID, !collapse.isEmpty {
            headers.add(name: "apns-collapse-id", value: collapse, indexing: .nonIndexable)
        }
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(length))
        return headers
    }

    /// Apple's `reason`, or nil.
    static func reason(_ body: Data) -> String? {
        PushJSON.object(body)?["reason"] as? String
    }

    /// The result of an answered request.
    static func result(status: Int, headers: HPACKHeaders, body: Data, now: Date = Date()) -> PushResult {
        if status == 200 { return .sent(id: headers.first(name: "apns-id") ?? "") }
        let reason = Self.reason(body)
        let said = reason ?? PushJSON.excerpt(body)
        switch status {
        case 410:
            return .tokenGone(reason: reason ?? "Unregistered", status: status)
        case 400 where reason == "BadDeviceToken":
            return .tokenGone(reason: "BadDeviceToken", status: status)
        case 429, 500..<600:
            return .retry(reason: "APNs \(status): \(said)", status: status,
                          retryAfter: RetryAfter.parse(headers.first(name: "retry-after"), now: now))
        default:
            return .permanent(reason: "APNs \(status): \(said)", status: status)
        }
    }
}
