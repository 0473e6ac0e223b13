import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A lean HTTP/1.1 client for webhooks, on SwiftNIO (and NIOSSL for `https`, with the system's
/// trust roots plus any given; certificate and host name verification are never off).
///
/// - Each origin (scheme, host, port) has a pool of keep-alive connections. A request takes an
///   idle connection or opens one, so there are never more connections to an origin than
///   requests in flight at once — the caller bounds those (the webhook transmitter: its
///   system's `concurrency`). Idle connections close after ``Configuration/idleTimeout``.
///   An origin's connections share one event loop of the group.
/// - A request is encoded into one ByteBuffer (head and body) and written with one
///   `writeAndFlush`; the response is parsed by a minimal HTTP/1.1 parser
///   (`Content-Length`, chunked, or read to the end), keeping at most
///   ``Configuration/maxResponseBodyBytes`` of its body (a longer body is cut there and the
///   connection closed).
/// - A connection is reused only after a complete response without `Connection: close`.
/// - Redirects are never followed: a 3xx is a response like any other.
/// - Host names are resolved by ``Configuration/resolver`` when a connection is opened, and
///   the connection is made to an address it returned, tried in its order, each given an even
///   share of the time left: a resolver that vets addresses (an
///   SSRF guard) thereby governs the address actually connected (no second lookup that DNS
///   rebinding could answer differently).
/// - Each request has a deadline, connecting included. A timeout after the request was
///   written may leave it delivered (``WebhookClientError/timeout(requestSent:)``).
/// - A request whose reused connection turns out closed by the server before any byte of an
///   answer (the keep-alive race) is sent once more on a new connection.
public final class WebhookClient: Sendable {
    /// Resolves a host name (or IP literal) to the addresses to connect to, throwing to refuse.
    public typealias Resolver = @Sendable (_ host: String, _ port: Int) async throws -> [SocketAddress]

    /// How the client connects and reads.
    public struct Configuration: Sendable {
        /// The event loops connections run on.
        public var eventLoopGroup: any EventLoopGroup
        /// Idle connections kept per origin, at most.
        public var maxIdleConnectionsPerOrigin: Int
        /// How long an idle connection is kept.
        public var idleTimeout: TimeAmount
        /// The most bytes of a response body kept.
        public var maxResponseBodyBytes: Int
        /// Roots trusted for `https` besides the system's (private CAs, tests).
        public var additionalTrustRoots: [NIOSSLCertificate]
        /// Name resolution (and any vetting of the addresses): ``WebhookClient/systemResolver`` by default.
        public var resolver: Resolver

        public init(eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, maxIdleConnectionsPerOrigin: Int = 256,
                    idleTimeout: TimeAmount = .seconds(60), maxResponseBodyBytes: Int = 64 * 1024,
                    additionalTrustRoots: [NIOSSLCertificate] = [], resolver: @escaping Resolver = WebhookClient.systemResolver) {
            self.eventLoopGroup = eventLoopGroup
            self.maxIdleConnectionsPerOrigin = maxIdleConnectionsPerOrigin
            self.idleTimeout = idleTimeout
            self.maxResponseBodyBytes = maxResponseBodyBytes
            self.additionalTrustRoots = additionalTrustRoots
            self.resolver = resolver
        }
    }

    public let configuration: Configuration
    private let pools = Mutex<[String: ConnectionPool]>([:])
    private let tlsContext = Mutex<NIOSSLContext?>(nil)

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    deinit {
        for pool in pools.withLock({ Array($0.values) }) { pool.closeIdle() }
    }

    /// Closes every idle connection (connections in use close when their request ends and no
    /// pool takes them back).
    public func closeIdleConnections() {
        for pool in pools.withLock({ Array($0.values) }) { pool.closeIdle() }
    }

    /// The endpoint of `url` (`http` or `https`, with a host), bound to its origin's pool;
    /// make it once and send many requests to it.
    public func endpoint(_ url: String) throws(WebhookClientError) -> Endpoint {
        let target = try Target(url)
        let pool = pools.withLock { pools in
            if let pool = pools[target.origin] { return pool }
            let pool = ConnectionPool(maxIdle: configuration.maxIdleConnectionsPerOrigin, eventLoop: configuration.eventLoopGroup.next())
            pools[target.origin] = pool
            return pool
        }
        return Endpoint(target: target, pool: pool)
    }

    /// Sends one request to `endpoint` — `method` (POST by default) with `headers` and `body`
    /// (`Host` and `Content-Length` are added) — and returns its response, or throws a
    /// ``WebhookClientError`` once `timeout` has passed.
    public func execute(_ endpoint: Endpoint, method: String = "POST", headers: [(name: String, value: String)], body: [UInt8],
                        timeout: TimeAmount) async throws(WebhookClientError) -> WebhookResponse {
        let deadline = NIODeadline.now() + timeout
        let payload = try endpoint.target.encode(method: method, headers: headers, body: body)
        var retriedStale = false
        while true {
            let connection: WebhookConnection
            let reused: Bool
            if let idle = endpoint.pool.take() {
                connection = idle
                reused = true
            } else {
                connection = try await connect(endpoint, deadline: deadline)
                reused = false
            }
            do {
                return try await connection.send(payload, deadline: deadline, cap: configuration.maxResponseBodyBytes)
            } catch let failure as ConnectionFailure {
                switch failure {
                case .notSent:
                    // Closed while idle: another connection. A new one closed at once: refused.
                    if reused { continue }
                    throw .connectFailed(reason: "the server closed the connection at once")
                case .closedBeforeAnswer(let sent):
                    if reused && !retriedStale {
                        retriedStale = true
                        continue
                    }
                    if !sent { throw .connectFailed(reason: "the server closed the connection during the TLS handshake") }
                    throw .connectionClosed(reason: "closed before answering")
                case .failed(let error):
                    throw error
                }
            } catch {
                throw .connectionClosed(reason: "\(error)")
            }
        }
    }

    /// Opens a connection to one of the endpoint's addresses.
    private func connect(_ endpoint: Endpoint, deadline: NIODeadline) async throws(WebhookClientError) -> WebhookConnection {
        let target = endpoint.target
        let addresses: [SocketAddress]
        do {
            addresses = try await configuration.resolver(target.host, target.port)
        } catch {
            throw .resolution(host: target.host, error)
        }
        guard !addresses.isEmpty else { throw .resolution(host: target.host, ResolutionFailure(reason: "no addresses")) }
        let sslContext: NIOSSLContext?
        do {
            sslContext = target.isTLS ? try makeTLSContext() : nil
        } catch {
            throw .connectFailed(reason: "TLS configuration: \(error)")
        }
        var failures: [String] = []
        for (n, address) in addresses.enumerated() {
            let remaining = deadline - .now()
            guard remaining > .zero else { throw .timeout(requestSent: false) }
            // An address that swallows the connection attempt leaves time for the others.
            let attemptTimeout = TimeAmount.nanoseconds(remaining.nanoseconds / Int64(addresses.count - n))
            let loop = endpoint.pool.eventLoop
            let connection = WebhookConnection(eventLoop: loop, pool: endpoint.pool, tls: target.isTLS, idleTimeout: configuration.idleTimeout)
            let serverName = target.isIPLiteral ? nil : target.host
            do {
                _ = try await ClientBootstrap(group: loop)
                    .connectTimeout(attemptTimeout)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            if let sslContext {
                                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                            }
                            try channel.pipeline.syncOperations.addHandler(connection)
                        }
                    }
                    .connect(to: address).get()
                return connection
            } catch {
                failures.append("\(address): \(error)")
            }
        }
        if deadline <= .now() { throw .timeout(requestSent: false) }
        throw .connectFailed(reason: failures.joined(separator: "; "))
    }

    private func makeTLSContext() throws -> NIOSSLContext {
        try tlsContext.withLock { cached in
            if let cached { return cached }
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            tls.trustRoots = .default
            if !configuration.additionalTrustRoots.isEmpty {
                tls.additionalTrustRoots = [.certificates(configuration.additionalTrustRoots)]
            }
            let context = try NIOSSLContext(configuration: tls)
            cached = context
            return context
        }
    }

    /// The system resolver: an IP literal as it is, a name by `getaddrinfo` on NIO's
    /// blocking-I/O pool.
    public static let systemResolver: Resolver = { host, port in
        if let literal = try? SocketAddress(ipAddress: host, port: port) { return [literal] }
        return try await NIOThreadPool.singleton.runIfActive {
            try getAddresses(host: host, port: port)
        }
    }

    /// `getaddrinfo` (blocking): every TCP address of `host`.
    public static func getAddresses(host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw ResolutionFailure(reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(first) }
        var out: [SocketAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let current = node {
            if let sa = current.pointee.ai_addr {
                if current.pointee.ai_family == AF_INET {
                    sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { out.append(SocketAddress($0.pointee, host: host)) }
                } else if current.pointee.ai_family == AF_INET6 {
                    sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { out.append(SocketAddress($0.pointee, host: host)) }
                }
            }
            node = current.pointee.ai_next
        }
        if out.isEmpty { throw ResolutionFailure(reason: "no addresses") }
        return out
    }

    /// A name that did not resolve.
    public struct ResolutionFailure: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Where requests go: a parsed URL bound to its origin's connection pool.
    public struct Endpoint: Sendable {
        let target: Target
        let pool: ConnectionPool

        /// `scheme://host:port`.
        public var origin: String { target.origin }
        /// The host (without brackets for IPv6).
        public var host: String { target.host }
        /// The port (explicit or the scheme's).
        public var port: Int { target.port }
        /// Whether requests go over TLS.
        public var isTLS: Bool { target.isTLS }
    }
}

