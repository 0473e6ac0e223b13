import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// A small pool of HTTP/2 connections over TLS to one push endpoint (APNs), written directly
/// on swift-nio-http2: each request is a HEADERS and a DATA frame (with END_STREAM) on a new
/// stream of a shared connection, with no stream channel, no URL parsing and no timer per
/// request.
///
/// - Requests handed in from any task are collected and written on the pool's event loop in
///   batches: one flush (one TLS record run, one `write` call) per event-loop turn, not per frame.
///   Requests handed in on the event loop itself (senders running there) are written in runs of
///   ``HTTP2PushPool/writeRun``: the server starts on the first run while the next are made,
///   rather than the two sides taking turns over whole batches.
/// - Each connection carries at most the server's `SETTINGS_MAX_CONCURRENT_STREAMS` streams;
///   more requests wait in a queue. A second connection (up to
///   ``Configuration/maxConnections``) is opened only while every open one is full.
/// - A request not answered within its timeout is reset (`RST_STREAM CANCEL`) and reported as
///   a possible duplicate; one still queued then is reported as worth a retry. One timer per
///   pool sweeps the deadlines.
/// - `GOAWAY`: the streams the server did not process (above its last stream id) are sent
///   again on a new connection (at most twice each); the others finish on the old one.
///   A connection lost with streams in flight fails those as possible duplicates.
///   Failing connection attempts are retried with exponential backoff.
/// - TLS: the system's trusted roots plus those of a CA file; certificate and host-name
///   verification are never switched off; ALPN must select `h2`.
public final class HTTP2PushTransport: Sendable {
    /// How the pool connects.
    public struct Configuration: Sendable {
        /// The most connections open at once (at least 1).
        public var maxConnections: Int
        /// Time allowed to connect, TLS handshake and the server's first SETTINGS included.
        public var connectTimeout: Duration
        /// The wait after a failed connection attempt; doubled after each further failure.
        public var initialBackoff: Duration
        /// The longest wait between connection attempts.
        public var maxBackoff: Duration

        /// Creates a configuration.
        public init(maxConnections: Int = 2, connectTimeout: Duration = .seconds(10),
                    initialBackoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(30)) {
            self.maxConnections = maxConnections
            self.connectTimeout = connectTimeout
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }
    }

    /// `host[:port]` as `:authority` names it.
    let authority: String
    /// The endpoint URL's path, without a trailing slash (usually empty).
    let pathPrefix: String
    let pool: HTTP2PushPool
    /// Runs tasks on the pool's event loop (see ``taskExecutor``).
    private let executor: EventLoopTaskExecutor

    /// A task executor on the event loop the connections run on. Tasks that send many
    /// requests (`TaskGroup.addTask(executorPreference:)`) run where the answers arrive:
    /// no thread hop per request, one thread for the whole client.
    public var taskExecutor: any TaskExecutor { executor }

    /// A transport to `url` (`https://host[:port][/path]`) trusting the system's roots and
    /// those in `caFile` (PEM). No connection is opened before the first request.
    public init(url: String, caFile: String? = nil, configuration: Configuration = Configuration(),
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        guard let parsed = URL(string: url), parsed.scheme?.lowercased() == "https", let host = parsed.host, !host.isEmpty else {
            throw PushError.invalidEndpoint("must be an https URL, got '\(url)'")
        }
        let port = parsed.port ?? 443
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let isIP = (try? SocketAddress(ipAddress: bareHost, port: 0)) != nil
        var authorityHost = bareHost.contains(":") ? "[\(bareHost)]" : bareHost
        if port != 443 { authorityHost += ":\(port)" }
        self.authority = authorityHost
        var path = parsed.path
        while path.hasSuffix("/") { path.removeLast() }
        self.pathPrefix = path

        let tls = try Push.tlsConfiguration(caFile: caFile, protocols: ["h2"])
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw PushError.invalidCredentials("TLS configuration: \(error)")
        }
        let eventLoop = eventLoopGroup.next()
        pool = HTTP2PushPool(eventLoop: eventLoop, host: bareHost, port: port,
                             serverName: isIP ? nil : bareHost, sslContext: context, configuration: configuration)
        executor = EventLoopTaskExecutor(eventLoop: eventLoop)
    }

    /// Closes the connections; requests in flight fail as possible duplicates, queued ones
    /// and later ones as retries. Idempotent.
    public func shutdown() async {
        await pool.shutdown()
    }

    /// How many connections are open or being opened (tests).
    public var connectionCount: Int {
        get async { await pool.eventLoop.submit { self.pool.connections.count }.getOrNil() ?? 0 }
    }

    deinit {
        pool.shutdownSoon()
    }

    /// Sends `headers` (pseudo-headers included) and `body` on a new stream; the answer, or
    /// why there is none. On the caller's executor: no executor check on the way in.
    nonisolated(nonsending) func execute(headers: HPACKHeaders, body: ByteBuffer?, timeout: Duration) async -> Result<HTTP2Answer, PushFailure> {
        await withUnsafeContinuation { continuation in
            pool.submit(HTTP2Exchange(headers: headers, body: body, timeout: timeout, continuation: continuation))
        }
    }
}

