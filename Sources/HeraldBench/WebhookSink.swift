import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A fast HTTP/1.1 webhook receiver on 127.0.0.1 for `herald bench webhook`: keep-alive, answers
/// every `POST` at once with `200 {"id":"sink-<n>"}`, counts requests and keeps the first few
/// (headers and body) so the bench can verify their signatures after the run.
public final class WebhookSink: Sendable {
    /// A kept request.
    public struct Kept: Sendable {
        public var headers: [String: String]
        public var body: [UInt8]
    }

    final class State: Sendable {
        let requests = Atomic<Int>(0)
        let kept = Mutex<[Kept]>([])
        let keep: Int
        init(keep: Int) { self.keep = keep }
    }

    /// The listening port.
    public let port: Int
    private let channel: any Channel
    private let state: State
    private let group: MultiThreadedEventLoopGroup

    /// Requests answered.
    public var requests: Int { state.requests.load(ordering: .relaxed) }
    /// The first requests, as kept.
    public var kept: [Kept] { state.kept.withLock { $0 } }

    private init(port: Int, channel: any Channel, state: State, group: MultiThreadedEventLoopGroup) {
        self.port = port
        self.channel = channel
        self.state = state
        self.group = group
    }

    /// Starts on an ephemeral loopback port with `threads` event loops of its own, keeping the
    /// first `keep` requests.
    public static func start(threads: Int = 1, keep: Int = 100) async throws -> WebhookSink {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let state = State(keep: keep)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(Handler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return WebhookSink(port: channel.localAddress?.port ?? 0, channel: channel, state: state, group: group)
    }

    /// Stops listening and shuts the event loops down.
    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let state: State
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        var keeping = false

        init(state: State) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                keeping = state.kept.withLock { $0.count < state.keep }
                body.removeAll(keepingCapacity: true)
            case .body(var buffer):
                if keeping { body += buffer.readBytes(length: buffer.readableBytes) ?? [] }
            case .end:
                guard let head else { return }
                let n = state.requests.wrappingAdd(1, ordering: .relaxed).newValue
                if keeping {
                    var headers: [String: String] = [:]
                    for (name, value) in head.headers { headers[name.lowercased()] = value }
                    let kept = Kept(headers: headers, body: body)
                    state.kept.withLock { if $0.count < state.keep { $0.append(kept) } }
                }
                let payload = #"{"id":"sink-\#(n)"}"#
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(payload.utf8.count))
                let keepAlive = head.isKeepAlive
                if !keepAlive { headers.add(name: "Connection", value: "close") }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: payload)))), promise: nil)
                let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
                if !keepAlive { done.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) } }
                self.head = nil
            }
        }
    }
}
