import Logging
import NIOCore
import NIOPosix
import Synchronization

/// An SMPP 3.4 ESME client: one bound connection to an SMSC.
///
/// ```swift
/// try await SMPPClient.withConnection(host: "smsc.example", port: 2775,
///                                     configuration: .init(systemID: "herald", password: "secret")) { client in
///     let result = try await client.submit(SMSMessage(source: SMPPAddress("Herald")!,
///                                                     destination: SMPPAddress("+4915112345678")!,
///                                                     text: "Hello"))
///     for await delivery in client.deliveries { if let receipt = delivery.receipt { … } }
/// }
/// ```
///
/// Submits are pipelined up to the window; `submit` may be called from many tasks at once.
/// The session (window, TPS cap, keepalive, timeouts) is ``SMPPSessionStateMachine`` run by a
/// channel handler on the connection's event loop.
public final class SMPPClient: Sendable {
    /// Connection and session settings.
    public struct Configuration: Sendable, Hashable {
        /// `system_id` to bind with.
        public var systemID: String
        /// `password` to bind with.
        public var password: String
        /// `system_type`. Default empty.
        public var systemType: String
        /// The bind. Default ``SMPPBindType/transceiver``.
        public var bindType: SMPPBindType
        /// `address_range` of the bind. Default empty.
        public var addressRange: String
        /// The most `submit_sm` awaiting a response. Default 64.
        public var windowSize: Int
        /// The most `submit_sm` per second, or `nil` for no cap. Default `nil`.
        public var maxSubmitsPerSecond: Int?
        /// Idle time before an `enquire_link`. Default 30 seconds.
        public var enquireLinkInterval: TimeAmount
        /// How long to wait for each response (bind, submit, unbind). Default 10 seconds.
        public var responseTimeout: TimeAmount
        /// How long to wait for the TCP connection. Default 10 seconds.
        public var connectTimeout: TimeAmount
        /// Pause after `ESME_RTHROTTLED`/`ESME_RMSGQFUL`. Default 1 second.
        public var throttleBackoff: TimeAmount
        /// The largest PDU accepted from the SMSC. Default 64 KiB.
        public var maxPDULength: Int

        /// Creates a configuration with the documented defaults.
        public init(
            systemID: String,
            password: String,
            systemType: String = "",
            bindType: SMPPBindType = .transceiver,
            addressRange: String = "",
            windowSize: Int = 64,
            maxSubmitsPerSecond: Int? = nil,
            enquireLinkInterval: TimeAmount = .seconds(30),
            responseTimeout: TimeAmount = .seconds(10),
            connectTimeout: TimeAmount = .seconds(10),
            throttleBackoff: TimeAmount = .seconds(1),
            maxPDULength: Int = 65_536
        ) {
            self.systemID = systemID
            self.password = password
            self.systemType = systemType
            self.bindType = bindType
            self.addressRange = addressRange
            self.windowSize = windowSize
            self.maxSubmitsPerSecond = maxSubmitsPerSecond
            self.enquireLinkInterval = enquireLinkInterval
            self.responseTimeout = responseTimeout
            self.connectTimeout = connectTimeout
            self.throttleBackoff = throttleBackoff
            self.maxPDULength = maxPDULength
        }

        /// The session configuration these settings make.
        public var session: SMPPSessionStateMachine.Configuration {
            SMPPSessionStateMachine.Configuration(
                bind: SMPPBind(type: self.bindType, systemID: self.systemID, password: self.password, systemType: self.systemType, addressRange: self.addressRange),
                windowSize: self.windowSize,
                responseTimeout: self.responseTimeout,
                enquireLinkInterval: self.enquireLinkInterval,
                maxSubmitsPerSecond: self.maxSubmitsPerSecond,
                throttleBackoff: self.throttleBackoff
            )
        }
    }

    /// The outcome of submitting an ``SMSMessage``.
    public struct SubmitResult: Hashable, Sendable {
        /// The SMSC's message id for each segment, in segment order.
        public var messageIDs: [String]
        /// The encoding used.
        public var encoding: SMSEncoding

        /// Creates a result.
        public init(messageIDs: [String], encoding: SMSEncoding) {
            self.messageIDs = messageIDs
            self.encoding = encoding
        }

        /// The number of segments.
        public var segmentCount: Int { self.messageIDs.count }
    }

    /// The SMSC's bind response (its `system_id`).
    public let bindResponse: SMPPBindResponse
    /// Messages the SMSC delivers on this bind (receipts and mobile-originated messages),
    /// already acknowledged. Buffered without limit; ends when the connection closes.
    public let deliveries: AsyncStream<SMPPDelivery>
    private let channel: any Channel
    private let configuration: Configuration
    private let logger: Logger
    private let nextReference: Atomic<UInt8>

