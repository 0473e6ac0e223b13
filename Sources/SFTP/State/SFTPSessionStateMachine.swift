/// The pure state machine of one SFTP v3 session on an SSH channel.
///
/// It takes events — the channel is up, the `sftp` subsystem was accepted or refused, a packet
/// arrived, the caller wants to send a request, the channel closed — and returns the ``Action``
/// to carry out. It allocates request ids and matches each response to its outstanding request,
/// so responses may come in any order and many requests may be in flight. It does no I/O: the
/// channel handler carries the actions out.
public struct SFTPSessionStateMachine: Sendable {
    /// What the server said in `SSH_FXP_VERSION`.
    public struct ServerInfo: Sendable, Hashable {
        /// The protocol version (3 for OpenSSH).
        public var version: UInt32
        /// The extensions offered.
        public var extensions: [SFTPExtensionPair]

        /// Creates server info.
        public init(version: UInt32, extensions: [SFTPExtensionPair]) {
            self.version = version
            self.extensions = extensions
        }

        /// Whether the server offers `name` (e.g. `posix-rename@openssh.com`).
        public func offers(_ name: String) -> Bool { extensions.contains { $0.name == name } }

        /// Whether `posix-rename@openssh.com` (rename that replaces the target atomically) is offered.
        public var supportsPosixRename: Bool { offers(SFTPSessionStateMachine.posixRenameExtension) }
    }

    /// The extension for a rename that replaces an existing target (POSIX `rename(2)`).
    public static let posixRenameExtension = "posix-rename@openssh.com"

    /// The protocol version this client speaks.
    public static let clientVersion: UInt32 = 3

    /// What the caller must do next.
    public enum Action: Sendable, Hashable {
        /// Nothing.
        case none
        /// Ask the SSH server for the `sftp` subsystem on the channel.
        case requestSubsystem
        /// Write this packet.
        case send(SFTPMessage)
        /// The session is ready for requests.
        case sessionReady(ServerInfo)
        /// Hand this response to whoever sent the request `id`.
        case deliver(id: UInt32, SFTPMessage)
        /// The session is over: fail every outstanding request (``outstandingRequestIDs``) and
        /// the opening, and close the channel.
        case fail(SFTPError)
    }

    enum State: Sendable, Hashable {
        case idle
        case awaitingSubsystem
        case awaitingVersion
        case ready(ServerInfo)
        case closed(SFTPError)
    }

    private(set) var state: State = .idle
    private var nextID: UInt32 = 1
    /// The ids of requests sent and not yet answered.
    public private(set) var outstandingRequestIDs: Set<UInt32> = []

    /// Creates a machine in its idle state.
    public init() {}

    /// Whether the session can take requests.
    public var isReady: Bool {
        if case .ready = state { return true }
        return false
    }

    /// The server's version packet, once ready.
    public var serverInfo: ServerInfo? {
        if case .ready(let info) = state { return info }
        return nil
    }

    /// The SSH channel is open.
    public mutating func channelActive() -> Action {
        guard case .idle = state else { return .none }
        state = .awaitingSubsystem
        return .requestSubsystem
    }

    /// The server accepted the `sftp` subsystem request: send INIT.
    public mutating func subsystemAccepted() -> Action {
        guard case .awaitingSubsystem = state else { return .none }
        state = .awaitingVersion
        return .send(.initialize(version: Self.clientVersion))
    }

    /// The server refused the `sftp` subsystem.
    public mutating func subsystemRefused() -> Action {
        close(.connectionFailed("the server refused the sftp subsystem"))
    }

    /// A packet arrived from the server.
    public mutating func received(_ message: SFTPMessage) -> Action {
        switch state {
        case .awaitingVersion:
            guard case .version(let version, let extensions) = message else {
                return close(.protocolError("expected SSH_FXP_VERSION, got \(message.typeName)"))
            }
            guard version >= Self.clientVersion else { return close(.protocolError("server speaks SFTP version \(version), not 3")) }
            let info = ServerInfo(version: version, extensions: extensions)
            state = .ready(info)
            return .sessionReady(info)
        case .ready:
            guard message.isResponse, let id = message.id else {
                return close(.protocolError("unexpected \(message.typeName) packet"))
            }
            guard outstandingRequestIDs.remove(id) != nil else {
                return close(.protocolError("response for unknown request id \(id)"))
            }
            return .deliver(id: id, message)
        case .idle, .awaitingSubsystem:
            return close(.protocolError("\(message.typeName) packet before the session opened"))
        case .closed:
            return .none
        }
    }

    /// Builds a request with the next free id and records it as outstanding.
    ///
    /// - Throws: the error that closed the session, or ``SFTPError/protocolError(_:)`` before it is ready.
    public mutating func startRequest(_ make: (UInt32) -> SFTPMessage) throws(SFTPError) -> SFTPMessage {
        switch state {
        case .ready: break
        case .closed(let error): throw error
        default: throw .protocolError("request before the SFTP session is ready")
        }
        var id = nextID
        while outstandingRequestIDs.contains(id) { id &+= 1 }
        nextID = id &+ 1
        outstandingRequestIDs.insert(id)
        return make(id)
    }

    /// The channel closed or failed: the session is over.
    public mutating func channelClosed(_ error: SFTPError) -> Action {
        close(error)
    }

    private mutating func close(_ error: SFTPError) -> Action {
        if case .closed = state { return .none }
        state = .closed(error)
        return .fail(error)
    }

    /// Forgets the outstanding ids once their requests were failed (after ``Action/fail(_:)``).
    public mutating func clearOutstanding() { outstandingRequestIDs.removeAll() }
}

extension SFTPMessage {
    /// Whether this is a server-to-client response to a request.
    var isResponse: Bool {
        switch self {
        case .status, .handle, .data, .name, .attributes, .extendedReply: true
        default: false
        }
    }

    /// The packet's name, for errors.
    var typeName: String {
        switch self {
        case .initialize: "INIT"
        case .version: "VERSION"
        case .open: "OPEN"
        case .close: "CLOSE"
        case .read: "READ"
        case .write: "WRITE"
        case .lstat: "LSTAT"
        case .fstat: "FSTAT"
        case .setstat: "SETSTAT"
        case .fsetstat: "FSETSTAT"
        case .opendir: "OPENDIR"
        case .readdir: "READDIR"
        case .remove: "REMOVE"
        case .mkdir: "MKDIR"
        case .rmdir: "RMDIR"
        case .realpath: "REALPATH"
        case .stat: "STAT"
        case .rename: "RENAME"
        case .extended: "EXTENDED"
        case .status: "STATUS"
        case .handle: "HANDLE"
        case .data: "DATA"
        case .name: "NAME"
        case .attributes: "ATTRS"
        case .extendedReply: "EXTENDED_REPLY"
        }
    }
}
