import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// An in-process HTTP/1.1 server on 127.0.0.1 that answers each request (read whole:
/// head and `Content-Length` body) as its script says, raw bytes and all: a well-formed
/// answer, half of one, silence, or a closed connection.
final class FaultServer: Sendable {
    /// What to do with one request.
    enum Action: Sendable {
        /// Write these bytes (in these pieces, flushed apart), then keep reading.
        case send([[UInt8]])
        /// Write these bytes, then close the connection.
        case sendThenClose([UInt8])
        /// Write nothing, keep the connection open.
        case silence
    }

    /// A request as received.
    struct Request: Sendable {
        var connection: Int
        var head: String
        var body: [UInt8]
    }

    typealias Script = @Sendable (_ index: Int, _ request: Request) -> Action

    let port: Int
    private let channel: any Channel
    private let state: State

    final class State: Sendable {
        let script: Script
        let requests = Mutex<[Request]>([])
        let connections = Atomic<Int>(0)
        init(script: @escaping Script) { self.script = script }
    }

    /// Connections accepted so far.
    var connections: Int { state.connections.load(ordering: .sequentiallyConsistent) }
    /// Requests received so far.
    var requests: [Request] { state.requests.withLock { $0 } }

    private init(port: Int, channel: any Channel, state: State) {
        self.port = port
        self.channel = channel
        self.state = state
    }

    static func start(tls: NIOSSLContext? = nil, script: @escaping Script) async throws -> FaultServer {
        let state = State(script: script)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let number = state.connections.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(Handler(state: state, connection: number))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FaultServer(port: channel.localAddress?.port ?? 0, channel: channel, state: state)
    }

    /// `http://127.0.0.1:<port><path>` (or https://localhost… for TLS).
    func url(_ path: String = "/hook", tls: Bool = false) -> String {
        tls ? "https://localhost:\(port)\(path)" : "http://127.0.0.1:\(port)\(path)"
    }

    func stop() async {
        try? await channel.close()
    }

    static func with<T>(tls: NIOSSLContext? = nil, script: @escaping Script, _ body: (FaultServer) async throws -> T) async throws -> T {
        let server = try await start(tls: tls, script: script)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// `HTTP/1.1 <status>` with a `Content-Length` body and any extra header lines.
    static func response(_ status: Int = 200, _ body: String = "", headers: [String] = []) -> [UInt8] {
        Array(("HTTP/1.1 \(status) X\r\n" + headers.map { $0 + "\r\n" }.joined() + "Content-Length: \(body.utf8.count)\r\n\r\n" + body).utf8)
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let state: State
        let connection: Int
        var pending: [UInt8] = []

        init(state: State, connection: Int) {
            self.state = state
            self.connection = connection
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
            while let request = takeRequest() {
                let index = state.requests.withLock { requests in
                    requests.append(request)
                    return requests.count - 1
                }
                switch state.script(index, request) {
                case .send(let pieces):
                    for piece in pieces {
                        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: piece)), promise: nil)
                    }
                case .sendThenClose(let bytes):
                    let channel = context.channel
                    context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(bytes: bytes))).whenComplete { _ in
                        channel.close(promise: nil)
                    }
                    return
                case .silence:
                    break
                }
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        /// A whole request from `pending`, if there is one.
        func takeRequest() -> Request? {
            let separator: [UInt8] = Array("\r\n\r\n".utf8)
            guard pending.count >= 4, let end = (0...(pending.count - 4)).first(where: { pending[$0..<($0 + 4)].elementsEqual(separator) })
            else { return nil }
            let head = String(decoding: pending[..<end], as: UTF8.self)
            var length = 0
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                length = Int(line.dropFirst(15).trimmingPrefix(" ")) ?? 0
            }
            guard pending.count >= end + 4 + length else { return nil }
            let body = Array(pending[(end + 4)..<(end + 4 + length)])
            pending.removeFirst(end + 4 + length)
            return Request(connection: connection, head: head, body: body)
        }
    }
}
