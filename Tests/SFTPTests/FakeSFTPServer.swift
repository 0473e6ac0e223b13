import Crypto
import NIOCore
import NIOPosix
import NIOSSH
import Synchronization

@testable import SFTP

/// An in-process SSH server (swift-nio-ssh's server role) with a fake `sftp` subsystem over an
/// in-memory file tree, and a fault script consulted for every request: it may answer a
/// status of its choosing or drop the whole connection.
final class FakeSFTPServer: Sendable {
    enum Fault: Sendable {
        /// Answer with this status instead of doing the request.
        case status(SFTPStatusCode, String)
        /// Close the TCP connection at once (no answer).
        case dropConnection
        /// Never answer.
        case silence
    }

    /// Called for every request with the connection's number (from 1) and how many requests
    /// of the same packet type that connection has seen before (from 0).
    typealias Script = @Sendable (_ request: SFTPMessage, _ connection: Int, _ sameTypeBefore: Int) -> Fault?

    struct State {
        var files: [String: [UInt8]] = [:]
        var directories: Set<String> = ["/"]
        var connections = 0
    }

    let hostKey = NIOSSHPrivateKey(ed25519Key: Curve25519.Signing.PrivateKey())
    let user = "tester", password = "right-password"
    let state = Mutex(State())
    private let script: Script
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel = Mutex<(any Channel)?>(nil)

    var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }
    var files: [String: [UInt8]] { state.withLock { $0.files } }
    var connections: Int { state.withLock { $0.connections } }

    init(script: @escaping Script = { _, _, _ in nil }) {
        self.script = script
    }

    func start() async throws {
        let server = self
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let number = server.state.withLock { $0.connections += 1; return $0.connections }
                return channel.eventLoop.makeCompletedFuture {
                    let configuration = SSHServerConfiguration(
                        hostKeys: [server.hostKey], userAuthDelegate: PasswordChecker(user: server.user, password: server.password))
                    try channel.pipeline.syncOperations.addHandler(NIOSSHHandler(
                        role: .server(configuration), allocator: channel.allocator,
                        inboundChildChannelInitializer: { child, _ in
                            child.eventLoop.makeCompletedFuture {
                                try child.pipeline.syncOperations.addHandler(SSHChannelDataUnwrapper())
                                try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(SFTPPacketDecoder()))
                                try child.pipeline.syncOperations.addHandler(FakeSubsystem(server: server, connection: number))
                            }
                        }))
                }
            }
        let bound = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = bound }
    }

    func stop() async {
        try? await channel.withLock { $0 }?.close()
        try? await group.shutdownGracefully()
    }

    /// A known_hosts line trusting this server's key.
    var knownHostsLine: String {
        "[127.0.0.1]:\(port) \(String(openSSHPublicKey: hostKey.publicKey))\n"
    }

    fileprivate func fault(for request: SFTPMessage, connection: Int, sameTypeBefore: Int) -> Fault? {
        script(request, connection, sameTypeBefore)
    }

    /// Does a request against the in-memory tree.
    fileprivate func perform(_ request: SFTPMessage, handles: inout [String: String]) -> SFTPMessage {
        let id = request.id!
        func status(_ code: SFTPStatusCode, _ text: String = "") -> SFTPMessage { .status(id: id, code: code, message: text, language: "") }
        func parentExists(_ path: String, _ state: State) -> Bool { state.directories.contains(SFTPClient.parent(of: path).isEmpty ? "/" : SFTPClient.parent(of: path)) }
        return state.withLock { state in
            switch request {
            case .open(_, let path, let flags, _):
                guard parentExists(path, state) else { return status(.noSuchFile, "No such file") }
                if state.files[path] == nil {
                    guard flags.contains(.create) else { return status(.noSuchFile, "No such file") }
                    state.files[path] = []
                }
                if flags.contains(.truncate) { state.files[path] = [] }
                let handle = "h\(handles.count + 1)"
                handles[handle] = path
                return .handle(id: id, handle: ByteBuffer(string: handle))
            case .close(_, let handle):
                return handles.removeValue(forKey: String(buffer: handle)) == nil ? status(.failure, "bad handle") : status(.ok)
            case .write(_, let handle, let offset, let data):
                guard let path = handles[String(buffer: handle)] else { return status(.failure, "bad handle") }
                var content = state.files[path] ?? []
                let end = Int(offset) + data.readableBytes
                if content.count < end { content += [UInt8](repeating: 0, count: end - content.count) }
                content.replaceSubrange(Int(offset)..<end, with: data.readableBytesView)
                state.files[path] = content
                return status(.ok)
            case .read(_, let handle, let offset, let length):
                guard let path = handles[String(buffer: handle)], let content = state.files[path] else { return status(.failure, "bad handle") }
                guard Int(offset) < content.count else { return status(.eof, "EOF") }
                let end = min(content.count, Int(offset) + Int(length))
                return .data(id: id, data: ByteBuffer(bytes: content[Int(offset)..<end]))
            case .fstat(_, let handle):
                guard let path = handles[String(buffer: handle)], let content = state.files[path] else { return status(.failure, "bad handle") }
                return .attributes(id: id, attributes: .init(size: UInt64(content.count), permissions: 0o100644))
            case .stat(_, let path), .lstat(_, let path):
                if state.directories.contains(path) { return .attributes(id: id, attributes: .init(permissions: 0o040755)) }
                guard let content = state.files[path] else { return status(.noSuchFile, "No such file") }
                return .attributes(id: id, attributes: .init(size: UInt64(content.count), permissions: 0o100644))
            case .mkdir(_, let path, _):
                guard parentExists(path, state) else { return status(.noSuchFile, "No such file") }
                guard !state.directories.contains(path), state.files[path] == nil else { return status(.failure, "Failure") }
                state.directories.insert(path)
                return status(.ok)
            case .remove(_, let path):
                return state.files.removeValue(forKey: path) == nil ? status(.noSuchFile, "No such file") : status(.ok)
            case .rename(_, let old, let new):
                guard let content = state.files[old] else { return status(.noSuchFile, "No such file") }
                guard state.files[new] == nil else { return status(.failure, "Failure") }
                state.files[old] = nil
                state.files[new] = content
                return status(.ok)
            case .extended(_, "posix-rename@openssh.com", var data):
                guard let oldLength = data.readInteger(as: UInt32.self), let old = data.readString(length: Int(oldLength)),
                    let newLength = data.readInteger(as: UInt32.self), let new = data.readString(length: Int(newLength)),
                    let content = state.files[old]
                else { return status(.noSuchFile, "No such file") }
                state.files[old] = nil
                state.files[new] = content
                return status(.ok)
            case .realpath(_, let path):
                return .name(id: id, entries: [.init(filename: path == "." ? "/" : path, longname: "", attributes: .none)])
            default:
                return status(.opUnsupported, "Operation unsupported")
            }
        }
    }
}

