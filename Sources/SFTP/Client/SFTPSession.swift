import Logging
import NIOCore
import NIOPosix
import NIOSSH

/// One SSH connection with one SFTP channel: the protocol's operations, each an async call.
///
/// Safe to use from many tasks at once: requests from all of them are in flight together on the
/// one channel (each has its own id). ``SFTPClient`` keeps a pool of these; use one directly for
/// the low-level operations (handles, offsets).
public final class SFTPSession: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<SFTPClientHandler>
    /// What the server offered in its version packet.
    public let serverInfo: SFTPSessionStateMachine.ServerInfo
    /// The bytes per WRITE/READ request.
    public let chunkSize: Int
    /// The most requests in flight per transfer.
    public let maxRequestsInFlight: Int

    private init(channel: any Channel, handler: NIOLoopBound<SFTPClientHandler>, serverInfo: SFTPSessionStateMachine.ServerInfo, chunkSize: Int, maxRequestsInFlight: Int) {
        self.channel = channel
        self.handler = handler
        self.serverInfo = serverInfo
        self.chunkSize = chunkSize
        self.maxRequestsInFlight = maxRequestsInFlight
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Completes when the SSH connection has closed.
    var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// Connects, checks the host key against known_hosts, authenticates, opens the `sftp`
    /// subsystem and exchanges versions.
    ///
    /// - Throws: ``SFTPError`` — ``SFTPError/unknownHostKey(host:keyType:fingerprint:)``,
    ///   ``SFTPError/hostKeyMismatch(host:keyType:fingerprint:)``, ``SFTPError/authenticationFailed(user:host:reason:)``,
    ///   ``SFTPError/invalidConfiguration(_:)``, ``SFTPError/connectionFailed(_:)`` or ``SFTPError/timeout(_:)``.
    public static func connect(
        configuration: SFTPConfiguration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "sftp")
    ) async throws(SFTPError) -> SFTPSession {
        let knownHosts = try KnownHosts.read(path: configuration.knownHostsFile)
        let credential: SingleCredentialDelegate.Credential
        switch configuration.authentication {
        case .password(let password): credential = .password(password)
        case .privateKey(let path): credential = .key(try SSHKeyFormats.readPrivateKey(path: path).key)
        }
        let failure = ConnectFailure()
        let host = configuration.host, port = configuration.port, user = configuration.user
        let timing = SFTPClientHandler.Timing(
            requestTimeout: configuration.timeouts.request.timeAmount, keepAliveInterval: configuration.timeouts.keepAlive?.timeAmount)
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(configuration.timeouts.connect.timeAmount)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let clientConfiguration = SSHClientConfiguration(
                        userAuthDelegate: SingleCredentialDelegate(user: user, host: host, credential: credential, failure: failure),
                        serverAuthDelegate: KnownHostsValidator(knownHosts: knownHosts, host: host, port: port, failure: failure))
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSHHandler(role: .client(clientConfiguration), allocator: channel.allocator, inboundChildChannelInitializer: nil))
                    try channel.pipeline.syncOperations.addHandler(SSHErrorHandler(failure: failure))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw .connectionFailed("cannot connect to \(host):\(port): \(error)")
        }
        // One deadline for the handshake, authentication and SFTP opening.
        let deadline = channel.eventLoop.scheduleTask(in: configuration.timeouts.connect.timeAmount) {
            failure.record(.timeout("SSH/SFTP session to \(host):\(port) not open after \(configuration.timeouts.connect)"))
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            let opened = try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<(NIOLoopBound<SFTPClientHandler>, SFTPSessionStateMachine.ServerInfo)> in
                let handlerPromise = channel.eventLoop.makePromise(of: NIOLoopBound<SFTPClientHandler>.self)
                let childPromise = channel.eventLoop.makePromise(of: (any Channel).self)
                // A connection closed before the channel opened (refused key, bad host key) fails
                // both; registered first, so no path leaves either promise unfulfilled.
                channel.closeFuture.whenComplete { _ in
                    childPromise.fail(SFTPError.connectionLost("the SSH connection closed"))
                    handlerPromise.fail(SFTPError.connectionLost("the SSH connection closed"))
                }
                do {
                    let ssh = try channel.pipeline.syncOperations.handler(type: NIOSSHHandler.self)
                    ssh.createChannel(childPromise, channelType: .session) { child, _ in
                        child.eventLoop.makeCompletedFuture {
                            let handler = SFTPClientHandler(eventLoop: child.eventLoop, timing: timing)
                            try child.pipeline.syncOperations.addHandler(SSHChannelDataUnwrapper())
                            try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(SFTPPacketDecoder()))
                            try child.pipeline.syncOperations.addHandler(handler)
                            handlerPromise.succeed(NIOLoopBound(handler, eventLoop: child.eventLoop))
                        }
                    }
                } catch {
                    // The pipeline is gone (the connection closed under us): fail both promises now.
                    childPromise.fail(error)
                    handlerPromise.fail(error)
                    return channel.eventLoop.makeFailedFuture(error)
                }
                return childPromise.futureResult.flatMap { child in
                    // The SFTP channel's end closes the connection.
                    child.closeFuture.whenComplete { _ in channel.close(promise: nil) }
                    return handlerPromise.futureResult.flatMap { handler in
                        handler.value.ready.map { (handler, $0) }
                    }
                }
            }.get()
            logger.debug("sftp session open", metadata: ["sftp.server": "\(host):\(port)", "sftp.extensions": "\(opened.1.extensions.map(\.name))"])
            return SFTPSession(
                channel: channel, handler: opened.0, serverInfo: opened.1, chunkSize: configuration.chunkSize,
                maxRequestsInFlight: configuration.maxRequestsInFlight)
        } catch {
            channel.close(promise: nil)
            if let recorded = failure.recorded { throw recorded }
            if let error = error as? SFTPError { throw error }
            throw .connectionFailed("SSH session to \(host):\(port) failed: \(error)")
        }
    }

    /// Closes the SFTP channel and the SSH connection.
    public func close() async {
        try? await channel.close()
    }

    // MARK: Requests

    private func send(_ make: @escaping @Sendable (UInt32) -> SFTPMessage) async throws(SFTPError) -> SFTPMessage {
        let handler = self.handler
        do {
            return try await channel.eventLoop.flatSubmit { handler.value.send(make) }.get()
        } catch {
            throw Self.sftpError(error)
        }
    }

    static func sftpError(_ error: any Error) -> SFTPError {
        if let error = error as? SFTPError { return error }
        if error is EventLoopError { return .connectionLost("\(error)") }
        return .connectionLost("\(error)")
    }

    /// Sends a request answered by STATUS, and throws unless it is OK.
    private func expectOK(path: String?, _ make: @escaping @Sendable (UInt32) -> SFTPMessage) async throws(SFTPError) {
        let response = try await send(make)
        guard case .status(_, let code, _, _) = response, code == .ok else {
            throw SFTPClientHandler.error(from: response, path: path)
        }
    }

    /// Opens a file; returns its handle.
    public func open(_ path: String, flags: SFTPOpenFlags, attributes: SFTPFileAttributes = .none) async throws(SFTPError) -> SFTPFileHandle {
        let response = try await send { .open(id: $0, path: path, flags: flags, attributes: attributes) }
        guard case .handle(_, let handle) = response else { throw SFTPClientHandler.error(from: response, path: path) }
        return SFTPFileHandle(bytes: handle, path: path)
    }

    /// Closes a file or directory handle.
    public func close(_ handle: SFTPFileHandle) async throws(SFTPError) {
        try await expectOK(path: handle.path) { .close(id: $0, handle: handle.bytes) }
    }

    /// Reads up to `length` bytes at `offset`; nil at end of file.
    public func read(_ handle: SFTPFileHandle, offset: UInt64, length: UInt32) async throws(SFTPError) -> ByteBuffer? {
        let response = try await send { .read(id: $0, handle: handle.bytes, offset: offset, length: length) }
        switch response {
        case .data(_, let data): return data
        case .status(_, let code, _, _) where code == .eof: return nil
        default: throw SFTPClientHandler.error(from: response, path: handle.path)
        }
    }

    /// Writes `data` at `offset` (one WRITE request).
    public func write(_ handle: SFTPFileHandle, offset: UInt64, data: ByteBuffer) async throws(SFTPError) {
        try await expectOK(path: handle.path) { .write(id: $0, handle: handle.bytes, offset: offset, data: data) }
    }

    /// Writes all of `data` from offset 0, pipelined: ``chunkSize`` bytes per WRITE, up to
    /// ``maxRequestsInFlight`` WRITEs outstanding.
    public func writeAll(_ handle: SFTPFileHandle, data: ByteBuffer) async throws(SFTPError) {
        let handler = self.handler, chunkSize = self.chunkSize, inFlight = maxRequestsInFlight
        do {
            try await channel.eventLoop.flatSubmit {
                handler.value.upload(handle: handle.bytes, data: data, path: handle.path, chunkSize: chunkSize, maxInFlight: inFlight)
            }.get()
        } catch {
            throw Self.sftpError(error)
        }
    }

    /// Reads the open file to its end, pipelined like ``writeAll(_:data:)``.
    public func readAll(_ handle: SFTPFileHandle, expectedSize: UInt64? = nil) async throws(SFTPError) -> ByteBuffer {
        let handler = self.handler, chunkSize = self.chunkSize, inFlight = maxRequestsInFlight
        do {
            return try await channel.eventLoop.flatSubmit {
                handler.value.download(handle: handle.bytes, path: handle.path, expectedSize: expectedSize, chunkSize: chunkSize, maxInFlight: inFlight)
            }.get()
        } catch {
            throw Self.sftpError(error)
        }
    }

    private func attributes(path: String?, _ make: @escaping @Sendable (UInt32) -> SFTPMessage) async throws(SFTPError) -> SFTPFileAttributes {
        let response = try await send(make)
        guard case .attributes(_, let attributes) = response else { throw SFTPClientHandler.error(from: response, path: path) }
        return attributes
    }

    /// The attributes of `path`, following symbolic links.
    public func stat(_ path: String) async throws(SFTPError) -> SFTPFileAttributes {
        try await attributes(path: path) { .stat(id: $0, path: path) }
    }

    /// The attributes of `path` itself (a symbolic link is not followed).
    public func lstat(_ path: String) async throws(SFTPError) -> SFTPFileAttributes {
        try await attributes(path: path) { .lstat(id: $0, path: path) }
    }

    /// The attributes of an open file.
    public func fstat(_ handle: SFTPFileHandle) async throws(SFTPError) -> SFTPFileAttributes {
        try await attributes(path: handle.path) { .fstat(id: $0, handle: handle.bytes) }
    }

    /// Changes attributes of `path` (permissions, times, owner, size).
    public func setstat(_ path: String, attributes: SFTPFileAttributes) async throws(SFTPError) {
        try await expectOK(path: path) { .setstat(id: $0, path: path, attributes: attributes) }
    }

    /// Creates one directory (its parent must exist).
    public func mkdir(_ path: String, attributes: SFTPFileAttributes = .none) async throws(SFTPError) {
        try await expectOK(path: path) { .mkdir(id: $0, path: path, attributes: attributes) }
    }

    /// Removes an empty directory.
    public func rmdir(_ path: String) async throws(SFTPError) {
        try await expectOK(path: path) { .rmdir(id: $0, path: path) }
    }

    /// Removes a file.
    public func remove(_ path: String) async throws(SFTPError) {
        try await expectOK(path: path) { .remove(id: $0, path: path) }
    }

    /// Renames with `SSH_FXP_RENAME` (on OpenSSH, fails when `newPath` exists).
    public func rename(_ oldPath: String, to newPath: String) async throws(SFTPError) {
        try await expectOK(path: oldPath) { .rename(id: $0, oldPath: oldPath, newPath: newPath) }
    }

    /// Renames with `posix-rename@openssh.com`, replacing `newPath` atomically when it exists.
    ///
    /// - Throws: ``SFTPError/status(_:message:path:)`` with ``SFTPStatusCode/opUnsupported`` when
    ///   the server did not offer the extension.
    public func posixRename(_ oldPath: String, to newPath: String) async throws(SFTPError) {
        guard serverInfo.supportsPosixRename else {
            throw .status(.opUnsupported, message: "the server does not offer posix-rename@openssh.com", path: oldPath)
        }
        try await expectOK(path: oldPath) { id in
            var data = ByteBuffer()
            data.writeSFTPString(oldPath)
            data.writeSFTPString(newPath)
            return .extended(id: id, request: SFTPSessionStateMachine.posixRenameExtension, data: data)
        }
    }

    /// The canonical absolute form of `path`.
    public func realpath(_ path: String) async throws(SFTPError) -> String {
        let response = try await send { .realpath(id: $0, path: path) }
        guard case .name(_, let entries) = response, let first = entries.first else {
            throw SFTPClientHandler.error(from: response, path: path)
        }
        return first.filename
    }

    /// Opens a directory for ``readdir(_:)``.
    public func opendir(_ path: String) async throws(SFTPError) -> SFTPFileHandle {
        let response = try await send { .opendir(id: $0, path: path) }
        guard case .handle(_, let handle) = response else { throw SFTPClientHandler.error(from: response, path: path) }
        return SFTPFileHandle(bytes: handle, path: path)
    }

    /// The next batch of entries of an open directory; nil at its end.
    public func readdir(_ handle: SFTPFileHandle) async throws(SFTPError) -> [SFTPDirectoryEntry]? {
        let response = try await send { .readdir(id: $0, handle: handle.bytes) }
        switch response {
        case .name(_, let entries): return entries
        case .status(_, let code, _, _) where code == .eof: return nil
        default: throw SFTPClientHandler.error(from: response, path: handle.path)
        }
    }
}

/// An open file or directory handle of one ``SFTPSession``.
public struct SFTPFileHandle: Sendable, Hashable {
    /// The server's handle bytes.
    public var bytes: ByteBuffer
    /// The path it was opened with (for errors).
    public var path: String
}