extension EventLoopFuture {
    fileprivate func getOrNil() async -> Value? where Value: Sendable {
        try? await get()
    }
}

/// An answer read off one stream.
struct HTTP2Answer: Sendable {
    var status: Int
    var headers: HPACKHeaders
    var body: [UInt8]
}

/// One request and what has arrived of its answer. Created by the caller, then owned by the
/// pool's event loop (handed over through the pool's inbox); completed exactly once.
final class HTTP2Exchange: @unchecked Sendable {
    let headers: HPACKHeaders
    let body: ByteBuffer?
    let timeout: Duration
    let deadline: NIODeadline
    private var continuation: UnsafeContinuation<Result<HTTP2Answer, PushFailure>, Never>?
    /// Times sent again after a GOAWAY or a refused stream.
    var resends = 0
    var status = 0
    var responseHeaders = HPACKHeaders()
    var responseBody: [UInt8] = []

    static let maxResponseBytes = 64 * 1024

    init(headers: HPACKHeaders, body: ByteBuffer?, timeout: Duration,
         continuation: UnsafeContinuation<Result<HTTP2Answer, PushFailure>, Never>) {
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.deadline = .now() + timeout.timeAmount
        self.continuation = continuation
    }

    func finish(_ result: Result<HTTP2Answer, PushFailure>) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(returning: result)
    }

    func fail(_ result: PushResult) {
        finish(.failure(PushFailure(result: result)))
    }

    func answered() {
        finish(.success(HTTP2Answer(status: status, headers: responseHeaders, body: responseBody)))
    }
}

/// The pool's state. Everything but ``inbox`` is touched only on ``eventLoop``.
final class HTTP2PushPool: @unchecked Sendable {
    let eventLoop: any EventLoop
    let host: String
    let port: Int
    let serverName: String?
    let sslContext: NIOSSLContext
    let configuration: HTTP2PushTransport.Configuration

    /// Requests handed in from other threads, drained on the event loop in one go.
    private struct Inbox {
        var items: [HTTP2Exchange] = []
        var scheduled = false
        var closed = false
    }
    private let inbox = Mutex(Inbox())

    var connections: [HTTP2PushConnection] = []
    private var waiting = CircularBuffer<HTTP2Exchange>(initialCapacity: 256)
    private var spare: [HTTP2Exchange] = []
    private var connecting = false
    private var failures = 0
    private var nextAttempt: NIODeadline?
    private var attemptTask: Scheduled<Void>?
    private var sweepTask: RepeatedTask?
    private var isClosed = false
    /// Requests handed in on the event loop since the last write, and whether a write of them
    /// is scheduled for the end of the turn.
    private var unwritten = 0
    private var writeScheduled = false

    /// How often deadlines are checked.
    static let sweepInterval = TimeAmount.milliseconds(50)
    /// Requests handed in on the event loop are written (and flushed) when this many are queued.
    static let writeRun = 16

    init(eventLoop: any EventLoop, host: String, port: Int, serverName: String?, sslContext: NIOSSLContext,
         configuration: HTTP2PushTransport.Configuration) {
        self.eventLoop = eventLoop
        self.host = host
        self.port = port
        self.serverName = serverName
        self.sslContext = sslContext
        self.configuration = configuration
        spare.reserveCapacity(256)
    }

