/// Every way an SFTP operation fails.
///
/// ``isTransient`` tells a caller whether trying again later may succeed (a lost connection, a
/// timeout, a full disk) or whether the configuration must change first (an unknown or changed
/// host key, refused credentials, a missing file).
public enum SFTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server answered a request with a status other than `SSH_FX_OK`; `path` is the path
    /// the request was about, when it had one.
    case status(SFTPStatusCode, message: String, path: String?)
    /// The server's host key is not in the known_hosts file for this host (never accepted silently).
    case unknownHostKey(host: String, keyType: String, fingerprint: String)
    /// The known_hosts file has keys for this host, and the one the server showed is none of them
    /// (or is marked `@revoked`): perhaps an attack, perhaps a reinstalled server.
    case hostKeyMismatch(host: String, keyType: String, fingerprint: String)
    /// The server refused the user's key or password.
    case authenticationFailed(user: String, host: String, reason: String)
    /// The private key file or the known_hosts file cannot be read or parsed.
    case invalidConfiguration(String)
    /// No connection could be made (refused, unreachable, SSH handshake failed).
    case connectionFailed(String)
    /// An established connection or SFTP channel closed before the answer came.
    case connectionLost(String)
    /// The server did not answer in time.
    case timeout(String)
    /// The server broke the protocol (a malformed or unexpected packet).
    case protocolError(String)
    /// The client was shut down.
    case clientShutdown

    /// The status code when this is a ``status(_:message:path:)`` error.
    public var statusCode: SFTPStatusCode? {
        if case .status(let code, _, _) = self { return code }
        return nil
    }

    /// Whether trying again later, without changing anything, may succeed.
    public var isTransient: Bool {
        switch self {
        case .status(let code, _, _):
            // A failure is often a full disk or a busy server; noConnection/connectionLost are
            // connection states. The rest need a change (a path, a permission).
            return code == .failure || code == .noConnection || code == .connectionLost
        case .connectionFailed, .connectionLost, .timeout, .protocolError: return true
        case .unknownHostKey, .hostKeyMismatch, .authenticationFailed, .invalidConfiguration, .clientShutdown: return false
        }
    }

    /// Whether the connection this error came from can no longer be used.
    var breaksConnection: Bool {
        switch self {
        case .status: false
        default: true
        }
    }

    /// A sentence for logs and operators.
    public var description: String {
        switch self {
        case .status(let code, let message, let path):
            let subject = path.map { " (\($0))" } ?? ""
            return "SFTP status \(code)\(subject): \(message.isEmpty ? "no message" : message)"
        case .unknownHostKey(let host, let keyType, let fingerprint):
            return "host key for \(host) is not in known_hosts: \(keyType) \(fingerprint); refused"
        case .hostKeyMismatch(let host, let keyType, let fingerprint):
            return "host key for \(host) has CHANGED (does not match known_hosts): \(keyType) \(fingerprint); refused"
        case .authenticationFailed(let user, let host, let reason):
            return "authentication of \(user)@\(host) failed: \(reason)"
        case .invalidConfiguration(let text): return "invalid SFTP configuration: \(text)"
        case .connectionFailed(let text): return "SFTP connection failed: \(text)"
        case .connectionLost(let text): return "SFTP connection lost: \(text)"
        case .timeout(let text): return "SFTP timeout: \(text)"
        case .protocolError(let text): return "SFTP protocol error: \(text)"
        case .clientShutdown: return "the SFTP client was shut down"
        }
    }
}
