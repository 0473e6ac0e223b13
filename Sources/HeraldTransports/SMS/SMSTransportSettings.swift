import HeraldCore

/// How SMS distributions leave (`sms.transport`, ``Keys``): the outbox spool (the default), an
/// SMPP route or an HTTP-gateway route.
public struct SMSTransportSettings: Sendable, Hashable {
    /// The SMS transport.
    public enum Transport: String, Sendable, Hashable, CaseIterable {
        /// NDJSON spool files in the outbox (development).
        case outbox
        /// An SMPP 3.4 route to an SMSC (`smpp.*`).
        case smpp
        /// A JSON-over-HTTP aggregator route (`sms.http.*`).
        case http
    }

    /// The transport.
    public var transport: Transport
    /// The SMPP route when ``transport`` is ``Transport/smpp``.
    public var smpp: SMPPRouteSettings?
    /// The HTTP-gateway route when ``transport`` is ``Transport/http``.
    public var http: HTTPGatewaySettings?

    /// Creates settings; the default is the outbox (``Keys/transport``).
    public init(transport: Transport = Keys.transport.defaultValue, smpp: SMPPRouteSettings? = nil, http: HTTPGatewaySettings? = nil) {
        self.transport = transport
        self.smpp = smpp
        self.http = http
    }
}