    // MARK: Handing requests in

    /// Queues `exchange` (any thread); the first request of a turn schedules the drain. On the
    /// event loop it is queued directly, and written once ``writeRun`` are or at the turn's end.
    func submit(_ exchange: HTTP2Exchange) {
        if eventLoop.inEventLoop {
            submitOnLoop(exchange)
            return
        }
        let action: Int = inbox.withLock { box in
            if box.closed { return -1 }
            box.items.append(exchange)
            if box.scheduled { return 0 }
            box.scheduled = true
            return 1
        }
        switch action {
        case -1: exchange.fail(.retry(reason: "APNs client shut down", status: nil, retryAfter: nil))
        case 1: eventLoop.execute { self.drainInbox() }
        default: break
        }
    }

    private func submitOnLoop(_ exchange: HTTP2Exchange) {
        if isClosed {  // close() runs on the loop: it shut the inbox and set isClosed in one go
            exchange.fail(.retry(reason: "APNs client shut down", status: nil, retryAfter: nil))
            return
        }
        waiting.append(exchange)
        startSweep()
        unwritten += 1
        if unwritten >= Self.writeRun {
            dispatch()
        } else if !writeScheduled {
            writeScheduled = true
            eventLoop.execute {
                self.writeScheduled = false
                self.dispatch()
            }
        }
    }

    private func drainInbox() {
        var items = spare
        inbox.withLock { box in
            swap(&items, &box.items)
            box.scheduled = false
        }
        for exchange in items {
            if isClosed {
                exchange.fail(.retry(reason: "APNs client shut down", status: nil, retryAfter: nil))
            } else {
                waiting.append(exchange)
            }
        }
        items.removeAll(keepingCapacity: true)
        spare = items
        startSweep()
        dispatch()
    }

    /// Writes queued requests onto connections with free streams (one flush per connection);
    /// opens a connection when requests are left over.
    func dispatch() {
        unwritten = 0
        guard !waiting.isEmpty else { return }
        for connection in connections where connection.state == .ready {
            var free = connection.freeStreams
            guard free > 0 else { continue }
            while free > 0, let exchange = waiting.popFirst() {
                connection.write(exchange)
                free -= 1
            }
            connection.flushIfNeeded()
            if waiting.isEmpty { return }
        }
        connectIfNeeded()
    }

    /// Sends again requests a server did not process (GOAWAY above their stream, REFUSED_STREAM),
    /// ahead of the queue; twice at most each.
    func resend(_ exchanges: [HTTP2Exchange], reason: String) {
        for exchange in exchanges.reversed() {
            if exchange.resends >= 2 || isClosed {
                exchange.fail(.retry(reason: "\(reason) before the push was processed", status: nil, retryAfter: nil))
            } else {
                exchange.resends += 1
                waiting.prepend(exchange)
            }
        }
    }

    // MARK: Connections

    private func connectIfNeeded() {
        guard !isClosed, !connecting, !waiting.isEmpty else { return }
        let usable = connections.filter { $0.state == .establishing || $0.state == .ready }.count
        guard usable < max(1, configuration.maxConnections) else { return }
        if let nextAttempt, nextAttempt > .now() {
            if attemptTask == nil {
                attemptTask = eventLoop.scheduleTask(deadline: nextAttempt) {
                    self.attemptTask = nil
                    self.connectIfNeeded()
                }
            }
            return
        }
        connect()
    }

