import Logging
import NIOCore

/// Carries out a ``STOMPSessionStateMachine`` on a channel that reads ``STOMPInbound`` and
/// writes ``STOMPOutbound``: feeds it the channel's events and a timer, performs its actions,
/// and completes the promises of the requests written to it.
final class STOMPSessionHandler: ChannelDuplexHandler {
    typealias InboundIn = STOMPInbound
    typealias OutboundIn = Request
    typealias OutboundOut = STOMPOutbound

    /// A request from the client, written into the pipeline.
    enum Request: Sendable {
        /// A frame to send with a receipt; the promise gets the receipt id.
        case submit(STOMPFrame, EventLoopPromise<String>)
        case disconnect(EventLoopPromise<Void>)
    }

    private var stateMachine: STOMPSessionStateMachine
    private let connectPromise: EventLoopPromise<STOMPConnectedInfo>
    private let messages: AsyncStream<STOMPFrame>.Continuation?
    private let logger: Logger
    private var requestPromises: [STOMPSessionStateMachine.RequestID: EventLoopPromise<String>] = [:]
    private var disconnectPromises: [EventLoopPromise<Void>] = []
    private var tickTask: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    /// The channel's own error (a failed TLS handshake, a reset), to say why a connection ended.
    private var channelError: (any Error)?

    init(
        configuration: STOMPSessionStateMachine.Configuration,
        connectPromise: EventLoopPromise<STOMPConnectedInfo>,
        messages: AsyncStream<STOMPFrame>.Continuation?,
        logger: Logger
    ) {
        self.stateMachine = STOMPSessionStateMachine(configuration: configuration)
        self.connectPromise = connectPromise
        self.messages = messages
        self.logger = logger
    }

    /// How often the timer runs: a quarter of the shortest interval the session watches, between 10 ms and 1 s.
    private var tickInterval: TimeAmount {
        max(.milliseconds(10), min(.seconds(1), .nanoseconds(stateMachine.shortestInterval.nanoseconds / 4)))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard tickTask == nil, !stateMachine.isClosed else { return }
        run(stateMachine.connected(now: context.eventLoop.now), context: context)
        scheduleTick(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        run(stateMachine.connectionClosed(), context: context)
        stop()
        context.fireChannelInactive()
    }

    private func stop() {
        tickTask?.cancel()
        tickTask = nil
        connectPromise.fail(STOMPError(.connectionFailed, "the connection closed before CONNECTED"))
        for promise in disconnectPromises { promise.succeed() }
        disconnectPromises.removeAll()
        for (_, promise) in requestPromises {
            promise.fail(STOMPError(.connectionLost, "the connection closed before the RECEIPT", mayHaveBeenDelivered: true))
        }
        requestPromises.removeAll()
        messages?.finish()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .heartBeat:
            run(stateMachine.receivedHeartBeat(now: context.eventLoop.now), context: context)
        case .frame(let frame):
            logger.trace("stomp received", metadata: ["stomp.frame": "\(frame)"])
            run(stateMachine.received(frame, now: context.eventLoop.now), context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let decodingError = error as? STOMPDecodingError {
            logger.info("stomp malformed frame", metadata: ["stomp.error": "\(decodingError)"])
            run(stateMachine.receivedMalformed(decodingError, now: context.eventLoop.now), context: context)
        } else {
            logger.info("stomp connection error", metadata: ["stomp.error": "\(error)"])
            if channelError == nil { channelError = error }
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        promise?.succeed()
        switch Self.unwrapOutboundIn(data) {
        case .submit(let frame, let requestPromise):
            let (id, actions) = stateMachine.submit(frame, now: context.eventLoop.now)
            requestPromises[id] = requestPromise
            run(actions, context: context)
        case .disconnect(let disconnectPromise):
            disconnectPromises.append(disconnectPromise)
            run(stateMachine.disconnect(now: context.eventLoop.now), context: context)
        }
    }

    private func scheduleTick(context: ChannelHandlerContext) {
        tickTask = context.eventLoop.assumeIsolated().scheduleTask(in: tickInterval) {
            guard let context = self.context, self.tickTask != nil else { return }
            self.run(self.stateMachine.tick(now: context.eventLoop.now), context: context)
            if !self.stateMachine.isClosed { self.scheduleTick(context: context) }
        }
    }

    private func run(_ actions: [STOMPSessionStateMachine.Action], context: ChannelHandlerContext) {
        var wrote = false
        for action in actions {
            switch action {
            case .send(let frame):
                logger.trace("stomp send", metadata: ["stomp.frame": "\(frame)"])
                context.write(Self.wrapOutboundOut(.frame(frame)), promise: nil)
                wrote = true
            case .sendHeartBeat:
                context.write(Self.wrapOutboundOut(.heartBeat), promise: nil)
                wrote = true
            case .connected(let info):
                connectPromise.succeed(info)
                // The agreed heart-beats may need a faster timer than the handshake did.
                tickTask?.cancel()
                scheduleTick(context: context)
            case .connectFailed(var error):
                if error.code == .connectionFailed, let channelError { error.reason += ": \(channelError)" }
                connectPromise.fail(error)
            case .requestSucceeded(let id, let receiptID):
                requestPromises.removeValue(forKey: id)?.succeed(receiptID)
            case .requestFailed(let id, let error):
                requestPromises.removeValue(forKey: id)?.fail(error)
            case .deliver(let frame):
                messages?.yield(frame)
            case .disconnected:
                for promise in disconnectPromises { promise.succeed() }
                disconnectPromises.removeAll()
            case .close(let error):
                if let error { logger.info("stomp closing the connection", metadata: ["stomp.error": "\(error)"]) }
                if wrote { context.flush(); wrote = false }
                context.close(promise: nil)
            }
        }
        if wrote { context.flush() }
    }
}
