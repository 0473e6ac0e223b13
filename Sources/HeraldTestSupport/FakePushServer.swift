import Crypto
import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix
import NIOSSL
import Synchronization
import _CryptoExtras

/// An in-process HTTP/2 server over TLS (a throw-away ``TestCertificateAuthority``) that answers
/// like Apple's APNs provider API and like FCM HTTP v1 with its OAuth2 token endpoint — the
/// push clients' tests and the sink of `herald bench push`.
///
/// With ``Options/checks`` on, every request is checked as the provider would: APNs provider
/// tokens (ES256 JWTs) verified with swift-crypto against the team's public key (each distinct
/// token once per connection), the `apns-*` headers and the payload; FCM assertions (RS256)
/// verified against the service account's public key, access tokens issued and checked on
/// `messages:send`. A request that passes is answered by the ``Script`` (by default 200).
/// With checks off, each request is still parsed and answered (the bench's fast path).
public final class FakePushServer: Sendable {
    /// One request as received.
    public struct Request: Sendable {
        /// `:method`.
        public var method: String
        /// `:path`.
        public var path: String
        /// The regular headers (names in lower case).
        public var headers: [(String, String)]
        /// The body.
        public var body: [UInt8]
        /// The device or registration token the request pushes to (APNs path, FCM `message.token`).
        public var pushToken: String?

        /// The first header named `name` (any case).
        public func header(_ name: String) -> String? {
            let name = name.lowercased()
            return headers.first { $0.0 == name }?.1
        }

