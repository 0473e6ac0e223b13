import NIOCore
import NIOSSL

extension STOMPClient {
    /// Connection, session and reconnection settings.
    public struct Configuration: Sendable {
        /// The broker.
        public var endpoint: STOMPEndpoint
        /// `login`, if the broker wants one.
        public var login: String?
        /// `passcode`, if the broker wants one.
        public var passcode: String?
        /// `host` of `CONNECT` (the virtual host); default the endpoint's host.
        public var virtualHost: String?
        /// Heart-beats offered. Default 10 s both ways.
        public var heartBeat: STOMPHeartBeat
        /// Agreed intervals of silence before the broker counts as gone. Default 2.5.
        public var heartBeatTolerance: Double
        /// How long to wait for the TCP (and TLS) connection and for `CONNECTED`, each. Default 10 s.
        public var connectTimeout: TimeAmount
        /// How long to wait for each `RECEIPT`. Default 30 s.
        public var receiptTimeout: TimeAmount
        /// Frames awaiting a receipt at once on the connection. Default 256.
        public var maxInFlight: Int
        /// The largest frame accepted from the broker. Default 1 MiB.
        public var maxFrameLength: Int
        /// The first wait after a failed connection attempt; it doubles with each failure. Default 0.5 s.
        public var reconnectBackoff: TimeAmount
        /// The longest wait between connection attempts. Default 30 s.
        public var maxReconnectBackoff: TimeAmount
        /// TLS settings for `stomp+ssl://` (certificate verification on, system roots); set
        /// `trustRoots` (``setTrustRoots(caFile:)``) for a private CA.
        public var tlsConfiguration: TLSConfiguration
        /// The name the broker's certificate must carry (and SNI); default the endpoint's host.
        public var serverHostname: String?

        /// Creates a configuration with the documented defaults.
        public init(
            endpoint: STOMPEndpoint,
            login: String? = nil,
            passcode: String? = nil,
            virtualHost: String? = nil,
            heartBeat: STOMPHeartBeat = STOMPHeartBeat(send: .seconds(10), receive: .seconds(10)),
            heartBeatTolerance: Double = 2.5,
            connectTimeout: TimeAmount = .seconds(10),
            receiptTimeout: TimeAmount = .seconds(30),
            maxInFlight: Int = 256,
            maxFrameLength: Int = 1 << 20,
            reconnectBackoff: TimeAmount = .milliseconds(500),
            maxReconnectBackoff: TimeAmount = .seconds(30)
        ) {
            self.endpoint = endpoint
            self.login = login
            self.passcode = passcode
            self.virtualHost = virtualHost
            self.heartBeat = heartBeat
            self.heartBeatTolerance = heartBeatTolerance
            self.connectTimeout = connectTimeout
            self.receiptTimeout = receiptTimeout
            self.maxInFlight = maxInFlight
            self.maxFrameLength = maxFrameLength
            self.reconnectBackoff = reconnectBackoff
            self.maxReconnectBackoff = maxReconnectBackoff
            self.tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            self.serverHostname = nil
        }

        /// A configuration for a `stomp://` or `stomp+ssl://` URL.
        public init(url: String, login: String? = nil, passcode: String? = nil) throws(STOMPError) {
            self.init(endpoint: try STOMPEndpoint(url: url), login: login, passcode: passcode)
        }

        /// Trusts the CA certificates in a PEM file (instead of the system roots).
        public mutating func setTrustRoots(caFile path: String) {
            tlsConfiguration.trustRoots = .file(path)
        }

        /// The session settings these make.
        public var session: STOMPSessionStateMachine.Configuration {
            STOMPSessionStateMachine.Configuration(
                host: virtualHost ?? endpoint.host, login: login, passcode: passcode, heartBeat: heartBeat,
                heartBeatTolerance: heartBeatTolerance, connectTimeout: connectTimeout, receiptTimeout: receiptTimeout,
                maxInFlight: maxInFlight)
        }

        /// The wait before attempt `failures + 1` after `failures` failed ones in a row.
        public func backoff(afterFailures failures: Int) -> TimeAmount {
            guard failures > 0 else { return .zero }
            let factor = Int64(1) << Int64(min(failures - 1, 20))
            let (scaled, overflow) = reconnectBackoff.nanoseconds.multipliedReportingOverflow(by: factor)
            return overflow ? maxReconnectBackoff : min(maxReconnectBackoff, .nanoseconds(scaled))
        }
    }
}
