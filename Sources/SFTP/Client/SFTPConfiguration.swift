import NIOCore

/// Where and how an ``SFTPClient`` connects.
public struct SFTPConfiguration: Sendable {
    /// How the user proves who they are.
    public enum Authentication: Sendable, Hashable {
        /// SSH password authentication.
        case password(String)
        /// Public-key authentication with an unencrypted OpenSSH private key file (ed25519 or ECDSA).
        case privateKey(path: String)
    }

    /// Timeouts, all in seconds-based `Duration`s.
    public struct Timeouts: Sendable, Hashable {
        /// TCP connect plus SSH handshake, authentication and SFTP version exchange.
        public var connect: Duration
        /// How long a request may go unanswered while nothing arrives from the server.
        public var request: Duration
        /// After this long idle, a session sends a cheap request to check the connection (nil: never).
        public var keepAlive: Duration?

        /// Creates timeouts.
        public init(connect: Duration = .seconds(15), request: Duration = .seconds(30), keepAlive: Duration? = .seconds(30)) {
            self.connect = connect
            self.request = request
            self.keepAlive = keepAlive
        }
    }

    /// Reconnection after a failed connection attempt: wait `initial`, doubling each failure up to `maximum`.
    public struct Backoff: Sendable, Hashable {
        /// The first wait.
        public var initial: Duration
        /// The longest wait.
        public var maximum: Duration

        /// Creates a backoff.
        public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(10)) {
            self.initial = initial
            self.maximum = maximum
        }

        /// The wait before attempt number `failures + 1`, after `failures` failures in a row.
        public func delay(afterFailures failures: Int) -> Duration {
            guard failures > 0 else { return .zero }
            var delay = initial
            for _ in 1..<min(failures, 32) {
                delay = delay * 2
                if delay >= maximum { return maximum }
            }
            return min(delay, maximum)
        }
    }

    /// The server's host name or address (also its name in known_hosts).
    public var host: String
    /// The server's port.
    public var port: Int
    /// The user name.
    public var user: String
    /// Password or private key.
    public var authentication: Authentication
    /// The OpenSSH known_hosts file the server's host key must be in (read at every connection).
    public var knownHostsFile: String
    /// How many SSH sessions the client keeps open at most; operations share them.
    public var sessions: Int
    /// Timeouts.
    public var timeouts: Timeouts
    /// Reconnection backoff.
    public var backoff: Backoff
    /// Bytes per WRITE/READ request (OpenSSH accepts up to 255 KiB; 32 KiB is what every server takes).
    public var chunkSize: Int
    /// The most WRITE (or READ) requests in flight per file.
    public var maxRequestsInFlight: Int

    /// Creates a configuration.
    public init(
        host: String, port: Int = 22, user: String, authentication: Authentication, knownHostsFile: String,
        sessions: Int = 2, timeouts: Timeouts = Timeouts(), backoff: Backoff = Backoff(),
        chunkSize: Int = 32 * 1024, maxRequestsInFlight: Int = 64
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.authentication = authentication
        self.knownHostsFile = knownHostsFile
        self.sessions = max(1, sessions)
        self.timeouts = timeouts
        self.backoff = backoff
        self.chunkSize = chunkSize
        self.maxRequestsInFlight = max(1, maxRequestsInFlight)
    }
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
