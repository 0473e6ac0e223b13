import Foundation
import HeraldCore
import Logging
import MIME
import SMTP

/// How emails leave Herald: the outbox (development) or an SMTP relay, and whether they are
/// DKIM-signed. Plain values, read by `HeraldSettings` (`email.transport`, `smtp.*`, `dkim.*`,
/// described with their defaults in ``Keys``); ``makeComposer()`` and
/// ``makeTransmitter(documents:)`` build the working parts.
public struct EmailTransportSettings: Sendable, Hashable {
    /// Where generated emails go.
    public enum Transport: String, Sendable, Hashable, CaseIterable {
        /// `outbox/email/<id>.eml` (the default, ``Keys/transport``).
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

        /// Creates relay settings; the defaults are those of ``EmailTransportSettings/Keys``
        /// (the port by default ``TLS/defaultPort``).
        public init(host: String, port: Int? = Keys.smtpPort.defaultValue, tls: TLS = Keys.smtpTLS.defaultValue,
                    username: String? = nil, password: String? = nil, caFile: String? = nil,
                    connections: Int = Keys.smtpConnections.defaultValue) {
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
    /// The key of `dkim.domain`, `dkim.selector` and `dkim.key.file`.
    public var dkim: DKIM?
    /// Further keys, one per sender domain (`dkim.keys`).
    public var dkimKeys: [DKIM]
    /// Whether email addresses with a non-ASCII local part may be used (`smtp.smtputf8`):
    /// only when the relay offers SMTPUTF8. Off: such addresses are no usable email target.
    public var smtpUTF8: Bool

    /// Creates email settings (default: the outbox, unsigned; ``Keys``).
    public init(transport: Transport = Keys.transport.defaultValue, smtp: SMTP? = nil, dkim: DKIM? = nil, dkimKeys: [DKIM] = [],
                smtpUTF8: Bool = Keys.smtpUTF8.defaultValue) {
        self.transport = transport
        self.smtp = smtp
        self.dkim = dkim
        self.dkimKeys = dkimKeys
        self.smtpUTF8 = smtpUTF8
    }

    /// The Email Monitor's composer, signing with the key of each message's From domain (or a
    /// parent domain) when DKIM is configured. Throws a `HeraldError` naming `dkim.key.file`
    /// (or `dkim.keys`) when a key cannot be read.
    public func makeComposer(logger: Logger = Logger(label: "herald.email")) throws -> MIMEEmailComposer {
        var signers: [DKIMSigner] = []
        for (index, entry) in ([dkim].compactMap(\.self) + dkimKeys).enumerated() {
            let fromList = dkim == nil || index > 0
            do {
                let key = try DKIMPrivateKey(pemFile: entry.keyFile)
                signers.append(DKIMSigner(domain: entry.domain, selector: entry.selector, key: key))
            } catch let error as MIMEError {
                throw fromList
                    ? Keys.dkimKeys.invalid("has a bad key file \(entry.keyFile) for \(entry.domain): \(error.reason)")
                    : Keys.dkimKeyFile.invalid("is not a usable key: \(error.reason)")
            }
        }
        return MIMEEmailComposer(signers: signers, logger: logger)
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
