import Logging
import NIOCore
import NIOSSL
import Synchronization

/// An open SMTP session, lent to the body of ``SMTPClient/withConnection(_:)``.
///
/// Not thread-safe: use it from one task. After an error that breaks the session, further
/// sends fail with ``SMTPError/Code/sessionClosed``.
public final class SMTPConnection {
    private let channel: any Channel
    private var inbound: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<SMTPClientFrame>
    private let configuration: SMTPClient.Configuration
    private var logger: Logger
    private var stateMachine: SMTPSessionStateMachine
    /// The deadline of the reply being awaited, checked on the event loop by one repeating
    /// watchdog per connection (see ``nextReply()``).
    private let replyDeadline = ReplyDeadline()

    init(
        channel: any Channel, inbound: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<SMTPClientFrame>, configuration: SMTPClient.Configuration, logger: Logger
    ) {
        self.channel = channel
        self.inbound = inbound
        self.outbound = outbound
        self.configuration = configuration
        self.logger = logger
        self.logger[metadataKey: "smtp.server"] = "\(configuration.host):\(configuration.port)"
        self.stateMachine = SMTPSessionStateMachine(
            configuration: .init(
                clientHostname: configuration.clientHostname, requireStartTLS: configuration.tls == .startTLS,
                credentials: configuration.credentials),
            tlsActive: configuration.tls == .implicit)
        startWatchdog()
    }

