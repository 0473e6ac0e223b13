/// An error from a STOMP connection or a frame sent on it.
///
/// Two questions decide what a caller does with it: ``isRetryable`` (would another attempt,
/// later, possibly succeed?) and ``mayHaveBeenDelivered`` (could the broker already have the
/// message, so that another attempt may deliver it twice?).
public struct STOMPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Hashable, Sendable {
        /// The URL or configuration is unusable (bad scheme, no host, bad TLS settings).
        case invalidConfiguration
        /// The TCP connection (or the TLS handshake) could not be made.
        case connectionFailed
        /// The broker refused `CONNECT` with an `ERROR` frame (wrong login, unknown virtual host),
        /// or answered with another protocol version.
        case connectRefused
        /// No `CONNECTED` within the connect timeout.
        case connectTimeout
        /// The broker answered a frame of ours with an `ERROR` frame that names its receipt:
        /// this frame was refused; the connection may carry on.
        case rejected
        /// The broker sent an `ERROR` frame about the connection and it ended.
        case brokerError
        /// The connection ended before the frame's `RECEIPT` arrived.
        case connectionLost
        /// The broker sent nothing (not even a heart-beat) for longer than agreed.
        case heartBeatTimeout
        /// No `RECEIPT` within the receipt timeout.
        case receiptTimeout
        /// There is no connection (closed, or reconnecting after a failure); nothing was sent.
        case notConnected
        /// The broker sent bytes that are not STOMP 1.2.
        case malformedFrame
        /// The frame cannot be sent as given (no destination, a header that cannot be written).
        case invalidFrame
    }

    /// The kind of failure.
    public var code: Code
    /// A readable reason, with the broker's words when there were some.
    public var reason: String
    /// The `ERROR` frame's `message` header, when the broker sent one.
    public var brokerMessage: String?
    /// The `ERROR` frame's body as text, when the broker sent one.
    public var brokerDetail: String?
    /// Whether the broker may have the message although no receipt came: the frame was written
    /// and then the connection ended, or its receipt was late.
    public var mayHaveBeenDelivered: Bool

    /// Creates an error.
    public init(_ code: Code, _ reason: String, brokerMessage: String? = nil, brokerDetail: String? = nil, mayHaveBeenDelivered: Bool = false) {
        self.code = code
        self.reason = reason
        self.brokerMessage = brokerMessage
        self.brokerDetail = brokerDetail
        self.mayHaveBeenDelivered = mayHaveBeenDelivered
    }

    /// An error from an `ERROR` frame (its `message` header and body).
    init(_ code: Code, errorFrame: STOMPFrame, context: String) {
        let message = errorFrame["message"]
        let detail = errorFrame.body.isEmpty ? nil : String(decoding: errorFrame.body.prefix(2048), as: UTF8.self)
        var reason = context + ": " + (message ?? "ERROR frame without a message")
        if let detail {
            let line = detail.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if !line.isEmpty && line != message { reason += " (\(line.prefix(200)))" }
        }
        self.init(code, reason, brokerMessage: message, brokerDetail: detail)
    }

    /// Whether a later attempt may succeed: everything but ``Code/rejected``,
    /// ``Code/invalidConfiguration`` and ``Code/invalidFrame``.
    public var isRetryable: Bool {
        switch code {
        case .rejected, .invalidConfiguration, .invalidFrame: false
        default: true
        }
    }

    /// `STOMPError.code: reason` and whether it may have been delivered.
    public var description: String {
        "STOMPError.\(code.rawValue): \(reason)" + (mayHaveBeenDelivered ? " (the broker may have received it)" : "")
    }
}
