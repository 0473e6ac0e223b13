import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// An in-process SMTP server on 127.0.0.1, port 0, whose replies and faults are scripted.
public final class FakeSMTPServer: @unchecked Sendable {
    /// The server's replies and faults.
    public struct Script: Sendable {
        /// The greeting line.
        public var greeting: String
        /// The EHLO keywords offered.
        public var extensions: [String]
        /// A whole EHLO reply instead of the keyword list.
        public var ehloReply: String?
        /// The STARTTLS reply; a 220 makes the server answer the handshake with plain text.
        public var startTLSReply: String
        /// Reply per RCPT address; default 250.
        public var rcptReplies: [String: String]
        /// The MAIL FROM reply.
        public var mailReply: String
        /// The DATA reply; a 354 starts the content.
        public var dataReply: String
        /// The reply to the end of the content.
        public var finalReply: String
        /// Close the connection after this many content lines in DATA.
        public var disconnectAfterDataLines: Int?
        /// Never answer the end of data.
        public var stallAfterData: Bool
        /// Never send the greeting.
        public var stallGreeting: Bool
        /// Close right after the greeting.
        public var closeAfterGreeting: Bool

        /// A script; the defaults make a server that accepts everything.
        public init(
            greeting: String = "220 fake.test ESMTP",
            extensions: [String] = ["PIPELINING", "SIZE 100000", "8BITMIME"],
            ehloReply: String? = nil,
            startTLSReply: String = "454 4.7.0 TLS not available",
            rcptReplies: [String: String] = [:],
            mailReply: String = "250 2.1.0 Ok",
            dataReply: String = "354 End data with <CR><LF>.<CR><LF>",
            finalReply: String = "250 2.0.0 Ok: queued as ABC123",
            disconnectAfterDataLines: Int? = nil,
            stallAfterData: Bool = false,
            stallGreeting: Bool = false,
            closeAfterGreeting: Bool = false
        ) {
            self.greeting = greeting
            self.extensions = extensions
            self.ehloReply = ehloReply
            self.startTLSReply = startTLSReply
            self.rcptReplies = rcptReplies
            self.mailReply = mailReply
            self.dataReply = dataReply
            self.finalReply = finalReply
            self.disconnectAfterDataLines = disconnectAfterDataLines
            self.stallAfterData = stallAfterData
            self.stallGreeting = stallGreeting
            self.closeAfterGreeting = closeAfterGreeting
        }
    }

    /// What the server answers.
    public let script: Script
    private let lock = NSLock()
    private var _commands: [String] = []
    private var _messages: [[UInt8]] = []
    private var _reads: [Int] = []
    private var _commandsAfterDataEnd = 0
    private var channel: (any Channel)?
    private let group: any EventLoopGroup

    /// Every command line received, in order.
    public var commands: [String] { lock.withLock { _commands } }
    /// The content of each message received (dot-unstuffed).
    public var messages: [[UInt8]] { lock.withLock { _messages } }
    /// How many command lines arrived in each read (pipelining shows as > 1).
    public var linesPerRead: [Int] { lock.withLock { _reads } }
    /// Reads in which commands followed the end of a message's content (the next envelope
    /// pipelined behind it).
    public var commandsAfterDataEnd: Int { lock.withLock { _commandsAfterDataEnd } }

    /// The port it listens on, on 127.0.0.1.
    public var port: Int { channel!.localAddress!.port! }

