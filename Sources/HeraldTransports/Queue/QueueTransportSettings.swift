import HeraldCore
import NIOCore
import STOMP

/// The message-queue hand-off (`push.transport`/`external.transport` = `queue`): the broker
/// (`stomp.*`), the destination of each method (`queue.destination.*`) and the optional
/// encryption of each message (`queue.encryption.key.file`), described with their defaults in
/// ``Keys``. The message is documented in docs/queue-message.md.
///
/// Plain values; ``validated()`` checks them and names the setting at fault.
public struct QueueTransportSettings: Sendable, Hashable {
    /// The broker's URL (`stomp.url`): `stomp://host:port` or `stomp+ssl://host:port`. Required.
    public var url: String
    /// `login` of `CONNECT` (`stomp.login`), if the broker wants one.
    public var login: String?
    /// `passcode` of `CONNECT` (`stomp.passcode`, secret), if the broker wants one.
    public var passcode: String?
    /// Extra trusted CA certificates (PEM) for `stomp+ssl` (`stomp.ca.file`); nil: the system roots.
    public var caFile: String?
    /// Where push comms go (`queue.destination.push`). Default `/queue/herald.push`.
    public var pushDestination: String
    /// Where external comms go (`queue.destination.external`). Default `/queue/herald.external`.
    public var externalDestination: String
    /// The AES-256-GCM key file (`queue.encryption.key.file`, the format of
    /// `StorageKeyring`); nil sends the JSON in the clear.
    public var encryptionKeyFile: String?
    /// Messages of one transmitter awaiting their receipt at once. Default 64.
    public var concurrency: Int
    /// How long to wait for each receipt. Default 30 s.
    public var receiptTimeout: Duration

    /// Creates settings; call ``validated()`` before use.
    public init(
        url: String, login: String? = nil, passcode: String? = nil, caFile: String? = nil,
        pushDestination: String = Keys.pushDestination.defaultValue,
        externalDestination: String = Keys.externalDestination.defaultValue,
        encryptionKeyFile: String? = nil, concurrency: Int = 64, receiptTimeout: Duration = .seconds(30)
    ) {
        self.url = url
        self.login = login
        self.passcode = passcode
        self.caFile = caFile
        self.pushDestination = pushDestination
        self.externalDestination = externalDestination
        self.encryptionKeyFile = encryptionKeyFile
        self.concurrency = concurrency
        self.receiptTimeout = receiptTimeout
    }

    /// Checks every value; a bad one is a `HeraldError` naming its setting.
    public func validated() throws -> QueueTransportSettings {
        do {
            _ = try STOMPEndpoint(url: url)
        } catch {
            throw Keys.url.invalid("must be stomp://host:port or stomp+ssl://host:port: \(error.reason)")
        }
        for (key, destination) in [(Keys.pushDestination, pushDestination), (Keys.externalDestination, externalDestination)] {
            guard !destination.isEmpty, !destination.contains(where: { $0.isNewline }) else {
                throw key.invalid("must be a destination such as /queue/herald.push, got '\(destination)'")
            }
        }
        guard concurrency >= 1 else { throw HeraldError.invalid("queue.concurrency", "the queue transport needs at least one message in flight") }
        return self
    }

    /// The destination of a method's comms: push and external; nil for the others.
    public func destination(for method: DeliveryMethod) -> String? {
        switch method {
        case .push: pushDestination
        case .external: externalDestination
        default: nil
        }
    }

    /// The STOMP client's configuration: heart-beats every 10 s both ways, reconnection with
    /// backoff from 0.5 s to 30 s.
    public func clientConfiguration() throws -> STOMPClient.Configuration {
        var configuration: STOMPClient.Configuration
        do {
            configuration = try STOMPClient.Configuration(url: url, login: login, passcode: passcode)
        } catch {
            throw Keys.url.invalid(error.reason)
        }
        let (seconds, attoseconds) = receiptTimeout.components
        configuration.receiptTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        configuration.maxInFlight = max(configuration.maxInFlight, concurrency)
        if let caFile { configuration.setTrustRoots(caFile: caFile) }
        return configuration
    }
}