/// A response: status, headers and (at most the configured cap of) body.
public struct WebhookResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The header fields, in order.
    public var headers: [(name: String, value: String)]
    /// The body, cut at the configured cap.
    public var body: [UInt8]
    /// Whether the body was longer than the cap.
    public var bodyTruncated: Bool

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], bodyTruncated: Bool) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// Why a request got no response.
public enum WebhookClientError: Error, Sendable, CustomStringConvertible {
    /// The URL is not `http(s)://host…`, or a header cannot be sent as given.
    case invalidRequest(String)
    /// The resolver threw (the name did not resolve, or its addresses were refused): nothing was sent.
    case resolution(host: String, any Error)
    /// No connection could be made (refused, unreachable, TLS handshake failed): nothing was sent.
    case connectFailed(reason: String)
    /// The deadline passed; when `requestSent`, the server may have received the request.
    case timeout(requestSent: Bool)
    /// The connection ended after the request was written, before a complete response: the
    /// server may have received it.
    case connectionClosed(reason: String)
    /// The answer is not HTTP/1.1 this client reads: the server received the request.
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .invalidRequest(let why): "invalid request: \(why)"
        case .resolution(let host, let error): "\(host): \(error)"
        case .connectFailed(let reason): "cannot connect: \(reason)"
        case .timeout(let sent): sent ? "timed out waiting for the response" : "timed out connecting"
        case .connectionClosed(let reason): "connection lost: \(reason)"
        case .malformedResponse(let why): "malformed response: \(why)"
        }
    }

    /// Whether the server may have received the request (a retry may duplicate it).
    public var mayHaveBeenReceived: Bool {
        switch self {
        case .invalidRequest, .resolution, .connectFailed: false
        case .timeout(let sent): sent
        case .connectionClosed, .malformedResponse: true
        }
    }
}