    private func connect() {
        connecting = true
        let connection = HTTP2PushConnection(pool: self)
        connections.append(connection)
        let sslContext = self.sslContext, serverName = self.serverName
        let timeout = configuration.connectTimeout.timeAmount
        connection.establishTimer = eventLoop.scheduleTask(in: timeout) {
            connection.establishTimedOut(after: timeout)
        }
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let settings: HTTP2Settings = [
                        HTTP2Setting(parameter: .enablePush, value: 0),
                        HTTP2Setting(parameter: .maxConcurrentStreams, value: 100),
                        HTTP2Setting(parameter: .maxHeaderListSize, value: HPACKDecoder.defaultMaxHeaderListSize),
                    ]
                    try channel.pipeline.syncOperations.addHandlers([
                        try NIOSSLClientHandler(context: sslContext, serverHostname: serverName),
                        NIOHTTP2Handler(mode: .client, initialSettings: settings),
                        connection,
                    ])
                }
            }
            .connect(host: host, port: port)
            .whenFailure { error in connection.connectFailed(error) }
    }

    /// `connection` is ready: TLS done with ALPN `h2` and the server's SETTINGS read.
    func established(_ connection: HTTP2PushConnection) {
        connecting = false
        failures = 0
        nextAttempt = nil
        if isClosed {
            _ = connection.close()
            return
        }
        dispatch()
    }

    /// `connection` could not be established: the queued requests fail (worth a retry) unless
    /// another connection can take them; the next attempt waits for the backoff.
    func establishFailed(_ connection: HTTP2PushConnection, error: any Error) {
        connecting = false
        connections.removeAll { $0 === connection }
        failures += 1
        let base = configuration.initialBackoff.timeAmount.nanoseconds
        let cap = configuration.maxBackoff.timeAmount.nanoseconds
        let delay = min(cap, base << min(failures - 1, 30))
        nextAttempt = .now() + .nanoseconds(delay)
        if !connections.contains(where: { $0.state == .ready }) {
            let reason = "APNs unreachable: \(error)"
            while let exchange = waiting.popFirst() {
                exchange.fail(.retry(reason: reason, status: nil, retryAfter: nil))
            }
        }
        dispatch()
    }

    /// `connection` closed after it was established (its streams already failed).
    func connectionClosed(_ connection: HTTP2PushConnection) {
        connections.removeAll { $0 === connection }
        dispatch()
    }

    // MARK: Deadlines

    private func startSweep() {
        guard sweepTask == nil, !isClosed else { return }
        sweepTask = eventLoop.scheduleRepeatedTask(initialDelay: Self.sweepInterval, delay: Self.sweepInterval) { _ in
            self.sweep()
        }
    }

    /// Fails the requests past their deadline: queued ones as retries, in-flight ones (reset)
    /// as possible duplicates. Stops when nothing is pending.
    private func sweep() {
        let now = NIODeadline.now()
        if waiting.contains(where: { $0.deadline <= now }) {
            var kept = CircularBuffer<HTTP2Exchange>(initialCapacity: waiting.count)
            while let exchange = waiting.popFirst() {
                if exchange.deadline <= now {
                    exchange.fail(.retry(reason: "no APNs stream free within \(Self.describe(exchange.timeout))", status: nil, retryAfter: nil))
                } else {
                    kept.append(exchange)
                }
            }
            waiting = kept
        }
        var busy = !waiting.isEmpty
        for connection in connections {
            connection.expire(now: now)
            if !connection.streams.isEmpty { busy = true }
        }
        if !busy, inbox.withLock({ $0.items.isEmpty }) {
            sweepTask?.cancel()
            sweepTask = nil
        }
    }

    static func describe(_ duration: Duration) -> String {
        let (s, atto) = duration.components
        return atto == 0 ? "\(s) s" : String(format: "%.3f s", Double(s) + Double(atto) / 1e18)
    }

    // MARK: Shutdown

    func shutdown() async {
        let future = eventLoop.flatSubmit { self.close() }
        try? await future.get()
    }

    /// Shuts down without waiting (the transport dropped without ``shutdown()``).
    func shutdownSoon() {
        eventLoop.execute { _ = self.close() }
    }

    private func close() -> EventLoopFuture<Void> {
        inbox.withLock { $0.closed = true }
        drainInbox()
        isClosed = true
        sweepTask?.cancel()
        sweepTask = nil
        attemptTask?.cancel()
        attemptTask = nil
        while let exchange = waiting.popFirst() {
            exchange.fail(.retry(reason: "APNs client shut down", status: nil, retryAfter: nil))
        }
        let futures = connections.map { $0.close() }
        return EventLoopFuture.andAllComplete(futures, on: eventLoop)
    }
}

