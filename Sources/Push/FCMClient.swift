import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore
import NIOHTTP1

/// A Google service account as its JSON key file gives it (the fields FCM needs).
public struct FCMServiceAccount: Sendable, Hashable, Decodable {
    /// The Firebase project.
    public var projectID: String
    /// The account's e-mail (the assertion's `iss`).
    public var clientEmail: String
    /// The RSA private key (PEM).
    public var privateKey: String
    /// The key's id (the assertion's `kid`), when given.
    public var privateKeyID: String?
    /// Google's OAuth2 token endpoint (the assertion's `aud`).
    public var tokenURI: String

    enum CodingKeys: String, CodingKey {
        case projectID = "project_id", clientEmail = "client_email", privateKey = "private_key"
        case privateKeyID = "private_key_id", tokenURI = "token_uri"
    }

    /// Creates an account.
    public init(projectID: String, clientEmail: String, privateKey: String, privateKeyID: String? = nil,
                tokenURI: String = "https://oauth2.googleapis.com/token") {
        self.projectID = projectID
        self.clientEmail = clientEmail
        self.privateKey = privateKey
        self.privateKeyID = privateKeyID
        self.tokenURI = tokenURI
    }

    /// Reads a service-account JSON key file's contents.
    public init(json: Data) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: json)
        } catch {
            throw PushError.invalidCredentials("not a service-account JSON with project_id, client_email, private_key and token_uri: \(error)")
        }
    }
}

/// Where and as whom an ``FCMClient`` sends.
public struct FCMConfiguration: Sendable {
    /// Google's FCM endpoint.
    public static let production = "https://fcm.googleapis.com"
    /// The OAuth2 scope FCM needs.
    public static let scope = "https://www.googleapis.com/auth/firebase.messaging"

    /// The service account.
    public var account: FCMServiceAccount
    /// The FCM endpoint (`https://fcm.googleapis.com`).
    public var endpoint: String
    /// The token endpoint; nil uses the account's `token_uri`.
    public var tokenEndpoint: String?
    /// An access token is renewed this long before it expires.
    public var refreshMargin: Duration
    /// Time allowed for one request, answer included.
    public var timeout: Duration
    /// The longest `Retry-After` waited for before sending once more in the same call.
    public var maxRetryAfterWait: Duration
    /// The clock (tests move it).
    public var now: @Sendable () -> Date

    /// Creates a configuration.
    public init(account: FCMServiceAccount, endpoint: String = FCMConfiguration.production, tokenEndpoint: String? = nil,
                refreshMargin: Duration = .seconds(300), timeout: Duration = .seconds(30),
                maxRetryAfterWait: Duration = .seconds(10), now: @escaping @Sendable () -> Date = { Date() }) {
        self.account = account
        self.endpoint = endpoint
        self.tokenEndpoint = tokenEndpoint
        self.refreshMargin = refreshMargin
        self.timeout = timeout
        self.maxRetryAfterWait = maxRetryAfterWait
        self.now = now
    }
}

/// One FCM message (HTTP v1 `message`): a notification, string data and Android/APNs options.
public struct FCMMessage: Sendable, Hashable {
    /// The notification title.
    public var title: String?
    /// The notification body.
    public var body: String?
    /// Custom data: a JSON object as text; values that are not strings are sent as their JSON text.
    public var customData: String?
    /// Android `collapse_key`.
    public var collapseKey: String?
    /// Until when FCM keeps the message (Android `ttl`, APNs `apns-expiration`).
    public var expiration: Date?
    /// The limit FCM puts on a message's payload, in bytes.
    public static let maxPayloadBytes = 4096

    /// Creates a message.
    public init(title: String? = nil, body: String? = nil, customData: String? = nil, collapseKey: String? = nil, expiration: Date? = nil) {
        self.title = title
        self.body = body
        self.customData = customData
        self.collapseKey = collapseKey
        self.expiration = expiration
    }

    /// The request body of `messages:send` for `token`; the notification and data together
    /// are checked against ``maxPayloadBytes``.
    public func requestBody(token: String, now: Date = Date()) throws -> Data {
        var message: [String: Any] = ["token": token]
        var notification: [String: Any] = [:]
        if let title { notification["title"] = title }
        if let body { notification["body"] = body }
        if !notification.isEmpty { message["notification"] = notification }
        if let custom = try PushJSON.customObject(customData) {
            var data: [String: String] = [:]
            for (key, value) in custom {
                if let text = value as? String {
                    data[key] = text
                } else if let json = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
                    data[key] = String(decoding: json, as: UTF8.self)
                }
            }
            message["data"] = data
        }
        let payloadSize = try JSONSerialization.data(withJSONObject: [notification, message["data"] ?? [:]]).count
        guard payloadSize <= Self.maxPayloadBytes else {
            throw PushError.payloadTooLarge(size: payloadSize, limit: Self.maxPayloadBytes)
        }
        var android: [String: Any] = [:]
        if let collapseKey, !collapseKey.isEmpty { android["collapse_key"] = collapseKey }
        if let expiration {
            android["ttl"] = "\(max(0, Int(expiration.timeIntervalSince(now))))s"
            message["apns"] = ["headers": ["apns-expiration": String(Int(expiration.timeIntervalSince1970))]]
        }
        if !android.isEmpty { message["android"] = android }
        return try JSONSerialization.data(withJSONObject: ["message": message], options: [.withoutEscapingSlashes, .sortedKeys])
    }
}

