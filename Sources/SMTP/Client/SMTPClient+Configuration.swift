import NIOCore
import NIOSSL

extension SMTPClient {
    /// Where and how to connect. Defaults follow RFC 5321 (timeouts) and verify certificates.
    public struct Configuration: Sendable {
        /// How TLS is used.
        public enum TLSMode: Sendable, Hashable {
            /// Plain TCP (only for loopback tests or trusted relays).
            case none
            /// Plain TCP upgraded with STARTTLS before anything else; fails if not offered.
            case startTLS
            /// TLS from the first byte (port 465, RFC 8314).
            case implicit
        }

        /// The server host name or IP address.
        public var host: String
        /// The server port (25, 587, 465...).
        public var port: Int
        /// How TLS is used; default ``TLSMode/startTLS``.
        public var tls: TLSMode
        /// The TLS settings: certificate verification is on (`.fullVerification`) by default; set
        /// `trustRoots` (e.g. with ``setTrustRoots(caFile:)``) for a private CA.
        public var tlsConfiguration: TLSConfiguration
        /// The name checked against the server certificate and sent as SNI; defaults to ``host``
        /// (IP addresses are checked against the certificate's IP entries, without SNI).
        public var serverHostname: String?
        /// Credentials for AUTH PLAIN / LOGIN, if the server needs them.
        public var credentials: SMTPSessionStateMachine.Credentials?
        /// The name this client gives in EHLO/HELO; default `localhost`.
        public var clientHostname: String
        /// Timeouts per step.
        public var timeouts: Timeouts

        /// Creates a configuration.
        public init(
            host: String, port: Int, tls: TLSMode = .startTLS,
            credentials: SMTPSessionStateMachine.Credentials? = nil,
            clientHostname: String = "localhost", timeouts: Timeouts = .init()
        ) {
            self.host = host
            self.port = port
            self.tls = tls
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            tlsConfiguration.certificateVerification = .fullVerification
            self.tlsConfiguration = tlsConfiguration
            self.serverHostname = nil
            self.credentials = credentials
            self.clientHostname = clientHostname
            self.timeouts = timeouts
        }

        /// Trusts only the CA certificates in the PEM file at `path` (instead of the system roots).
        public mutating func setTrustRoots(caFile path: String) {
            tlsConfiguration.trustRoots = .file(path)
        }
    }

    /// RFC 5321 §4.5.3.2 timeouts, all configurable.
    public struct Timeouts: Sendable, Hashable {
        /// TCP connect (default 30 s).
        public var connect: Duration
        /// Waiting for the 220 greeting (default 5 min).
        public var greeting: Duration
        /// EHLO, STARTTLS, AUTH, RSET, QUIT and the TLS handshake (default 5 min).
        public var command: Duration
        /// MAIL FROM (default 5 min).
        public var mail: Duration
        /// RCPT TO (default 5 min).
        public var rcpt: Duration
        /// DATA until 354 (default 2 min).
        public var dataInitiation: Duration
        /// The final reply after the content (default 10 min).
        public var dataTermination: Duration

        /// The RFC 5321 defaults.
        public init(
            connect: Duration = .seconds(30), greeting: Duration = .seconds(300), command: Duration = .seconds(300),
            mail: Duration = .seconds(300), rcpt: Duration = .seconds(300), dataInitiation: Duration = .seconds(120),
            dataTermination: Duration = .seconds(600)
        ) {
            self.connect = connect
            self.greeting = greeting
            self.command = command
            self.mail = mail
            self.rcpt = rcpt
            self.dataInitiation = dataInitiation
            self.dataTermination = dataTermination
        }

        /// The same timeout for every step (handy in tests).
        public static func uniform(_ timeout: Duration) -> Timeouts {
            Timeouts(
                connect: timeout, greeting: timeout, command: timeout, mail: timeout, rcpt: timeout,
                dataInitiation: timeout, dataTermination: timeout)
        }

        /// The timeout for a kind of awaited reply.
        public subscript(kind: SMTPSessionStateMachine.TimeoutKind) -> Duration {
            switch kind {
            case .greeting: greeting
            case .command: command
            case .mail: mail
            case .rcpt: rcpt
            case .dataInitiation: dataInitiation
            case .dataTermination: dataTermination
            }
        }
    }
}