    /// One repeating task per connection on its event loop fails the session when the awaited
    /// reply is late. Arming a deadline is a store under a lock; a timer scheduled and
    /// cancelled for every reply instead cost two cross-thread event-loop calls (and a wake-up
    /// of the loop) per reply: five replies per pipelined message. The check runs every quarter
    /// of the shortest configured timeout (between 5 ms and 1 s), so a timeout fires at most
    /// that much late.
    private func startWatchdog() {
        let timeouts = configuration.timeouts
        let shortest = [timeouts.greeting, timeouts.command, timeouts.mail, timeouts.rcpt, timeouts.dataInitiation, timeouts.dataTermination].min()!
        let interval = TimeAmount(min(max(shortest / 4, .milliseconds(5)), .seconds(1)))
        let channel = self.channel
        let deadline = replyDeadline
        let task = channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            if let expired = deadline.expired(now: NIODeadline.now().uptimeNanoseconds) {
                channel.pipeline.fireErrorCaught(SMTPError.timeout(expired))
                channel.close(promise: nil)
            }
        }
        channel.closeFuture.whenComplete { _ in task.cancel() }
    }

    /// What the server announced in EHLO.
    public var capabilities: SMTPServerCapabilities { stateMachine.capabilities }

    /// Whether the session can still send messages.
    public var isUsable: Bool { stateMachine.isReady }

    /// Runs the opening dialogue up to the ready state.
    func open() async throws {
        let action = try await drive(.waitForReply, data: nil)
        guard case .sessionReady(let capabilities) = action else { throw SMTPError.protocolError("session did not open") }
        logger.debug("smtp session ready", metadata: ["smtp.extensions": "\(capabilities.extensions.keys.sorted())"])
    }

    /// Sends one message: MAIL FROM, RCPT TO for each recipient, DATA and the content
    /// (RSET first when the session was used before; pipelined when the server offers PIPELINING).
    /// With `envelopeID` and a server offering DSN, MAIL FROM carries `RET=HDRS ENVID=<xtext>`.
    ///
    /// - Returns: each recipient's outcome and the server's final reply (its queue id text). A
    ///   recipient refused with 4xx is a transient failure, with 5xx a permanent one.
    /// - Throws: ``SMTPError`` when the whole message fails: over SIZE (permanent, before sending),
    ///   sender or content refused (4xx transient, 5xx permanent), connection lost or timeout (transient).
    public func send(from: String, to recipients: [String], data: [UInt8], envelopeID: String? = nil) async throws -> SMTPSendResult {
        let message = OutgoingMessage(from: from, recipients: recipients, data: data, envelopeID: envelopeID)
        let action = try await drive(stateMachine.startTransaction(message.envelope), data: data)
        return try finish(action)
    }

    /// A message for ``send(pulling:completed:)``.
    public struct OutgoingMessage: Sendable {
        public var from: String
        public var recipients: [String]
        public var data: [UInt8]
        public var envelopeID: String?

        public init(from: String, recipients: [String], data: [UInt8], envelopeID: String? = nil) {
            self.from = from
            self.recipients = recipients
            self.data = data
            self.envelopeID = envelopeID
        }

        var envelope: SMTPSessionStateMachine.Envelope {
            .init(from: from, recipients: recipients, size: data.count, hasEightBitData: Self.hasEightBitData(data), envelopeID: envelopeID)
        }

        /// Whether any byte is above 127, eight bytes at a time.
        static func hasEightBitData(_ data: [UInt8]) -> Bool {
            data.withUnsafeBytes { raw in
                var i = 0
                while i + 8 <= raw.count {
                    if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return true }
                    i += 8
                }
                while i < raw.count {
                    if raw[i] >= 128 { return true }
                    i += 1
                }
                return false
            }
        }
    }

    /// Sends messages pulled from `next` one after another until it returns nil or the session
    /// breaks, reporting each to `completed` as ``send(from:to:data:envelopeID:)`` would answer it.
    ///
    /// With PIPELINING, the next message's `RSET MAIL RCPT… DATA` are written right behind the
    /// current content, so a message costs one round trip instead of two. `next` is asked for
    /// the following message while the current one's content is being written.
    ///
    /// - Returns: a message taken from `next` whose content was never written (the session broke
    ///   before it): it was not sent; send it on another session.
    public func send(
        pulling next: () -> OutgoingMessage?, completed: (OutgoingMessage, Result<SMTPSendResult, SMTPError>) -> Void
    ) async -> OutgoingMessage? {
        // The loop runs on the channel's event loop: replies and writes need no thread hop.
        await withTaskExecutorPreference(EventLoopTaskExecutor(channel.eventLoop)) {
            await sendLoop(pulling: next, completed: completed)
        }
    }

    private func sendLoop(
        pulling next: () -> OutgoingMessage?, completed: (OutgoingMessage, Result<SMTPSendResult, SMTPError>) -> Void
    ) async -> OutgoingMessage? {
        var current = next()
        var started = false  // whether `current`'s commands are already written (pipelined)
        while let message = current {
            var upcoming: OutgoingMessage?
            var upcomingStarted = false
            let result: Result<SMTPSendResult, SMTPError>
            do {
                let first = started ? SMTPSessionStateMachine.Action.waitForReply : stateMachine.startTransaction(message.envelope)
                let action = try await drive(first, data: message.data) { machine in
                    guard upcoming == nil, let following = next() else { return [] }
                    upcoming = following
                    guard let commands = machine.pipelineNextTransaction(following.envelope) else { return [] }
                    upcomingStarted = true
                    return commands
                }
                result = Result { try finish(action) }.mapError { $0 as? SMTPError ?? .protocolError("\($0)") }
            } catch {
                result = .failure(error as? SMTPError ?? .protocolError("\(error)"))
            }
            completed(message, result)
            if stateMachine.isClosed {
                // The session is over; an upcoming message whose content was not written was not sent.
                return upcoming
            }
            if upcoming == nil, !stateMachine.isReady { return nil }
            current = upcoming ?? next()
            started = upcoming != nil && upcomingStarted
        }
        return nil
    }

    private func finish(_ action: SMTPSessionStateMachine.Action) throws -> SMTPSendResult {
        guard case .transactionFinished(let outcome) = action else { throw SMTPError.protocolError("transaction did not finish") }
        switch outcome {
        case .completed(let result):
            logger.debug("smtp message sent", metadata: [
                "smtp.accepted": "\(result.acceptedRecipients.count)", "smtp.reply": "\(result.finalReply?.description ?? "-")",
            ])
            return result
        case .failed(let error):
            logger.debug("smtp message failed", metadata: ["smtp.error": "\(error)"])
            throw error
        }
    }

    /// Sends QUIT and waits briefly for the reply; never throws.
    func quit() async {
        do {
            _ = try await drive(stateMachine.quit(), data: nil)
        } catch {
            // The connection is closed by executeThenClose either way.
        }
    }

    // MARK: - Carrying out actions

    /// Carries out actions until the session is ready or a transaction is finished.
    /// `pipelineAfterData`, when given, is asked for commands to write right after the
    /// message content, in the same flush (see ``send(pulling:completed:)``).
    private func drive(
        _ first: SMTPSessionStateMachine.Action, data: [UInt8]?,
        pipelineAfterData: (inout SMTPSessionStateMachine) -> [SMTPCommand] = { _ in [] }
    ) async throws -> SMTPSessionStateMachine.Action {
        var action = first
        do {
            while true {
                switch action {
                case .send(let commands):
                    if logger.logLevel <= .trace {
                        logger.trace("smtp send", metadata: ["smtp.commands": "\(commands.map(\.redactedLine))"])
                    }
                    try await outbound.write(contentsOf: commands.map { .command($0) })
                    action = try await nextReply()
                case .waitForReply:
                    action = try await nextReply()
                case .upgradeToTLS:
                    try await upgradeToTLS()
                    action = stateMachine.tlsEstablished()
                case .sendMessageData:
                    let following = pipelineAfterData(&stateMachine)
                    if following.isEmpty {
                        try await outbound.write(.messageData(data ?? []))
                    } else {
                        try await outbound.write(contentsOf: [.messageData(data ?? [])] + following.map { .command($0) })
                    }
                    action = stateMachine.messageDataSent()
                case .sendEmptyMessageData:
                    try await outbound.write(.messageData([]))
                    action = stateMachine.messageDataSent()
                case .sessionReady, .transactionFinished:
                    return action
                case .closeConnection(let error):
                    channel.close(promise: nil)
                    if let error { throw error }
                    return action
                }
            }
        } catch let error as SMTPError {
            _ = stateMachine.connectionFailed(error)
            channel.close(promise: nil)
            throw error
        } catch {
            var mapped = Self.map(error)
            if mapped.code == .connectionClosed {
                // A failed write hides why the connection closed (e.g. a TLS handshake failure): look at the inbound side.
                do {
                    _ = try await inbound.next()
                } catch let reason as SMTPError {
                    mapped = reason
                } catch {
                    mapped = Self.map(error)
                }
            }
            _ = stateMachine.connectionFailed(mapped)
            channel.close(promise: nil)
            throw mapped
        }
    }

    private func nextReply() async throws -> SMTPSessionStateMachine.Action {
        let kind = stateMachine.timeoutKind
        let timeout = configuration.timeouts[kind]
        replyDeadline.arm(at: NIODeadline.now().uptimeNanoseconds &+ UInt64(TimeAmount(timeout).nanoseconds), kind: kind, timeout: timeout)
        defer { replyDeadline.disarm() }
        guard let reply = try await inbound.next() else { throw SMTPError.connectionClosed }
        if logger.logLevel <= .trace { logger.trace("smtp reply", metadata: ["smtp.reply": "\(reply.code)"]) }
        return stateMachine.replyReceived(reply)
    }

    private func upgradeToTLS() async throws {
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration.tlsConfiguration)
        } catch {
            throw SMTPError(.tlsFailed, "cannot create the TLS context: \(error)", isTransient: false)
        }
        let hostname = Self.sniHostname(configuration.serverHostname ?? configuration.host)
        let channel = self.channel
        try await channel.eventLoop.submit {
            let tlsHandler = try NIOSSLClientHandler(context: context, serverHostname: hostname)
            try channel.pipeline.syncOperations.addHandler(tlsHandler, position: .first)
            try channel.pipeline.syncOperations.addHandler(TLSHandshakeObserver(), position: .after(tlsHandler))
        }.get()
    }

    /// The SNI name: nil for IP literals (NIOSSL then checks the certificate's IP entries).
    static func sniHostname(_ host: String) -> String? {
        let isIPv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        return isIPv4 || host.contains(":") ? nil : host
    }

    private static func map(_ error: any Error) -> SMTPError {
        if let error = error as? NIOSSLError { return .tlsFailed("\(error)") }
        if let error = error as? BoringSSLError { return .tlsFailed("\(error)") }
        if error is NIOSSLExtraError { return .tlsFailed("\(error)") }
        if let error = error as? ChannelError, error == .ioOnClosedChannel || error == .alreadyClosed || error == .eof {
            return .connectionClosed
        }
        return .connectionFailed("\(error)")
    }
}

/// The deadline of the reply a connection awaits: armed before each wait, disarmed after it.
final class ReplyDeadline: Sendable {
    private struct Armed {
        var at: UInt64
        var kind: SMTPSessionStateMachine.TimeoutKind
        var timeout: Duration
    }

    private let state = Mutex<Armed?>(nil)

    func arm(at: UInt64, kind: SMTPSessionStateMachine.TimeoutKind, timeout: Duration) {
        state.withLock { $0 = Armed(at: at, kind: kind, timeout: timeout) }
    }

    func disarm() { state.withLock { $0 = nil } }

    /// The reason, once, when the armed deadline has passed.
    func expired(now: UInt64) -> String? {
        state.withLock { armed in
            guard let current = armed, now >= current.at else { return nil }
            armed = nil
            return "\(current.kind) (after \(current.timeout))"
        }
    }
}