/// The claims of the service account's assertion (RFC 7523).
public struct FCMAssertionClaims: JWTPayload, Equatable {
    /// The service account's e-mail.
    public var iss: String
    /// The OAuth2 scope asked for.
    public var scope: String
    /// The token endpoint.
    public var aud: String
    /// Issued at (seconds since 1970).
    public var iat: Int
    /// Expires at (seconds since 1970), an hour after ``iat``.
    public var exp: Int

    /// Creates the claims.
    public init(iss: String, scope: String, aud: String, iat: Int, exp: Int) {
        self.iss = iss
        self.scope = scope
        self.aud = aud
        self.iat = iat
        self.exp = exp
    }

    /// The token endpoint checks the claims.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The OAuth2 access token an ``FCMClient`` sends, fetched with a signed assertion and kept
/// until ``FCMConfiguration/refreshMargin`` before it expires.
actor FCMAccessToken {
    private let keys: JWTKeyCollection
    private let configuration: FCMConfiguration
    private let exchange: PushExchange
    private var current: (token: String, expires: Date)?
    private var pending: Task<Result<String, PushFailure>, Never>?
    /// How many access tokens were fetched (tests).
    private(set) var fetched = 0

    init(configuration: FCMConfiguration, exchange: PushExchange) async throws {
        let key: Insecure.RSA.PrivateKey
        do {
            key = try Insecure.RSA.PrivateKey(pem: configuration.account.privateKey)
        } catch {
            throw PushError.invalidCredentials("the service account's private_key is no RSA key in PEM: \(error)")
        }
        keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256)
        self.configuration = configuration
        self.exchange = exchange
    }

    var tokenEndpoint: String { configuration.tokenEndpoint ?? configuration.account.tokenURI }

    /// The access token to send now, fetched when there is none or it is about to expire.
    /// Concurrent callers share one fetch.
    func token() async -> Result<String, PushFailure> {
        let now = configuration.now()
        if let current, now.addingTimeInterval(Double(configuration.refreshMargin.components.seconds)) < current.expires {
            return .success(current.token)
        }
        if let pending { return await pending.value }
        let task = Task { await self.fetch() }
        pending = task
        let result = await task.value
        pending = nil
        return result
    }

    /// Forgets `token` (after a 401).
    func invalidate(_ token: String) {
        if current?.token == token { current = nil }
    }

    /// The signed assertion for the token endpoint.
    func assertion() async throws -> String {
        let iat = Int(configuration.now().timeIntervalSince1970)
        let claims = FCMAssertionClaims(iss: configuration.account.clientEmail, scope: FCMConfiguration.scope,
                                        aud: configuration.account.tokenURI, iat: iat, exp: iat + 3600)
        var header: JWTHeader = ["alg": "RS256", "typ": "JWT"]
        if let kid = configuration.account.privateKeyID { header.kid = kid }
        return try await keys.sign(claims, header: header)
    }

