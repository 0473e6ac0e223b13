import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A fault-injecting S3-like HTTP server on a loopback port (the S3 client's and the S3 archive's
/// fault tests): every request is
/// recorded, and a script answers each one (a status, headers and a body).
public final class FakeS3Server: Sendable {
    public struct Request: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(String, String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        public var path: String { String(uri.prefix { $0 != "?" }) }
        public var query: String { uri.contains("?") ? String(uri.drop { $0 != "?" }.dropFirst()) : "" }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)] = []
        public var body: String = ""

        public init(status: Int, headers: [(String, String)] = [], body: String = "") {
            self.status = status
            self.headers = headers
            self.body = body
        }

        public static func error(_ status: Int, _ code: String, requestID: String = "REQ-FAKE-1") -> Response {
            Response(status: status, headers: [("Content-Type", "application/xml")], body: """
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>\(code)</Code><Message>fake \(code)</Message><RequestId>\(requestID)</RequestId></Error>
                """)
        }
        public static let ok = Response(status: 200, headers: [("ETag", "\"fake-etag\"")])
    }

    public typealias Script = @Sendable (_ request: Request, _ index: Int) -> Response

    private let recorded = Mutex<[Request]>([])
    private let script: Script
    private let group: MultiThreadedEventLoopGroup
    private let channel: Mutex<(any Channel)?> = Mutex(nil)

    public var requests: [Request] { recorded.withLock { $0 } }
    public var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    public init(script: @escaping Script) {
        self.script = script
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    public func start() async throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(server: self))
                }
            }
        let bound = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = bound }
    }

    public func stop() async throws {
        let bound = channel.withLock { $0 }
        try? await bound?.close()
        try await group.shutdownGracefully()
    }

    /// Runs `body` with a started server, stopping it afterwards.
    public static func with<T>(script: @escaping Script, _ body: (FakeS3Server) async throws -> T) async throws -> T {
        let server = FakeS3Server(script: script)
        try await server.start()
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    fileprivate func answer(_ request: Request) -> Response {
        let index = recorded.withLock { requests in
            requests.append(request)
            return requests.count - 1
        }
        return script(request, index)
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: FakeS3Server
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(server: FakeS3Server) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let request = Request(method: head.method.rawValue, uri: head.uri,
                                      headers: head.headers.map { ($0.name, $0.value) }, body: body)
                let response = server.answer(request)
                var headers = HTTPHeaders(response.headers)
                headers.add(name: "x-amz-request-id", value: "REQ-HEADER-\(server.requests.count)")
                let bytes = Array(response.body.utf8)
                headers.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version,
                    status: HTTPResponseStatus(statusCode: response.status), headers: headers))), promise: nil)
                if head.method != .HEAD {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}