/// The idle connections of one origin (most recently used last, taken first). Its connections
/// share one event loop: the answers of many requests are then read in one wake-up, and fewer
/// threads pass work to each other (origins spread over the group's loops).
final class ConnectionPool: Sendable {
    private let idle = Mutex<[WebhookConnection]>([])
    let maxIdle: Int
    let eventLoop: any EventLoop

    init(maxIdle: Int, eventLoop: any EventLoop) {
        self.maxIdle = max(0, maxIdle)
        self.eventLoop = eventLoop
    }

    func take() -> WebhookConnection? { idle.withLock { $0.popLast() } }

    /// Keeps `connection` for reuse; false when the pool is full.
    func release(_ connection: WebhookConnection) -> Bool {
        idle.withLock { idle in
            guard idle.count < maxIdle else { return false }
            idle.append(connection)
            return true
        }
    }

    func remove(_ connection: WebhookConnection) {
        idle.withLock { idle in
            if let i = idle.lastIndex(where: { $0 === connection }) { idle.remove(at: i) }
        }
    }

    func closeIdle() {
        for connection in idle.withLock({ idle in defer { idle.removeAll() }; return idle }) { connection.close() }
    }

    var idleCount: Int { idle.withLock { $0.count } }
}

/// A parsed request URL and the fixed part of every request's head.
struct Target: Sendable {
    var isTLS: Bool
    var host: String
    var port: Int
    var isIPLiteral: Bool
    var origin: String
    /// `␠<path>␠HTTP/1.1\r\nHost: <host>\r\n` (after the method).
    var headTail: [UInt8]

