import Logging
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// A small SMTP client on SwiftNIO.
///
/// ```swift
/// let client = SMTPClient(configuration: .init(host: "mail.example.com", port: 587, tls: .startTLS))
/// try await client.withConnection { connection in
///     let result = try await connection.send(from: "a@example.com", to: ["b@example.org"], data: bytes)
/// }
/// ```
/// The session is opened (greeting, EHLO/HELO, STARTTLS, AUTH) before `body` runs and closed
/// with QUIT after it returns; several messages may be sent on one connection.
public struct SMTPClient: Sendable {
    /// The configuration.
    public let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    /// Creates a client; no connection is made until ``withConnection(_:)``.
    public init(
        configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "smtp")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Opens a session, runs `body` with it, then quits and closes the connection.
    ///
    /// Throws ``SMTPError`` if the session cannot be opened (transient for connection failures,
    /// timeouts and 4xx; permanent for 5xx and configuration problems).
    public func withConnection<Result>(_ body: (SMTPConnection) async throws -> Result) async throws -> Result {
        let asyncChannel = try await connect()
        return try await asyncChannel.executeThenClose { inbound, outbound in
            let connection = SMTPConnection(
                channel: asyncChannel.channel, inbound: inbound.makeAsyncIterator(), outbound: outbound,
                configuration: configuration, logger: logger)
            try await connection.open()
            let result: Result
            do {
                result = try await body(connection)
            } catch {
                await connection.quit()
                throw error
            }
            await connection.quit()
            return result
        }
    }

    /// Opens a session, sends one message, and quits. `envelopeID` is sent as the DSN `ENVID`
    /// when the server offers DSN.
    public func send(from: String, to recipients: [String], data: [UInt8], envelopeID: String? = nil) async throws -> SMTPSendResult {
        try await withConnection { try await $0.send(from: from, to: recipients, data: data, envelopeID: envelopeID) }
    }

    private func connect() async throws -> NIOAsyncChannel<SMTPReply, SMTPClientFrame> {
        let sslContext: NIOSSLContext?
        do {
            sslContext = configuration.tls == .none ? nil : try NIOSSLContext(configuration: configuration.tlsConfiguration)
        } catch {
            throw SMTPError(.tlsFailed, "cannot create the TLS context: \(error)", isTransient: false)
        }
        let implicitTLS = configuration.tls == .implicit
        let hostname = SMTPConnection.sniHostname(configuration.serverHostname ?? configuration.host)
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(TimeAmount(configuration.timeouts.connect))
            .channelOption(.socketOption(.so_keepalive), value: 1)
        do {
            return try await bootstrap.connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if implicitTLS, let sslContext {
                        try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: hostname))
                    }
                    try pipeline.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    try pipeline.addHandler(SMTPReplyDecoder())
                    try pipeline.addHandler(MessageToByteHandler(SMTPRequestEncoder()))
                    return try NIOAsyncChannel<SMTPReply, SMTPClientFrame>(wrappingChannelSynchronously: channel)
                }
            }
        } catch let error as SMTPError {
            throw error
        } catch {
            throw SMTPError.connectionFailed("cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }
    }
}