/// One HTTP/2 connection: the last handler of its channel, reading and writing
/// `HTTP2Frame`s with the stream ids it allocates itself. Touched only on the pool's event loop.
final class HTTP2PushConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    enum State { case establishing, ready, draining, closed }

    let pool: HTTP2PushPool
    private(set) var state = State.establishing
    private var context: ChannelHandlerContext?
    private(set) var streams: [HTTP2StreamID: HTTP2Exchange] = [:]
    private var nextStreamID: Int32 = 1
    /// The server's SETTINGS_MAX_CONCURRENT_STREAMS.
    private(set) var maxStreams = 100
    private var error: (any Error)?
    private var needsFlush = false
    /// Connection-level flow-control bytes read since the last WINDOW_UPDATE.
    private var consumed = 0
    var establishTimer: Scheduled<Void>?
    private var closePromise: EventLoopPromise<Void>?

    /// The initial connection window (RFC 9113); a WINDOW_UPDATE is sent when half is used.
    static let connectionWindow = 65_535

    init(pool: HTTP2PushPool) {
        self.pool = pool
    }

    var freeStreams: Int {
        state == .ready ? maxStreams - streams.count : 0
    }

    // MARK: Writing

    func write(_ exchange: HTTP2Exchange) {
        guard let context else {
            pool.resend([exchange], reason: "APNs connection closed")
            return
        }
        let id = HTTP2StreamID(nextStreamID)
        nextStreamID += 2
        if nextStreamID > Int32.max - 2 { state = .draining }  // ids used up: a new connection takes over
        streams[id] = exchange
        let headers = HTTP2Frame.FramePayload.Headers(headers: exchange.headers, endStream: exchange.body == nil)
        context.write(wrapOutboundOut(HTTP2Frame(streamID: id, payload: .headers(headers))), promise: nil)
        if let body = exchange.body {
            let data = HTTP2Frame.FramePayload.Data(data: .byteBuffer(body), endStream: true)
            context.write(wrapOutboundOut(HTTP2Frame(streamID: id, payload: .data(data))), promise: nil)
        }
        needsFlush = true
    }

    func flushIfNeeded() {
        guard needsFlush, let context else { return }
        needsFlush = false
        context.flush()
    }

    /// Resets and fails the streams past their deadline.
    func expire(now: NIODeadline) {
        guard let context, !streams.isEmpty else { return }
        var expired: [HTTP2StreamID] = []
        for (id, exchange) in streams where exchange.deadline <= now { expired.append(id) }
        guard !expired.isEmpty else { return }
        for id in expired.sorted() {
            guard let exchange = streams.removeValue(forKey: id) else { continue }
            context.write(wrapOutboundOut(HTTP2Frame(streamID: id, payload: .rstStream(.cancel))), promise: nil)
            needsFlush = true
            exchange.fail(.possibleDuplicate(reason: "no answer within \(HTTP2PushPool.describe(exchange.timeout)) — APNs may have accepted it"))
        }
        flushIfNeeded()
        closeIfDrained()
        pool.dispatch()
    }

    func close() -> EventLoopFuture<Void> {
        guard let context, state != .closed else { return pool.eventLoop.makeSucceededVoidFuture() }
        if let closePromise { return closePromise.futureResult }
        let promise = pool.eventLoop.makePromise(of: Void.self)
        closePromise = promise
        context.close(promise: nil)
        return promise.futureResult
    }

    private func closeIfDrained() {
        if state == .draining, streams.isEmpty, let context { context.close(promise: nil) }
    }

    // MARK: Establishing

    func connectFailed(_ error: any Error) {
        guard state == .establishing else { return }
        state = .closed
        establishTimer?.cancel()
        pool.establishFailed(self, error: error)
    }

    func establishTimedOut(after timeout: TimeAmount) {
        guard state == .establishing else { return }
        let error = PushTransportError("no HTTP/2 connection within \(timeout.nanoseconds / 1_000_000) ms")
        if let context {
            self.error = self.error ?? error
            context.close(promise: nil)
        } else {
            connectFailed(error)
        }
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The TLS handshake completes before the server's SETTINGS make the connection ready;
        // the HTTP/2 events of every stream after it are passed on without a cast.
        if state == .establishing, case TLSUserEvent.handshakeCompleted(let negotiated) = event, negotiated != "h2" {
            error = PushTransportError("the endpoint did not negotiate HTTP/2 (ALPN: \(negotiated ?? "none"))")
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard frame.streamID != .rootStream else {
            connectionFrame(frame, context: context)
            return
        }
        guard let exchange = streams[frame.streamID] else {
            if case .data(let payload) = frame.payload { countFlowControlled(payload) }
            return
        }
        switch frame.payload {
        case .headers(let payload):
            if exchange.status == 0 {
                let status = Self.status(payload.headers).flatMap { Int($0) } ?? 0
                if (100..<200).contains(status) { return }  // informational
                exchange.status = status
                exchange.responseHeaders = payload.headers
            }
            if payload.endStream { complete(frame.streamID, exchange) }
        case .data(let payload):
            countFlowControlled(payload)
            if case .byteBuffer(let buffer) = payload.data, exchange.responseBody.count < HTTP2Exchange.maxResponseBytes {
                exchange.responseBody += buffer.readableBytesView.prefix(HTTP2Exchange.maxResponseBytes - exchange.responseBody.count)
            }
            if payload.endStream { complete(frame.streamID, exchange) }
        case .rstStream(let code):
            streams.removeValue(forKey: frame.streamID)
            if code == .refusedStream {
                pool.resend([exchange], reason: "APNs refused the stream")
            } else {
                exchange.fail(.possibleDuplicate(reason: "APNs reset the stream (\(code)) — it may have accepted the push"))
            }
            closeIfDrained()
        default:
            break
        }
    }

    /// `headers.first(name: ":status")`, read at once when `:status` comes first (as HTTP/2
    /// has it).
    static func status(_ headers: HPACKHeaders) -> String? {
        if let first = headers.first, first.name == ":status" { return first.value }
        return headers.first(name: ":status")
    }

    private func countFlowControlled(_ payload: HTTP2Frame.FramePayload.Data) {
        consumed += payload.data.readableBytes + (payload.paddingBytes.map { $0 + 1 } ?? 0)
    }

    private func complete(_ id: HTTP2StreamID, _ exchange: HTTP2Exchange) {
        streams.removeValue(forKey: id)
        exchange.answered()
        closeIfDrained()
    }

    private func connectionFrame(_ frame: HTTP2Frame, context: ChannelHandlerContext) {
        switch frame.payload {
        case .settings(.settings(let settings)):
            for setting in settings where setting.parameter == .maxConcurrentStreams {
                maxStreams = setting.value
            }
            if state == .establishing {
                state = .ready
                establishTimer?.cancel()
                pool.established(self)
            }
        case .goAway(let lastStreamID, let code, _):
            if state != .closed { state = .draining }
            let unprocessed = streams.keys.filter { $0 > lastStreamID }.sorted()
            let exchanges = unprocessed.compactMap { streams.removeValue(forKey: $0) }
            pool.resend(exchanges, reason: "APNs closed the connection (GOAWAY \(code))")
            closeIfDrained()
            pool.dispatch()
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if consumed >= Self.connectionWindow / 2 {
            context.write(wrapOutboundOut(HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: consumed))),
                          promise: nil)
            consumed = 0
            needsFlush = true
        }
        pool.dispatch()
        flushIfNeeded()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let streamError = error as? NIOHTTP2Errors.StreamError {
            if let exchange = streams.removeValue(forKey: streamError.streamID) {
                exchange.fail(.possibleDuplicate(reason: "HTTP/2 stream error: \(streamError.baseError) — APNs may have accepted the push"))
            }
            closeIfDrained()
            return
        }
        self.error = self.error ?? error
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let previous = state
        state = .closed
        establishTimer?.cancel()
        self.context = nil
        let reason = error.map { "\($0)" } ?? "closed by the server"
        let inFlight = streams.sorted { $0.key < $1.key }.map(\.value)
        streams.removeAll()
        for exchange in inFlight {
            exchange.fail(.possibleDuplicate(reason: "the APNs connection was lost with the push in flight (\(reason)) — APNs may have accepted it"))
        }
        if previous == .establishing {
            pool.establishFailed(self, error: error ?? PushTransportError("connection closed before HTTP/2 was ready"))
        } else {
            pool.connectionClosed(self)
        }
        closePromise?.succeed()
        closePromise = nil
        context.fireChannelInactive()
    }
}

/// A transport failure in words.
struct PushTransportError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A task executor running its jobs on one NIO event loop: tasks that send many pushes run
/// where their answers arrive, without a hop between the event loop and the global
/// executor's threads for every push.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
