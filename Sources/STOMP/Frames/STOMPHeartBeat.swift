import NIOCore

/// Heart-beat settings as `CONNECT` offers them (STOMP 1.2, "Heart-beating"): the client can
/// send one at least every ``send`` and wants one from the broker every ``receive``; zero
/// means "not at all".
public struct STOMPHeartBeat: Hashable, Sendable {
    /// The shortest interval at which this client can send heart-beats; zero: none.
    public var send: TimeAmount
    /// The interval at which this client wants the broker's heart-beats; zero: none.
    public var receive: TimeAmount

    /// Creates settings.
    public init(send: TimeAmount, receive: TimeAmount) {
        self.send = max(.zero, send)
        self.receive = max(.zero, receive)
    }

    /// No heart-beats either way.
    public static let none = STOMPHeartBeat(send: .zero, receive: .zero)

    /// The `heart-beat` header value: `cx,cy` in milliseconds.
    public var headerValue: String {
        "\(send.nanoseconds / 1_000_000),\(receive.nanoseconds / 1_000_000)"
    }

    /// What was agreed with a broker that answered `heart-beat: sx,sy` (nil or malformed: `0,0`).
    public struct Negotiated: Hashable, Sendable {
        /// Send a heart-beat when nothing was written for this long; nil: never.
        public var sendEvery: TimeAmount?
        /// The broker sends something at least this often; nil: no expectation.
        public var receiveEvery: TimeAmount?
    }

    /// The intervals both sides agree on: each direction is the larger of what the sender can do
    /// and the receiver wants, and off when either says 0.
    public func negotiate(brokerHeader: String?) -> Negotiated {
        var sx: Int64 = 0, sy: Int64 = 0
        if let brokerHeader {
            let parts = brokerHeader.split(separator: ",", omittingEmptySubsequences: false)
            if parts.count == 2, let x = Int64(parts[0].filter { $0 != " " }), let y = Int64(parts[1].filter { $0 != " " }), x >= 0, y >= 0 {
                sx = x
                sy = y
            }
        }
        let cx = send.nanoseconds / 1_000_000, cy = receive.nanoseconds / 1_000_000
        let out: TimeAmount? = (cx == 0 || sy == 0) ? nil : .milliseconds(max(cx, sy))
        let into: TimeAmount? = (sx == 0 || cy == 0) ? nil : .milliseconds(max(sx, cy))
        return Negotiated(sendEvery: out, receiveEvery: into)
    }
}