    private init(channel: any Channel, bindResponse: SMPPBindResponse, deliveries: AsyncStream<SMPPDelivery>, configuration: Configuration, logger: Logger) {
        self.channel = channel
        self.bindResponse = bindResponse
        self.deliveries = deliveries
        self.configuration = configuration
        self.logger = logger
        self.nextReference = Atomic(UInt8.random(in: 0...255))
    }

    /// Connects, binds, runs `body` with the bound client, then unbinds and closes the
    /// connection (also when `body` throws).
    public static func withConnection<Result: Sendable>(
        host: String,
        port: Int,
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "smpp"),
        _ body: (SMPPClient) async throws -> Result
    ) async throws -> Result {
        let client = try await Self.connect(host: host, port: port, configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        let result: Result
        do {
            result = try await body(client)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
        return result
    }

    /// Connects and binds. Call ``close()`` when done; prefer ``withConnection(host:port:configuration:eventLoopGroup:logger:_:)``.
    ///
    /// Throws ``SMPPError`` with ``SMPPError/Code/bindFailed`` (and the SMSC's status) when the
    /// bind is refused, or the connection error.
    public static func connect(
        host: String,
        port: Int,
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "smpp")
    ) async throws -> SMPPClient {
        let (deliveries, continuation) = AsyncStream.makeStream(of: SMPPDelivery.self, bufferingPolicy: .unbounded)
        let session = configuration.session
        let maxPDULength = configuration.maxPDULength
        let (channel, bound) = try await ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let bindPromise = channel.eventLoop.makePromise(of: SMPPBindResponse.self)
                    try channel.pipeline.syncOperations.addSMPPCodecHandlers(maxFrameLength: maxPDULength)
                    try channel.pipeline.syncOperations.addHandler(
                        SMPPSessionHandler(configuration: session, bindPromise: bindPromise, deliveries: continuation, logger: logger)
                    )
                    return (channel, bindPromise.futureResult)
                }
            }
        do {
            let response = try await bound.get()
            logger.info("smpp bound", metadata: ["smpp.host": "\(host)", "smpp.port": "\(port)", "smpp.smsc": "\(response.systemID)"])
            return SMPPClient(channel: channel, bindResponse: response, deliveries: deliveries, configuration: configuration, logger: logger)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Encodes, segments and submits a text message; returns a message id per segment.
    ///
    /// The segments are pipelined. When one fails, the error (an ``SMPPError``) lists in
    /// ``SMPPError/acceptedMessageIDs`` the segments that were accepted anyway.
    public func submit(_ message: SMSMessage) async throws -> SubmitResult {
        let reference = self.nextReference.wrappingAdd(1, ordering: .relaxed).newValue
        let (segmentation, shortMessages) = try message.shortMessages(reference: reference)
        let futures = try shortMessages.map { shortMessage in try self.startSubmit(shortMessage) }
        var messageIDs: [String] = []
        var firstError: SMPPError?
        for future in futures {
            do {
                messageIDs.append(try await future.get())
            } catch let error as SMPPError {
                if firstError == nil { firstError = error }
            }
        }
        if var firstError {
            firstError.acceptedMessageIDs = messageIDs
            throw firstError
        }
        return SubmitResult(messageIDs: messageIDs, encoding: segmentation.encoding)
    }

    /// Submits one prepared `submit_sm` body; returns the SMSC's message id.
    ///
    /// Throws ``SMPPError``: ``SMPPError/Code/commandStatus`` when the SMSC rejects it (see
    /// ``SMPPCommandStatus/isTransient``), ``SMPPError/Code/responseTimeout`` or
    /// ``SMPPError/Code/connectionClosed`` when the outcome is unknown.
    public func submit(shortMessage: SMPPShortMessage) async throws -> String {
        try await self.startSubmit(shortMessage).get()
    }

    private func startSubmit(_ shortMessage: SMPPShortMessage) throws(SMPPError) -> EventLoopFuture<String> {
        // Validate the fields here, so an encoding failure is reported as such.
        var scratch = ByteBuffer()
        try SMPPPDU(.submitSM(shortMessage), sequenceNumber: 1).encode(into: &scratch)
        let promise = self.channel.eventLoop.makePromise(of: String.self)
        self.channel.writeAndFlush(SMPPSessionHandler.Request.submit(shortMessage, promise)).whenFailure { _ in
            promise.fail(SMPPError(code: .unbound, detail: "the connection is closed"))
        }
        return promise.futureResult
    }

    /// Unbinds gracefully (waiting for `unbind_resp` up to the response timeout) and closes the
    /// connection. Safe to call more than once.
    public func close() async {
        let promise = self.channel.eventLoop.makePromise(of: Void.self)
        self.channel.writeAndFlush(SMPPSessionHandler.Request.unbind(promise)).whenFailure { _ in promise.succeed() }
        try? await promise.futureResult.get()
        try? await self.channel.close()
        try? await self.channel.closeFuture.get()
        self.logger.debug("smpp closed")
    }

    /// Whether the connection is still open.
    public var isActive: Bool { self.channel.isActive }
}