    private func fetch() async -> Result<String, PushFailure> {
        let assertion: String
        do {
            assertion = try await self.assertion()
        } catch {
            return .failure(PushFailure(result: .permanent(reason: "FCM assertion cannot be signed: \(error)", status: nil)))
        }
        var request = HTTPClientRequest(url: tokenEndpoint)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
        let form = "grant_type=" + Self.formEncode("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + assertion
        request.body = .bytes(ByteBuffer(string: form))
        let started = configuration.now()
        switch await exchange.execute(request) {
        case .failure(let failure):
            if case .possibleDuplicate(let reason) = failure.result {
                return .failure(PushFailure(result: .retry(reason: "FCM token endpoint: \(reason)", status: nil, retryAfter: nil)))
            }
            return .failure(failure)
        case .success(let answer):
            let json = PushJSON.object(answer.body)
            guard answer.status == 200, let token = json?["access_token"] as? String, !token.isEmpty else {
                let said = (json?["error_description"] as? String) ?? (json?["error"] as? String) ?? PushJSON.excerpt(answer.body)
                let reason = "FCM token endpoint \(answer.status): \(said)"
                if answer.status == 429 || answer.status >= 500 {
                    return .failure(PushFailure(result: .retry(reason: reason, status: answer.status,
                        retryAfter: RetryAfter.parse(answer.headers.first(name: "retry-after")))))
                }
                return .failure(PushFailure(result: .permanent(reason: reason, status: answer.status)))
            }
            let lifetime = (json?["expires_in"] as? Int) ?? (json?["expires_in"] as? Double).map { Int($0) } ?? 3600
            current = (token, started.addingTimeInterval(Double(lifetime)))
            fetched += 1
            return .success(token)
        }
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Firebase Cloud Messaging HTTP v1: `POST {endpoint}/v1/projects/{project}/messages:send`
/// with an OAuth2 access token from the service account (cached until shortly before it
/// expires; fetched again once on a 401).
///
/// Answers: 200 → ``PushResult/sent(id:)`` with the message name; `UNREGISTERED`, or
/// `INVALID_ARGUMENT` about the token → ``PushResult/tokenGone(reason:status:)``;
/// `QUOTA_EXCEEDED`, `UNAVAILABLE`, `INTERNAL` (429, 503, 500) and other 5xx →
/// ``PushResult/retry(reason:status:retryAfter:)`` with `Retry-After`; anything else →
/// ``PushResult/permanent(reason:status:)``.
public final class FCMClient: Sendable {
    /// The configuration.
    public let configuration: FCMConfiguration
    let sendURL: String
    let exchange: PushExchange
    let accessToken: FCMAccessToken

    /// Creates a client sending through `httpClient`, which the caller shuts down.
    public init(configuration: FCMConfiguration, httpClient: HTTPClient) async throws {
        self.configuration = configuration
        var endpoint = configuration.endpoint.trimmingCharacters(in: .whitespaces)
        if endpoint.hasSuffix("/") { endpoint.removeLast() }
        guard let url = URL(string: endpoint), url.scheme?.lowercased() == "https", url.host != nil else {
            throw PushError.invalidEndpoint("FCM endpoint must be an https URL, got '\(configuration.endpoint)'")
        }
        if let tokenEndpoint = configuration.tokenEndpoint {
            guard let url = URL(string: tokenEndpoint), url.scheme?.lowercased() == "https", url.host != nil else {
                throw PushError.invalidEndpoint("FCM token endpoint must be an https URL, got '\(tokenEndpoint)'")
            }
        }
        self.sendURL = "\(endpoint)/v1/projects/\(configuration.account.projectID)/messages:send"
        self.exchange = PushExchange(client: httpClient, timeout: configuration.timeout, provider: "FCM")
        self.accessToken = try await FCMAccessToken(configuration: configuration, exchange: exchange)
    }

    /// How many access tokens this client has fetched (tests).
    public var accessTokensFetched: Int {
        get async { await accessToken.fetched }
    }

    /// The assertion the client would send to the token endpoint now (tests and tools).
    public func signedAssertion() async throws -> String {
        try await accessToken.assertion()
    }

    /// Sends `message` to the registration token `token`.
    public func send(_ message: FCMMessage, to token: String) async -> PushResult {
        let body: Data
        do {
            body = try message.requestBody(token: token, now: configuration.now())
        } catch {
            return .permanent(reason: "\(error)", status: nil)
        }
        var refreshed = false
        var waited = false
        while true {
            let access: String
            switch await accessToken.token() {
            case .failure(let failure): return failure.result
            case .success(let value): access = value
            }
            var request = HTTPClientRequest(url: sendURL)
            request.method = .POST
            request.headers.add(name: "authorization", value: "Bearer \(access)")
            request.headers.add(name: "content-type", value: "application/json; charset=UTF-8")
            request.body = .bytes(ByteBuffer(bytes: body))
            let answer: PushExchange.Answer
            switch await exchange.execute(request) {
            case .failure(let failure): return failure.result
            case .success(let value): answer = value
            }
            if answer.status == 401, !refreshed {
                await accessToken.invalidate(access)
                refreshed = true
                continue
            }
            let result = Self.result(status: answer.status, headers: answer.headers, body: answer.body, now: configuration.now())
            if case .retry(_, _, let after?) = result, !waited, after <= configuration.maxRetryAfterWait {
                waited = true
                try? await Task.sleep(for: after)
                continue
            }
            return result
        }
    }

    /// The result of an answered `messages:send`.
    static func result(status: Int, headers: HTTPHeaders, body: Data, now: Date = Date()) -> PushResult {
        let json = PushJSON.object(body)
        if status == 200 {
            return .sent(id: (json?["name"] as? String) ?? "")
        }
        let error = json?["error"] as? [String: Any]
        let statusName = error?["status"] as? String
        let message = error?["message"] as? String ?? PushJSON.excerpt(body)
        let details = error?["details"] as? [[String: Any]] ?? []
        let errorCode = details.lazy.compactMap { $0["errorCode"] as? String }.first ?? statusName
        let aboutToken = details.contains { detail in
            (detail["fieldViolations"] as? [[String: Any]] ?? []).contains { ($0["field"] as? String)?.contains("token") == true }
        } || message.lowercased().contains("token")
        let reason = "FCM \(status) \(errorCode ?? "error"): \(message)"
        let retryAfter = RetryAfter.parse(headers.first(name: "retry-after"), now: now)
        switch errorCode {
        case "UNREGISTERED":
            return .tokenGone(reason: "UNREGISTERED: \(message)", status: status)
        case "INVALID_ARGUMENT" where aboutToken:
            return .tokenGone(reason: "INVALID_ARGUMENT: \(message)", status: status)
        case "QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL":
            return .retry(reason: reason, status: status, retryAfter: retryAfter)
        default:
            if status == 429 || status >= 500 {
                return .retry(reason: reason, status: status, retryAfter: retryAfter)
            }
            return .permanent(reason: reason, status: status)
        }
    }
}
