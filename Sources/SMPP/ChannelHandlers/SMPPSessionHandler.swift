import Logging
import NIOCore

/// Carries out an ``SMPPSessionStateMachine`` on a channel that reads and writes ``SMPPPDU``:
/// feeds it the channel's events and timers, performs its actions, and completes the promises
/// of the requests written to it.
final class SMPPSessionHandler: ChannelDuplexHandler {
    typealias InboundIn = SMPPPDU
    typealias OutboundIn = Request
    typealias OutboundOut = SMPPPDU

    /// A request from the client, written into the pipeline.
    enum Request: Sendable {
        case submit(SMPPShortMessage, EventLoopPromise<String>)
        case unbind(EventLoopPromise<Void>)
    }

    private var stateMachine: SMPPSessionStateMachine
    private let bindPromise: EventLoopPromise<SMPPBindResponse>
    private let deliveries: AsyncStream<SMPPDelivery>.Continuation?
    private let tickInterval: TimeAmount
    private let logger: Logger
    private var submitPromises: [SMPPSessionStateMachine.RequestID: EventLoopPromise<String>] = [:]
    private var unbindPromises: [EventLoopPromise<Void>] = []
    private var tickTask: Scheduled<Void>?
    private var wakeUpTask: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(
        configuration: SMPPSessionStateMachine.Configuration,
        bindPromise: EventLoopPromise<SMPPBindResponse>,
        deliveries: AsyncStream<SMPPDelivery>.Continuation?,
        logger: Logger = Logger(label: "smpp")
    ) {
        self.stateMachine = SMPPSessionStateMachine(configuration: configuration)
        self.bindPromise = bindPromise
        self.deliveries = deliveries
        self.logger = logger
        let shortest = min(configuration.responseTimeout, configuration.enquireLinkInterval)
        self.tickInterval = max(.milliseconds(10), min(.seconds(1), .nanoseconds(shortest.nanoseconds / 4)))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { self.start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.stop()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard self.tickTask == nil, !self.stateMachine.isClosed else { return }
        self.run(self.stateMachine.connected(now: context.eventLoop.now), context: context)
        self.scheduleTick(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.run(self.stateMachine.connectionClosed(), context: context)
        self.stop()
        context.fireChannelInactive()
    }

    private func stop() {
        self.tickTask?.cancel()
        self.tickTask = nil
        self.wakeUpTask?.cancel()
        self.wakeUpTask = nil
        self.bindPromise.fail(SMPPError(code: .connectionClosed, detail: "the connection closed before the bind completed"))
        for promise in self.unbindPromises { promise.succeed() }
        self.unbindPromises.removeAll()
        for (_, promise) in self.submitPromises { promise.fail(SMPPError(code: .connectionClosed)) }
        self.submitPromises.removeAll()
        self.deliveries?.finish()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let pdu = Self.unwrapInboundIn(data)
        self.logger.trace("smpp received", metadata: ["smpp.command": "\(pdu.commandID)", "smpp.sequence": "\(pdu.sequenceNumber)"])
        self.run(self.stateMachine.received(pdu, now: context.eventLoop.now), context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let decodingError = error as? SMPPDecodingError {
            self.logger.info("smpp malformed pdu", metadata: ["smpp.error": "\(decodingError)"])
            self.run(self.stateMachine.receivedMalformed(decodingError, now: context.eventLoop.now), context: context)
        } else {
            self.logger.info("smpp connection error", metadata: ["smpp.error": "\(error)"])
            context.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        promise?.succeed()
        switch Self.unwrapOutboundIn(data) {
        case .submit(let message, let submitPromise):
            let (id, actions) = self.stateMachine.submit(message, now: context.eventLoop.now)
            self.submitPromises[id] = submitPromise
            self.run(actions, context: context)
        case .unbind(let unbindPromise):
            self.unbindPromises.append(unbindPromise)
            self.run(self.stateMachine.unbind(now: context.eventLoop.now), context: context)
        }
    }

    private func scheduleTick(context: ChannelHandlerContext) {
        self.tickTask = context.eventLoop.assumeIsolated().scheduleTask(in: self.tickInterval) {
            guard let context = self.context, self.tickTask != nil else { return }
            self.run(self.stateMachine.tick(now: context.eventLoop.now), context: context)
            if !self.stateMachine.isClosed { self.scheduleTick(context: context) }
        }
    }

    private func run(_ actions: [SMPPSessionStateMachine.Action], context: ChannelHandlerContext) {
        var wrote = false
        for action in actions {
            switch action {
            case .send(let pdu):
                self.logger.trace("smpp send", metadata: ["smpp.command": "\(pdu.commandID)", "smpp.sequence": "\(pdu.sequenceNumber)"])
                context.write(Self.wrapOutboundOut(pdu), promise: nil)
                wrote = true
            case .bindSucceeded(let response):
                self.bindPromise.succeed(response)
            case .bindFailed(let error):
                self.bindPromise.fail(error)
            case .submitSucceeded(let id, let messageID):
                self.submitPromises.removeValue(forKey: id)?.succeed(messageID)
            case .submitFailed(let id, let error):
                self.submitPromises.removeValue(forKey: id)?.fail(error)
            case .deliver(let message):
                let receipt = SMPPDeliveryReceipt(message)
                if receipt == nil && message.isDeliveryReceipt {
                    self.logger.info("smpp unparseable delivery receipt kept as a message")
                }
                self.deliveries?.yield(SMPPDelivery(message: message, receipt: receipt))
            case .unbindCompleted:
                for promise in self.unbindPromises { promise.succeed() }
                self.unbindPromises.removeAll()
            case .close(let error):
                if let error { self.logger.info("smpp closing the connection", metadata: ["smpp.error": "\(error)"]) }
                if wrote { context.flush(); wrote = false }
                context.close(promise: nil)
            case .scheduleWakeUp(let deadline):
                self.wakeUpTask?.cancel()
                self.wakeUpTask = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
                    guard let context = self.context else { return }
                    self.wakeUpTask = nil
                    self.run(self.stateMachine.tick(now: context.eventLoop.now), context: context)
                }
            }
        }
        if wrote { context.flush() }
    }
}