    init(_ url: String) throws(WebhookClientError) {
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("http://") {
            isTLS = false
            rest = url.dropFirst(7)
        } else if lower.hasPrefix("https://") {
            isTLS = true
            rest = url.dropFirst(8)
        } else {
            throw .invalidRequest("not an http or https URL: \(url)")
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        guard !authority.contains("@") else { throw .invalidRequest("credentials in the URL are not sent: \(url)") }
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidRequest("bad IPv6 literal in \(url)") }
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw .invalidRequest("bad host in \(url)") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
        } else {
            if let colon = authority.lastIndex(of: ":") {
                portText = authority[authority.index(after: colon)...]
                authority = authority[..<colon]
            }
            host = String(authority)
        }
        guard !host.isEmpty else { throw .invalidRequest("no host in \(url)") }
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { throw .invalidRequest("bad port in \(url)") }
            port = p
        } else {
            port = isTLS ? 443 : 80
        }
        let badByte: (UInt8) -> Bool = { $0 <= 0x20 || $0 == 0x7F }
        guard !host.utf8.contains(where: badByte), !path.utf8.contains(where: badByte) else {
            throw .invalidRequest("spaces or control characters in \(url)")
        }
        isIPLiteral = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        let hostForHeader = host.contains(":") ? "[\(host)]" : host
        let defaultPort = isTLS ? 443 : 80
        let hostHeader = port == defaultPort ? hostForHeader : "\(hostForHeader):\(port)"
        origin = "\(isTLS ? "https" : "http")://\(hostHeader.lowercased())"
        headTail = Array(" \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\n".utf8)
    }

    /// The whole request in one buffer.
    func encode(method: String, headers: [(name: String, value: String)], body: [UInt8]) throws(WebhookClientError) -> ByteBuffer {
        guard !method.isEmpty, method.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else {
            throw .invalidRequest("bad method \(method)")
        }
        var size = method.utf8.count + headTail.count + 40 + body.count
        for (name, value) in headers { size += name.utf8.count + value.utf8.count + 4 }
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        buffer.writeString(method)
        buffer.writeBytes(headTail)
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }),
                  !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw .invalidRequest("header \(name.debugDescription) cannot be sent as given")
            }
            if name.utf8.count == 14 && name.lowercased() == "content-length" { continue }
            if name.utf8.count == 4 && name.lowercased() == "host" { continue }
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("Content-Length: ")
        buffer.writeString(String(body.count))
        buffer.writeStaticString("\r\n\r\n")
        buffer.writeBytes(body)
        return buffer
    }
}
