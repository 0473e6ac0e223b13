import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One STOMP 1.2 connection to a broker, `CONNECTED` and ready. Frames are pipelined: many
/// tasks may ``send(_:)`` at once; each returns when its `RECEIPT` arrives.
///
/// ``STOMPClient`` keeps one of these open and makes a new one when it dies; use this type
/// directly for a connection whose life you manage yourself (tests, a consumer).
public final class STOMPConnection: Sendable {
    /// What the broker said in `CONNECTED`.
    public let info: STOMPConnectedInfo
    /// `MESSAGE` frames of this connection's subscriptions, buffered without limit; ends when
    /// the connection closes.
    public let messages: AsyncStream<STOMPFrame>
    private let channel: any Channel
    private let logger: Logger

    private init(channel: any Channel, info: STOMPConnectedInfo, messages: AsyncStream<STOMPFrame>, logger: Logger) {
        self.channel = channel
        self.info = info
        self.messages = messages
        self.logger = logger
    }

    /// Connects (TCP, TLS for `stomp+ssl`), sends `CONNECT` and waits for `CONNECTED`.
    ///
    /// Throws ``STOMPError``: ``STOMPError/Code/connectionFailed`` (unreachable, TLS failed),
    /// ``STOMPError/Code/connectRefused`` (an `ERROR` answered `CONNECT`),
    /// ``STOMPError/Code/connectTimeout``, ``STOMPError/Code/invalidConfiguration``.
    public static func connect(
        configuration: STOMPClient.Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "stomp")
    ) async throws(STOMPError) -> STOMPConnection {
        let endpoint = configuration.endpoint
        let sslContext: NIOSSLContext?
        do {
            sslContext = endpoint.tls ? try NIOSSLContext(configuration: configuration.tlsConfiguration) : nil
        } catch {
            throw STOMPError(.invalidConfiguration, "TLS settings: \(error)")
        }
        let serverHostname = sniHostname(configuration.serverHostname ?? endpoint.host)
        let (messages, continuation) = AsyncStream.makeStream(of: STOMPFrame.self, bufferingPolicy: .unbounded)
        let session = configuration.session
        let maxFrameLength = configuration.maxFrameLength
        let channel: any Channel
        let connected: EventLoopFuture<STOMPConnectedInfo>
        do {
            (channel, connected) = try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(configuration.connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let promise = channel.eventLoop.makePromise(of: STOMPConnectedInfo.self)
                        let pipeline = channel.pipeline.syncOperations
                        if let sslContext {
                            try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                        }
                        try pipeline.addSTOMPCodecHandlers(maxFrameLength: maxFrameLength)
                        try pipeline.addHandler(STOMPSessionHandler(configuration: session, connectPromise: promise, messages: continuation, logger: logger))
                        return (channel, promise.futureResult)
                    }
                }
        } catch {
            continuation.finish()
            throw STOMPError(.connectionFailed, "cannot connect to \(endpoint): \(error)")
        }
        do {
            let info = try await connected.get()
            logger.debug("stomp connected", metadata: ["stomp.broker": "\(endpoint)", "stomp.server": "\(info.server ?? "?")"])
            return STOMPConnection(channel: channel, info: info, messages: messages, logger: logger)
        } catch {
            try? await channel.close()
            if let error = error as? STOMPError {
                // A TLS failure shows as the connection closing before CONNECTED; say so.
                throw error
            }
            throw STOMPError(.connectionFailed, "connecting to \(endpoint): \(error)")
        }
    }

    /// The SNI name: nil for IP literals (NIOSSL then checks the certificate's IP entries).
    static func sniHostname(_ host: String) -> String? {
        let isIPv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        return host.contains(":") || isIPv4 ? nil : host
    }

    /// Sends `message` with a receipt; returns the receipt id once the broker confirmed it.
    ///
    /// Throws ``STOMPError``: ``STOMPError/Code/rejected`` (the broker refused it),
    /// ``STOMPError/Code/connectionLost`` or ``STOMPError/Code/receiptTimeout`` (it may have
    /// been delivered), ``STOMPError/Code/notConnected`` (not sent),
    /// ``STOMPError/Code/invalidFrame``.
    public func send(_ message: STOMPMessage) async throws(STOMPError) -> String {
        try await request(try message.frame())
    }

    /// `SUBSCRIBE`s to `destination` (confirmed by a receipt); its messages come out of
    /// ``messages``. `ack` is `auto`, `client` or `client-individual`.
    public func subscribe(destination: String, id: String, ack: String = "auto", headers: [(String, String)] = []) async throws(STOMPError) {
        _ = try await request(STOMPFrame(.subscribe, headers: [("destination", destination), ("id", id), ("ack", ack)] + headers))
    }

    /// `ACK`s a message received on a `client`/`client-individual` subscription (its `ack` header).
    public func ack(_ message: STOMPFrame) async throws(STOMPError) {
        guard let id = message["ack"] else { throw STOMPError(.invalidFrame, "the message has no ack header") }
        _ = try await request(STOMPFrame(.ack, headers: [("id", id)]))
    }

    /// Sends any client frame with a receipt (the session sets the `receipt` header); returns
    /// the receipt id.
    public func request(_ frame: STOMPFrame) async throws(STOMPError) -> String {
        do {
            _ = try STOMPFrameParser.encode(frame)  // a frame that cannot be written fails here, not on the channel
        } catch {
            throw STOMPError(.invalidFrame, "\(error)")
        }
        let promise = channel.eventLoop.makePromise(of: String.self)
        channel.writeAndFlush(STOMPSessionHandler.Request.submit(frame, promise)).whenFailure { _ in
            promise.fail(STOMPError(.notConnected, "the connection is closed"))
        }
        do {
            return try await promise.futureResult.get()
        } catch let error as STOMPError {
            throw error
        } catch {
            throw STOMPError(.connectionLost, "\(error)", mayHaveBeenDelivered: true)
        }
    }

    /// Disconnects gracefully (`DISCONNECT` with a receipt, up to the receipt timeout) and
    /// closes the connection. Safe to call more than once.
    public func close() async {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(STOMPSessionHandler.Request.disconnect(promise)).whenFailure { _ in promise.succeed() }
        try? await promise.futureResult.get()
        try? await channel.close()
        try? await channel.closeFuture.get()
        logger.debug("stomp closed")
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }
}