        /// The body as a JSON object, if it is one.
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }
    }

    /// An answer.
    public struct Response: Sendable {
        /// The HTTP status.
        public var status: Int
        /// Extra headers.
        public var headers: [(String, String)]
        /// The body.
        public var body: String
        /// How long the server waits before answering; nil answers at once.
        public var delay: Duration?

        /// Creates an answer.
        public init(status: Int, headers: [(String, String)] = [], body: String = "", delay: Duration? = nil) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }

        /// No answer at all: the stream is left open (a client's timeout).
        public static let noAnswer = Response(status: 0)

        /// APNs' error answer: `{"reason": …}` (410 also with a `timestamp`).
        public static func apns(_ status: Int, reason: String, retryAfter: Int? = nil) -> Response {
            let body = status == 410
                ? #"{"reason":"\#(reason)","timestamp":\#(Int(Date().timeIntervalSince1970 * 1000))}"#
                : #"{"reason":"\#(reason)"}"#
            return Response(status: status, headers: retryAfter.map { [("retry-after", String($0))] } ?? [], body: body)
        }

        /// FCM's error answer, with an `FcmError` detail when `errorCode` is given.
        public static func fcm(_ status: Int, _ statusName: String, errorCode: String? = nil, message: String = "fake error",
                               retryAfter: Int? = nil) -> Response {
            let details = errorCode.map {
                #","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"\#($0)"}]"#
            } ?? ""
            return Response(status: status, headers: retryAfter.map { [("retry-after", String($0))] } ?? [],
                            body: #"{"error":{"code":\#(status),"message":"\#(message)","status":"\#(statusName)"\#(details)}}"#)
        }
    }

    /// What the server checks and knows.
    public struct Options: Sendable {
        /// APNs signing keys by key id (`kid`).
        public var apnsKeys: [String: P256.Signing.PublicKey]
        /// The team id every provider token must name (`iss`); nil accepts any.
        public var apnsTeamID: String?
        /// The topic every push must name; nil accepts any non-empty one.
        public var apnsTopic: String?
        /// The service account's public key; nil refuses every assertion.
        public var fcmKey: _RSA.Signing.PublicKey?
        /// The service account's e-mail (`iss` of assertions); nil accepts any.
        public var fcmClientEmail: String?
        /// The Firebase project of `messages:send`; nil accepts any.
        public var fcmProject: String?
        /// Lifetime of the access tokens issued, seconds.
        public var accessTokenLifetime: Int
        /// Whether requests are checked as the provider would.
        public var checks: Bool
        /// Whether requests are recorded (``requests``).
        public var record: Bool
        /// Faults to inject.
        public var faults: Faults

        /// Creates options.
        public init(apnsKeys: [String: P256.Signing.PublicKey] = [:], apnsTeamID: String? = nil, apnsTopic: String? = nil,
                    fcmKey: _RSA.Signing.PublicKey? = nil, fcmClientEmail: String? = nil, fcmProject: String? = nil,
                    accessTokenLifetime: Int = 3600, checks: Bool = true, record: Bool = true, faults: Faults = Faults()) {
            self.apnsKeys = apnsKeys
            self.apnsTeamID = apnsTeamID
            self.apnsTopic = apnsTopic
            self.fcmKey = fcmKey
            self.fcmClientEmail = fcmClientEmail
            self.fcmProject = fcmProject
            self.accessTokenLifetime = accessTokenLifetime
            self.checks = checks
            self.record = record
            self.faults = faults
        }
    }

    /// Faults the server injects (the HTTP/2 transport's tests). The connection faults hit the
    /// first connection only; the ones after it are served normally.
    public struct Faults: Sendable {
        /// After this many requests answered on the first connection, the next request is not
        /// processed: the server sends `GOAWAY` naming the last stream it answered and answers
        /// no stream above it.
        public var goAwayAfter: Int?
        /// After this many requests answered on the first connection, the next request closes
        /// the TCP connection with the streams in flight unanswered (no GOAWAY).
        public var dropAfter: Int?
        /// `SETTINGS_MAX_CONCURRENT_STREAMS` announced to clients.
        public var maxConcurrentStreams: Int
        /// Every answer delayed by this long (streams stay open meanwhile).
        public var answerDelay: Duration?

        /// Creates faults (none by default).
        public init(goAwayAfter: Int? = nil, dropAfter: Int? = nil, maxConcurrentStreams: Int = 1000, answerDelay: Duration? = nil) {
            self.goAwayAfter = goAwayAfter
            self.dropAfter = dropAfter
            self.maxConcurrentStreams = maxConcurrentStreams
            self.answerDelay = answerDelay
        }
    }

    /// Answers a request that passed the checks (`index` counts the requests so far); nil
    /// gives the default answer (200).
    public typealias Script = @Sendable (_ request: Request, _ index: Int) -> Response?

    /// The path of the OAuth2 token endpoint.
    public static let tokenPath = "/token"

    /// The options.
    public let options: Options
    /// The certificate authority whose `localhost` certificate the server presents.
    public let authority: TestCertificateAuthority
    private let script: Script?
    private let group: MultiThreadedEventLoopGroup
    private let channel: Mutex<(any Channel)?> = Mutex(nil)
    private let recorded = Mutex<[Request]>([])
    private let counter = Atomic<Int>(0)
    private let connections = Atomic<Int>(0)
    private let openStreamsPeak = Atomic<Int>(0)
    private let tokens = Mutex<State>(State())

    struct State {
        var providerTokens: [String] = []
        var accessTokens: [String: Date] = [:]
        var assertions: [String] = []
    }

    /// Creates a server (not yet listening); `threads` event-loop threads serve it.
    public init(options: Options, threads: Int = 1, script: Script? = nil) async throws {
        self.options = options
        self.authority = try await TestCertificateAuthority.make(name: "Herald push test CA")
        self.script = script
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    }

    /// The requests received (with ``Options/record``).
    public var requests: [Request] { recorded.withLock { $0 } }
    /// How many requests were answered.
    public var requestCount: Int { counter.load(ordering: .relaxed) }
    /// How many connections were accepted.
    public var connectionCount: Int { connections.load(ordering: .relaxed) }
    /// The most streams seen open at once on one connection.
    public var maxOpenStreams: Int { openStreamsPeak.load(ordering: .relaxed) }
    /// The distinct APNs provider tokens that passed verification, in order.
    public var providerTokens: [String] { tokens.withLock { $0.providerTokens } }
    /// The FCM assertions that passed verification, in order.
    public var assertions: [String] { tokens.withLock { $0.assertions } }
    /// The access tokens issued and not revoked.
    public var accessTokens: [String] { tokens.withLock { Array($0.accessTokens.keys) } }
    /// The port listened on.
    public var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }
    /// `https://127.0.0.1:<port>` (the certificate names `localhost` and `127.0.0.1`).
    public var endpoint: String { "https://127.0.0.1:\(port)" }
    /// The token endpoint's URL.
    public var tokenEndpoint: String { endpoint + Self.tokenPath }
    /// A PEM file of the CA that signed the server's certificate.
    public var caFile: String { authority.caFile }

    /// Makes every access token issued so far invalid (the next `messages:send` is a 401).
    public func revokeAccessTokens() {
        tokens.withLock { $0.accessTokens.removeAll() }
    }

    /// Starts listening on a free loopback port.
    public func start() async throws {
        let context = try authority.serverContext(alpn: ["h2"])
        let settings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: options.faults.maxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: HPACKDecoder.defaultMaxHeaderListSize),
            HTTP2Setting(parameter: .initialWindowSize, value: 1 << 20),
        ]
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                do {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
                let connection = Connection(index: self.connections.add(1, ordering: .relaxed).newValue)
                return channel.configureHTTP2Pipeline(mode: .server, initialLocalSettings: settings, targetWindowSize: 1 << 20) { stream in
                    stream.eventLoop.makeCompletedFuture {
                        try stream.pipeline.syncOperations.addHandler(StreamHandler(server: self, connection: connection))
                    }
                }.map { _ in }
            }
        let bound = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = bound }
    }

    /// Stops listening and shuts the event loops down.
    public func stop() async throws {
        let bound = channel.withLock { $0 }
        try? await bound?.close()
        try await group.shutdownGracefully()
        authority.removeFiles()
    }

    /// Runs `body` with a started server, stopping it afterwards.
    public static func with<T>(options: Options, script: Script? = nil, _ body: (FakePushServer) async throws -> T) async throws -> T {
        let server = try await FakePushServer(options: options, script: script)
        try await server.start()
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// Per connection: the provider tokens already verified on it, its streams and faults.
    final class Connection: Sendable {
        /// 1 for the first connection accepted.
        let index: Int
        let verified = Mutex<Set<String>>([])
        let streams = Mutex<Streams>(Streams())

        struct Streams {
            var open = 0
            var answered = 0
            var lastAnswered = HTTP2StreamID.rootStream
            var wentAway = false
        }

        init(index: Int) {
            self.index = index
        }
    }

    fileprivate func streamOpened(_ connection: Connection) {
        let open = connection.streams.withLock { $0.open += 1; return $0.open }
        openStreamsPeak.max(open, ordering: .relaxed)
    }

    // MARK: Answering

    fileprivate func answer(_ request: inout Request, connection: Connection) -> Response {
        let index = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        if !options.checks {
            if options.record { recorded.withLock { $0.append(request) } }
            if request.path.hasPrefix("/3/device/") {
                return Response(status: 200, headers: [("apns-id", UUID().uuidString)])
            }
            return Response(status: 200, body: #"{"name":"projects/bench/messages/\#(index)"}"#)
        }
        let refusal: Response?
        if request.path.hasPrefix("/3/device/") {
            refusal = checkAPNs(&request, connection: connection)
        } else if request.path == Self.tokenPath {
            if options.record { recorded.withLock { $0.append(request) } }
            return tokenAnswer(request)
        } else if request.path.hasPrefix("/v1/projects/") {
            refusal = checkFCM(&request)
        } else {
            refusal = Response(status: 404, body: #"{"reason":"BadPath"}"#)
        }
        if options.record { recorded.withLock { $0.append(request) } }
        if let refusal { return refusal }
        if let scripted = script?(request, index) { return scripted }
        if request.path.hasPrefix("/3/device/") {
            return Response(status: 200, headers: [("apns-id", UUID().uuidString)])
        }
        let project = request.path.split(separator: "/").dropFirst(2).first.map(String.init) ?? "p"
        return Response(status: 200, body: #"{"name":"projects/\#(project)/messages/\#(index)"}"#)
    }

    private func checkAPNs(_ request: inout Request, connection: Connection) -> Response? {
        let token = String(request.path.dropFirst("/3/device/".count))
        request.pushToken = token
        guard request.method == "POST" else { return .apns(405, reason: "MethodNotAllowed") }
        guard let authorization = request.header("authorization") else { return .apns(403, reason: "MissingProviderToken") }
        guard authorization.lowercased().hasPrefix("bearer ") else { return .apns(403, reason: "InvalidProviderToken") }
        let jwt = String(authorization.dropFirst("bearer ".count))
        if !connection.verified.withLock({ $0.contains(jwt) }) {
            if let refusal = verifyProviderToken(jwt) { return refusal }
            connection.verified.withLock { _ = $0.insert(jwt) }
            tokens.withLock { if !$0.providerTokens.contains(jwt) { $0.providerTokens.append(jwt) } }
        }
        guard let topic = request.header("apns-topic"), !topic.isEmpty else { return .apns(400, reason: "MissingTopic") }
        if let expected = options.apnsTopic, topic != expected { return .apns(400, reason: "DeviceTokenNotForTopic") }
        let pushTypes: Set = ["alert", "background", "location", "voip", "complication", "fileprovider", "mdm", "liveactivity", "pushtotalk"]
        guard let pushType = request.header("apns-push-type"), pushTypes.contains(pushType) else {
            return .apns(400, reason: "InvalidPushType")
        }
        if let priority = request.header("apns-priority"), !["1", "5", "10"].contains(priority) { return .apns(400, reason: "BadPriority") }
        if let expiration = request.header("apns-expiration"), Int(expiration) == nil { return .apns(400, reason: "BadExpirationDate") }
        if let collapse = request.header("apns-collapse-id"), collapse.utf8.count > 64 { return .apns(400, reason: "BadCollapseId") }
        guard !token.isEmpty, token.allSatisfy(\.isHexDigit) else { return .apns(400, reason: "BadDeviceToken") }
        if request.body.isEmpty { return .apns(400, reason: "PayloadEmpty") }
        if request.body.count > 4096 { return .apns(413, reason: "PayloadTooLarge") }
        guard let json = request.json, json["aps"] is [String: Any] else { return .apns(400, reason: "BadPayload") }
        return nil
    }

    /// Verifies an APNs provider token: ES256, a known `kid`, `iss` the team, `iat` within the hour.
    private func verifyProviderToken(_ jwt: String) -> Response? {
        guard let parts = JWTParts(jwt), parts.header["alg"] as? String == "ES256",
              let kid = parts.header["kid"] as? String, let key = options.apnsKeys[kid],
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: parts.signature),
              key.isValidSignature(signature, for: SHA256.hash(data: parts.signingInput))
        else { return .apns(403, reason: "InvalidProviderToken") }
        if let team = options.apnsTeamID, parts.claims["iss"] as? String != team { return .apns(403, reason: "InvalidProviderToken") }
        guard let iat = parts.claims["iat"] as? Int else { return .apns(403, reason: "InvalidProviderToken") }
        let now = Int(Date().timeIntervalSince1970)
        if iat > now + 60 { return .apns(403, reason: "InvalidProviderToken") }
        if now - iat > 3600 { return .apns(403, reason: "ExpiredProviderToken") }
        return nil
    }

    private func tokenAnswer(_ request: Request) -> Response {
        func refuse(_ text: String) -> Response {
            Response(status: 400, body: #"{"error":"invalid_grant","error_description":"\#(text)"}"#)
        }
        var form: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if kv.count == 2 { form[kv[0]] = kv[1] }
        }
        guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" else {
            return Response(status: 400, body: #"{"error":"unsupported_grant_type"}"#)
        }
        guard let assertion = form["assertion"], let parts = JWTParts(assertion), parts.header["alg"] as? String == "RS256",
              let key = options.fcmKey,
              key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: parts.signature),
                                   for: SHA256.hash(data: parts.signingInput), padding: .insecurePKCS1v1_5)
        else { return refuse("Invalid JWT Signature.") }
        let now = Int(Date().timeIntervalSince1970)
        guard let iat = parts.claims["iat"] as? Int, let exp = parts.claims["exp"] as? Int,
              iat <= now + 60, exp > now, exp - iat <= 3600
        else { return refuse("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.") }
        if let email = options.fcmClientEmail, parts.claims["iss"] as? String != email { return refuse("Invalid issuer.") }
        guard (parts.claims["scope"] as? String)?.split(separator: " ").contains("https://www.googleapis.com/auth/firebase.messaging") == true
        else { return refuse("Invalid scope.") }
        guard (parts.claims["aud"] as? String)?.isEmpty == false else { return refuse("Invalid audience.") }
        let token = "ya29.fake-\(UUID().uuidString)"
        tokens.withLock {
            $0.accessTokens[token] = Date().addingTimeInterval(Double(options.accessTokenLifetime))
            $0.assertions.append(assertion)
        }
        return Response(status: 200, headers: [("content-type", "application/json")],
                        body: #"{"access_token":"\#(token)","expires_in":\#(options.accessTokenLifetime),"token_type":"Bearer"}"#)
    }

    private func checkFCM(_ request: inout Request) -> Response? {
        let parts = request.path.split(separator: "/")
        guard request.method == "POST", parts.count == 4, parts[0] == "v1", parts[1] == "projects", parts[3] == "messages:send" else {
            return .fcm(404, "NOT_FOUND", message: "unknown path \(request.path)")
        }
        guard let authorization = request.header("authorization"), authorization.hasPrefix("Bearer ") else {
            return .fcm(401, "UNAUTHENTICATED", message: "Request is missing required authentication credential.")
        }
        let token = String(authorization.dropFirst("Bearer ".count))
        let valid = tokens.withLock { state in state.accessTokens[token].map { $0 > Date() } ?? false }
        guard valid else { return .fcm(401, "UNAUTHENTICATED", message: "Request had invalid authentication credentials.") }
        if let project = options.fcmProject, parts[2] != project {
            return .fcm(403, "PERMISSION_DENIED", errorCode: "SENDER_ID_MISMATCH", message: "project mismatch")
        }
        guard let message = request.json?["message"] as? [String: Any], let target = message["token"] as? String, !target.isEmpty else {
            return .fcm(400, "INVALID_ARGUMENT", errorCode: "INVALID_ARGUMENT", message: "Request contains an invalid argument.")
        }
        request.pushToken = target
        if let data = message["data"] {
            guard let data = data as? [String: Any], data.values.allSatisfy({ $0 is String }) else {
                return .fcm(400, "INVALID_ARGUMENT", errorCode: "INVALID_ARGUMENT", message: "Invalid value at 'message.data'")
            }
        }
        return nil
    }

    // MARK: HTTP/2 streams

    private final class StreamHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTP2Frame.FramePayload
        typealias OutboundOut = HTTP2Frame.FramePayload
        let server: FakePushServer
        let connection: Connection
        var request = Request(method: "", path: "", headers: [], body: [])
        var counted = false

        /// Whether headers and body are kept (checks or recording on); else only `:method`
        /// and `:path` are (the bench's fast path: HPACK and frames still decoded, the body read).
        let keep: Bool

        init(server: FakePushServer, connection: Connection) {
            self.server = server
            self.connection = connection
            self.keep = server.options.checks || server.options.record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .headers(let headers):
                if !counted {
                    counted = true
                    server.streamOpened(connection)
                }
                for (name, value, _) in headers.headers {
                    switch name {
                    case ":method": request.method = value
                    case ":path": request.path = value
                    case _ where name.hasPrefix(":"): break
                    default: if keep { request.headers.append((name, value)) }
                    }
                }
                if headers.endStream { respond(context: context) }
            case .data(let payload):
                if case .byteBuffer(var buffer) = payload.data {
                    if keep { request.body += buffer.readBytes(length: buffer.readableBytes) ?? [] }
                }
                if payload.endStream { respond(context: context) }
            default:
                break
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            if counted { connection.streams.withLock { $0.open -= 1 } }
            context.fireChannelInactive()
        }

        /// The connection faults: whether this request is left unprocessed.
        func injectFault(context: ChannelHandlerContext) -> Bool {
            let faults = server.options.faults
            guard connection.index == 1, faults.goAwayAfter != nil || faults.dropAfter != nil,
                  let parent = context.channel.parent else { return false }
            let (answered, last, wentAway) = connection.streams.withLock { ($0.answered, $0.lastAnswered, $0.wentAway) }
            if let limit = faults.dropAfter, answered >= limit {
                parent.close(promise: nil)
                return true
            }
            if let limit = faults.goAwayAfter, answered >= limit {
                if !wentAway {
                    connection.streams.withLock { $0.wentAway = true }
                    let frame = HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: last, errorCode: .noError, opaqueData: nil))
                    parent.writeAndFlush(frame, promise: nil)
                }
                return true
            }
            return false
        }

        func respond(context: ChannelHandlerContext) {
            if injectFault(context: context) { return }
            let response = server.answer(&request, connection: connection)
            if response.status == 0 { return }  // ``Response/noAnswer``
            let id = (try? context.channel.syncOptions?.getOption(HTTP2StreamChannelOptions.streamID)) ?? .rootStream
            connection.streams.withLock {
                $0.answered += 1
                $0.lastAnswered = max($0.lastAnswered, id)
            }
            if let delay = response.delay ?? server.options.faults.answerDelay {
                let nanoseconds = delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
                context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) {
                    self.write(response, context: context)
                }
                return
            }
            write(response, context: context)
        }

        func write(_ response: Response, context: ChannelHandlerContext) {
            var headers = HPACKHeaders([(":status", String(response.status))])
            for (name, value) in response.headers { headers.add(name: name.lowercased(), value: value) }
            if response.body.isEmpty {
                context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: headers, endStream: true))), promise: nil)
                return
            }
            headers.add(name: "content-length", value: String(response.body.utf8.count))
            context.write(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
            let body = context.channel.allocator.buffer(string: response.body)
            context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: true))), promise: nil)
        }
    }
}

/// A compact JWT split into its parts (no verification).
public struct JWTParts {
    /// The header object.
    public var header: [String: Any]
    /// The claims object.
    public var claims: [String: Any]
    /// The signature bytes.
    public var signature: Data
    /// `base64url(header).base64url(claims)`, what the signature covers.
    public var signingInput: Data

    /// Splits `jwt`; nil when it is not three base64url parts with JSON objects.
    public init?(_ jwt: String) {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let h = Self.decode(parts[0]), let c = Self.decode(parts[1]), let s = Self.decode(parts[2]),
              let header = (try? JSONSerialization.jsonObject(with: h)) as? [String: Any],
              let claims = (try? JSONSerialization.jsonObject(with: c)) as? [String: Any]
        else { return nil }
        self.header = header
        self.claims = claims
        self.signature = s
        self.signingInput = Data("\(parts[0]).\(parts[1])".utf8)
    }

    /// Decodes base64url without padding.
    public static func decode(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