/// Accepts one user's password.
private final class PasswordChecker: NIOSSHServerUserAuthenticationDelegate, Sendable {
    let user: String, password: String
    init(user: String, password: String) {
        self.user = user
        self.password = password
    }
    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods { .password }
    func requestReceived(request: NIOSSHUserAuthenticationRequest, responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>) {
        if case .password(let offered) = request.request, request.username == user, offered.password == password {
            responsePromise.succeed(.success)
        } else {
            responsePromise.succeed(.failure)
        }
    }
}

/// The fake `sftp` subsystem on one SSH session channel.
private final class FakeSubsystem: ChannelInboundHandler {
    typealias InboundIn = SFTPMessage
    typealias OutboundOut = SSHChannelData

    let server: FakeSFTPServer
    let connection: Int
    var handles: [String: String] = [:]
    var seen: [String: Int] = [:]

    init(server: FakeSFTPServer, connection: Int) {
        self.server = server
        self.connection = connection
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let request = event as? SSHChannelRequestEvent.SubsystemRequest {
            if request.subsystem == "sftp" {
                context.channel.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil)
            } else {
                context.channel.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil)
            }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        if case .initialize = message {
            send(.version(3, extensions: [.init(name: "posix-rename@openssh.com", data: "1")]), context: context)
            return
        }
        let type = message.typeName
        let before = seen[type, default: 0]
        seen[type] = before + 1
        switch server.fault(for: message, connection: connection, sameTypeBefore: before) {
        case .status(let code, let text):
            send(.status(id: message.id!, code: code, message: text, language: "en"), context: context)
        case .dropConnection:
            context.channel.parent?.close(promise: nil)
        case .silence:
            break
        case nil:
            send(server.perform(message, handles: &handles), context: context)
        }
    }

    private func send(_ message: SFTPMessage, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        SFTPPacketCodec.encode(message, into: &buffer)
        context.writeAndFlush(wrapOutboundOut(SSHChannelData(type: .channel, data: .byteBuffer(buffer))), promise: nil)
    }
}
