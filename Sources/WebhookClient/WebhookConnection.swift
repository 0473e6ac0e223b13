import NIOCore
import NIOSSL
import NIOTLS

/// Why a request on one connection got no response, as the pool sees it.
enum ConnectionFailure: Error {
    /// The connection was closed before the request could be written: try another.
    case notSent
    /// The connection ended with no byte of a response (on a reused connection, the server
    /// most likely closed it as idle while the request was on its way).
    case closedBeforeAnswer(sent: Bool)
    /// Anything else, as the client reports it.
    case failed(WebhookClientError)
}

/// One keep-alive HTTP/1.1 connection: the channel handler that writes a request (one
/// ByteBuffer), parses its response, times it out, and hands the connection back to its pool
/// once a complete response allows another request.
///
/// Its state is touched only on its event loop; ``send(_:deadline:cap:)`` hops there.
final class WebhookConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct InFlight {
        var continuation: UnsafeContinuation<WebhookResponse, any Error>
        var parser: HTTPResponseParser
        var deadline: NIODeadline
    }

    let eventLoop: any EventLoop
    private weak let pool: ConnectionPool?
    private let idleTimeout: TimeAmount
    // Event-loop state.
    private var context: ChannelHandlerContext?
    private var inFlight: InFlight?
    private var cumulation: ByteBuffer?
    private var closed = false
    private var handshakePending: Bool
    private var lastError: (any Error)?
    private var idleSince: NIODeadline = .now()
    private var idleCheck: Scheduled<Void>?
    /// The request timer: armed lazily (one timer per timeout period, not per request); when
    /// it fires before the request's deadline it is armed again for that deadline.
    private var requestTimer: Scheduled<Void>?
    private var requestTimerAt: NIODeadline = .distantFuture

    init(eventLoop: any EventLoop, pool: ConnectionPool, tls: Bool, idleTimeout: TimeAmount) {
        self.eventLoop = eventLoop
        self.pool = pool
        self.handshakePending = tls
        self.idleTimeout = idleTimeout
    }

    /// Sends `payload` (a whole request) and waits for the complete response, at most until
    /// `deadline`.
    func send(_ payload: ByteBuffer, deadline: NIODeadline, cap: Int) async throws -> WebhookResponse {
        try await withUnsafeThrowingContinuation { continuation in
            if eventLoop.inEventLoop {
                start(payload, deadline: deadline, cap: cap, continuation: continuation)
            } else {
                eventLoop.execute { self.start(payload, deadline: deadline, cap: cap, continuation: continuation) }
            }
        }
    }

    /// Closes the connection (from any thread).
    func close() {
        eventLoop.execute { self.context?.close(promise: nil) }
    }

    private func start(_ payload: ByteBuffer, deadline: NIODeadline, cap: Int,
                       continuation: UnsafeContinuation<WebhookResponse, any Error>) {
        guard !closed, let context, context.channel.isActive, inFlight == nil else {
            continuation.resume(throwing: ConnectionFailure.notSent)
            return
        }
        inFlight = InFlight(continuation: continuation, parser: HTTPResponseParser(cap: cap), deadline: deadline)
        if requestTimer == nil || requestTimerAt > deadline { armRequestTimer(at: deadline) }
        context.writeAndFlush(wrapOutboundOut(payload), promise: nil)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard var current = inFlight else {
            // Bytes nobody asked for: the connection cannot be trusted with a request.
            context.close(promise: nil)
            return
        }
        if var pending = cumulation {
            pending.writeBuffer(&buffer)
            buffer = pending
            cumulation = nil
        }
        let progress: HTTPResponseParser.Progress
        do {
            progress = try current.parser.parse(&buffer)
        } catch {
            inFlight = nil
            context.close(promise: nil)
            current.continuation.resume(throwing: ConnectionFailure.failed(.malformedResponse(error.reason)))
            return
        }
        switch progress {
        case .needMore:
            inFlight = current
            if buffer.readableBytes > 0 {
                buffer.discardReadBytes()
                cumulation = buffer
            }
        case .complete, .capReached:
            inFlight = nil
            let parser = current.parser
            if parser.keepAlive && buffer.readableBytes == 0 && !closed {
                becomeIdle()
            } else {
                context.close(promise: nil)
            }
            current.continuation.resume(returning: WebhookResponse(parser))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { handshakePending = false }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if lastError == nil { lastError = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        idleCheck?.cancel()
        idleCheck = nil
        requestTimer?.cancel()
        requestTimer = nil
        pool?.remove(self)
        guard let current = inFlight else { return }
        inFlight = nil
        if current.parser.completeAtEOF {
            current.continuation.resume(returning: WebhookResponse(current.parser))
        } else if !current.parser.receivedAny && lastError == nil {
            current.continuation.resume(throwing: ConnectionFailure.closedBeforeAnswer(sent: !handshakePending))
        } else if handshakePending {
            current.continuation.resume(throwing: ConnectionFailure.failed(
                .connectFailed(reason: lastError.map { "TLS: \($0)" } ?? "closed during the TLS handshake")))
        } else {
            let why = lastError.map { "\($0)" } ?? (current.parser.receivedAny ? "closed in the middle of the response" : "closed before answering")
            current.continuation.resume(throwing: ConnectionFailure.failed(.connectionClosed(reason: why)))
        }
    }

    private func armRequestTimer(at deadline: NIODeadline) {
        requestTimer?.cancel()
        requestTimerAt = deadline
        requestTimer = eventLoop.scheduleTask(deadline: deadline) { [self] in
            requestTimer = nil
            guard let current = inFlight else { return }
            if current.deadline <= .now() {
                timedOut()
            } else {
                armRequestTimer(at: current.deadline)
            }
        }
    }

    private func timedOut() {
        guard let current = inFlight else { return }
        inFlight = nil
        let sent = !handshakePending
        context?.close(promise: nil)
        current.continuation.resume(throwing: ConnectionFailure.failed(.timeout(requestSent: sent)))
    }

    /// Back to the pool; closed once idle for `idleTimeout` (checked lazily: one timer per
    /// idle period, not per request).
    private func becomeIdle() {
        idleSince = .now()
        if idleCheck == nil { scheduleIdleCheck(at: idleSince + idleTimeout) }
        if let pool, pool.release(self) { return }
        context?.close(promise: nil)
    }

    private func scheduleIdleCheck(at deadline: NIODeadline) {
        idleCheck = eventLoop.scheduleTask(deadline: deadline) { [self] in
            idleCheck = nil
            guard !closed else { return }
            if inFlight == nil && idleSince + idleTimeout <= .now() {
                pool?.remove(self)
                context?.close(promise: nil)
            } else {
                scheduleIdleCheck(at: (inFlight == nil ? idleSince : .now()) + idleTimeout)
            }
        }
    }
}

extension WebhookResponse {
    init(_ parser: HTTPResponseParser) {
        self.init(status: parser.status, headers: parser.headers, body: parser.body, bodyTruncated: parser.truncated)
    }
}
