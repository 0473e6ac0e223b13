import HeraldCore
import NIOCore
import SMPP

/// The settings of one SMPP route, as configured (`smpp.*`, described with their defaults in
/// ``Keys``), before validation.
///
/// Plain values so the composition root can hold them without naming the SMPP module;
/// ``validated()`` checks them and ``SMPPRoute`` turns them into client configurations.
public struct SMPPRouteSettings: Sendable, Hashable {
    /// How a route binds to the SMSC.
    public enum BindMode: String, Sendable, Hashable, CaseIterable {
        /// One `bind_transceiver` per bind: submits and receipts on one connection.
        case transceiver
        /// A `bind_transmitter` for submits plus a `bind_receiver` for receipts, per bind.
        case transmitterAndReceiver = "transmitter+receiver"
    }

    /// SMSC host (`smpp.host`).
    public var host: String
    /// SMSC port (``Keys/port``).
    public var port: Int
    /// `system_id` (`smpp.system.id`), at most 15 characters.
    public var systemID: String
    /// `password` (`smpp.password`, secret), at most 8 characters.
    public var password: String
    /// `system_type` (``Keys/systemType``), at most 12 characters.
    public var systemType: String
    /// The sender (`smpp.source.addr`): an alphanumeric sender (up to 11 characters), a short
    /// code (3–8 digits) or an E.164 number (`+` and digits); TON/NPI follow from the form.
    public var sourceAddress: String
    /// The bind (``Keys/bind``).
    public var bind: BindMode
    /// Outstanding `submit_sm` per bind (``Keys/window``).
    public var window: Int
    /// The most `submit_sm` per second for the whole route (``Keys/tps``), or `nil` for no cap;
    /// split evenly over the binds.
    public var tps: Int?
    /// Binds kept open to the SMSC (``Keys/binds``).
    public var binds: Int
    /// First reconnect delay, doubling up to ``reconnectMaxDelay``. Default 1 s.
    public var reconnectBaseDelay: Duration
    /// Longest reconnect delay. Default 60 s.
    public var reconnectMaxDelay: Duration
    /// How long a submit waits for a bind to come up before failing retryably. Default 5 s.
    public var bindWait: Duration
    /// Response timeout for bind, submit and unbind. Default 10 s.
    public var responseTimeout: Duration
    /// Pause after `ESME_RTHROTTLED`/`ESME_RMSGQFUL`. Default 1 s.
    public var throttleBackoff: Duration

    /// Creates settings with the defaults of ``Keys``.
    public init(
        host: String, port: Int = Keys.port.defaultValue, systemID: String, password: String,
        systemType: String = Keys.systemType.defaultValue, sourceAddress: String, bind: BindMode = Keys.bind.defaultValue,
        window: Int = Keys.window.defaultValue, tps: Int? = Keys.tps.defaultValue, binds: Int = Keys.binds.defaultValue
    ) {
        self.host = host
        self.port = port
        self.systemID = systemID
        self.password = password
        self.systemType = systemType
        self.sourceAddress = sourceAddress
        self.bind = bind
        self.window = window
        self.tps = tps
        self.binds = binds
        self.reconnectBaseDelay = .seconds(1)
        self.reconnectMaxDelay = .seconds(60)
        self.bindWait = .seconds(5)
        self.responseTimeout = .seconds(10)
        self.throttleBackoff = .seconds(1)
    }

    /// Checks every value; throws a ``HeraldError`` naming the setting at fault
    /// (`smpp.host (HERALD_SMPP_HOST)`, …).
    @discardableResult
    public func validated() throws -> SMPPRouteSettings {
        guard !host.isEmpty else { throw Keys.host.invalid("is required") }
        guard (1...65535).contains(port) else { throw Keys.port.invalid("must be a port number 1–65535, got \(port)") }
        guard !systemID.isEmpty, systemID.utf8.count <= 15 else { throw Keys.systemID.invalid("is required and at most 15 characters") }
        guard password.utf8.count <= 8 else { throw Keys.password.invalid("is at most 8 characters") }
        guard systemType.utf8.count <= 12 else { throw Keys.systemType.invalid("is at most 12 characters") }
        guard SMPPAddress(sourceAddress) != nil else {
            throw Keys.sourceAddress.invalid(
                "must be an alphanumeric sender (1–11 characters), a short code or an E.164 number, got '\(sourceAddress)'")
        }
        guard (1...10_000).contains(window) else { throw Keys.window.invalid("must be 1–10000, got \(window)") }
        if let tps, tps <= 0 { throw Keys.tps.invalid("must be positive, got \(tps)") }
        guard (1...64).contains(binds) else { throw Keys.binds.invalid("must be 1–64, got \(binds)") }
        return self
    }

    /// The sender as an SMPP address (TON/NPI chosen from its form).
    public var source: SMPPAddress { SMPPAddress(sourceAddress) ?? .empty }

    /// The client configuration of one connection of the route.
    public func clientConfiguration(bindType: SMPPBindType) -> SMPPClient.Configuration {
        SMPPClient.Configuration(
            systemID: systemID, password: password, systemType: systemType, bindType: bindType, windowSize: window,
            maxSubmitsPerSecond: tps.map { max(1, ($0 + binds - 1) / binds) },
            responseTimeout: Self.timeAmount(responseTimeout), connectTimeout: Self.timeAmount(responseTimeout),
            throttleBackoff: Self.timeAmount(throttleBackoff))
    }

    /// The bind types of one bind slot.
    var bindTypes: [SMPPBindType] {
        switch bind {
        case .transceiver: [.transceiver]
        case .transmitterAndReceiver: [.transmitter, .receiver]
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