    /// With `tls`, the server speaks TLS from the first byte (implicit TLS, port 465 style).
    public init(_ script: Script = Script(), tls: NIOSSLContext? = nil, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws {
        self.script = script
        self.group = group
        let server = self
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(Handler(server: server))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Stops listening.
    public func shutdown() async {
        try? await channel?.close().get()
    }

    fileprivate func record(command: String) { lock.withLock { _commands.append(command) } }
    fileprivate func record(message: [UInt8]) { lock.withLock { _messages.append(message) } }
    fileprivate func record(read lines: Int) { lock.withLock { _reads.append(lines) } }
    fileprivate func recordCommandsAfterDataEnd() { lock.withLock { _commandsAfterDataEnd += 1 } }

    /// Handles raw bytes, splitting lines itself so it can count lines per read.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let server: FakeSMTPServer
        var buffer: [UInt8] = []
        var inData = false
        var dataLines: [[UInt8]] = []
        var dataLineCount = 0
        var stalled = false
        var answerWithGarbage = false

        init(server: FakeSMTPServer) { self.server = server }

        func channelActive(context: ChannelHandlerContext) {
            if server.script.stallGreeting { stalled = true; return }
            send(context, server.script.greeting)
            if server.script.closeAfterGreeting { context.close(promise: nil) }
        }

        func send(_ context: ChannelHandlerContext, _ text: String) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = unwrapInboundIn(data)
            if answerWithGarbage {
                // Not a TLS server: answer the ClientHello with plain text.
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "500 this is not TLS\r\n")), promise: nil)
                return
            }
            buffer += incoming.readBytes(length: incoming.readableBytes) ?? []
            var commandLines = 0
            var dataEnded = false
            var countedAfterDataEnd = false
            while let newline = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                if line.last == 13 { line.removeLast() }
                if stalled { continue }
                if inData {
                    handleDataLine(context, line)
                    if !inData { dataEnded = true }
                } else {
                    if dataEnded && !countedAfterDataEnd {
                        countedAfterDataEnd = true
                        server.recordCommandsAfterDataEnd()
                    }
                    commandLines += 1
                    handleCommand(context, String(decoding: line, as: UTF8.self))
                }
            }
            if commandLines > 0 { server.record(read: commandLines) }
        }

        func handleDataLine(_ context: ChannelHandlerContext, _ line: [UInt8]) {
            if line == [UInt8(ascii: ".")] {
                inData = false
                var message: [UInt8] = []
                for l in dataLines { message += l + [13, 10] }
                server.record(message: message)
                dataLines = []
                if server.script.stallAfterData { stalled = true; return }
                send(context, server.script.finalReply)
                return
            }
            dataLineCount += 1
            if let limit = server.script.disconnectAfterDataLines, dataLineCount >= limit {
                context.close(promise: nil)
                stalled = true
                return
            }
            dataLines.append(line.first == UInt8(ascii: ".") ? Array(line.dropFirst()) : line)
        }

        func handleCommand(_ context: ChannelHandlerContext, _ line: String) {
            server.record(command: line)
            let verb = line.split(separator: " ").first.map { $0.uppercased() } ?? ""
            switch verb {
            case "EHLO":
                if let reply = server.script.ehloReply { send(context, reply); return }
                let lines = ["fake.test"] + server.script.extensions
                send(context, lines.enumerated().map { "250\($0.offset == lines.count - 1 ? " " : "-")\($0.element)" }.joined(separator: "\n"))
            case "HELO": send(context, "250 fake.test")
            case "STARTTLS":
                send(context, server.script.startTLSReply)
                if server.script.startTLSReply.hasPrefix("220") { answerWithGarbage = true }
            case "MAIL": send(context, server.script.mailReply)
            case "RCPT":
                let address = line.split(separator: "<").dropFirst().first?.split(separator: ">").first.map(String.init) ?? ""
                send(context, server.script.rcptReplies[address] ?? "250 2.1.5 Ok")
            case "DATA":
                send(context, server.script.dataReply)
                if server.script.dataReply.hasPrefix("354") { inData = true; dataLineCount = 0 }
            case "RSET", "NOOP": send(context, "250 2.0.0 Ok")
            case "QUIT":
                send(context, "221 2.0.0 Bye")
                context.close(promise: nil)
            default: send(context, "502 5.5.2 Error: command not recognized")
            }
        }
    }
}
