import Foundation
import HeraldCore
import MIME
import SMTP

/// How emails leave Herald: the outbox (development) or an SMTP relay, and whether they are
/// DKIM-signed. Plain values, read by `HeraldSettings` (`email.transport`, `smtp.*`, `dkim.*`);
/// ``makeComposer()`` and ``makeTransmitter(documents:)`` build the working parts.
public struct EmailTransportSettings: Sendable, Hashable {
    /// Where generated emails go.
    public enum Transport: String, Sendable, Hashable, CaseIterable {
        /// `outbox/email/<id>.eml` (the default).
        case outbox
        /// The SMTP relay in ``EmailTransportSettings/smtp``.
        case smtp
    }

    /// TLS towards the relay.
    public enum TLS: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP (loopback relays only).
        case none
        /// STARTTLS required before anything else (port 587).
        case starttls
        /// Implicit TLS from the first byte (port 465).
        case tls

        /// The port used when none is configured.
        public var defaultPort: Int {
            switch self {
            case .none: 25
            case .starttls: 587
            case .tls: 465
            }
        }
    }

    /// The SMTP relay.
    public struct SMTP: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var tls: TLS
        public var username: String?
        public var password: String?
        /// PEM file of CA certificates trusted instead of the system roots.
        public var caFile: String?
        /// Sessions opened at once (per-host limit).
        public var connections: Int

        /// Creates relay settings.
        public init(host: String, port: Int? = nil, tls: TLS = .starttls, username: String? = nil, password: String? = nil,
                    caFile: String? = nil, connections: Int = 2) {
            self.host = host
            self.port = port ?? tls.defaultPort
            self.tls = tls
            self.username = username
            self.password = password
            self.caFile = caFile
            self.connections = connections
        }
    }

    /// DKIM signing of every email.
    public struct DKIM: Sendable, Hashable {
        public var domain: String
        public var selector: String
        /// PEM private key (RSA ≥ 2048 bits or Ed25519).
        public var keyFile: String

        /// Creates DKIM settings.
        public init(domain: String, selector: String, keyFile: String) {
            self.domain = domain
            self.selector = selector
            self.keyFile = keyFile
        }
    }

    public var transport: Transport
    /// Required when ``transport`` is `smtp`.
    public var smtp: SMTP?
    public var dkim: DKIM?

    /// Creates email settings (default: the outbox, unsigned).
    public init(transport: Transport = .outbox, smtp: SMTP? = nil, dkim: DKIM? = nil) {
        self.transport = transport
        self.smtp = smtp
        self.dkim = dkim
    }

    /// The Email Monitor's composer, signing when DKIM is configured. Throws a `HeraldError`
    /// naming `dkim.key.file` when the key cannot be read.
    public func makeComposer() throws -> MIMEEmailComposer {
        guard let dkim else { return MIMEEmailComposer() }
        do {
            let key = try DKIMPrivateKey(pemFile: dkim.keyFile)
            return MIMEEmailComposer(signer: DKIMSigner(domain: dkim.domain, selector: dkim.selector, key: key))
        } catch let error as MIMEError {
            throw HeraldError.invalid("dkim.key.file", "HERALD_DKIM_KEY_FILE: \(error.reason)")
        }
    }

    /// The SMTP transmitter, or nil for the outbox transport.
    public func makeTransmitter(documents: any DocumentStore) -> SMTPTransmitter? {
        guard transport == .smtp, let smtp else { return nil }
        let mode: SMTPClient.Configuration.TLSMode = switch smtp.tls {
        case .none: .none
        case .starttls: .startTLS
        case .tls: .implicit
        }
        var credentials: SMTPSessionStateMachine.Credentials?
        if let username = smtp.username, let password = smtp.password {
            credentials = .init(username: username, password: password)
        }
        var configuration = SMTPClient.Configuration(host: smtp.host, port: smtp.port, tls: mode, credentials: credentials)
        if let caFile = smtp.caFile { configuration.setTrustRoots(caFile: caFile) }
        return SMTPTransmitter(configuration: configuration, documents: documents, connectionsPerHost: smtp.connections)
    }
}
