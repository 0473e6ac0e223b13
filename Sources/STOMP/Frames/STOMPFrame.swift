/// A STOMP command: the first line of a frame.
public struct STOMPCommand: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The command as written (`SEND`).
    public let rawValue: String

    /// A command by name (upper case, as the specification writes them).
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `CONNECT`: opens the session.
    public static let connect = STOMPCommand(rawValue: "CONNECT")
    /// `STOMP`: `CONNECT` under its 1.2 name.
    public static let stomp = STOMPCommand(rawValue: "STOMP")
    /// `SEND`: a message to a destination.
    public static let send = STOMPCommand(rawValue: "SEND")
    /// `SUBSCRIBE`: receive a destination's messages.
    public static let subscribe = STOMPCommand(rawValue: "SUBSCRIBE")
    /// `UNSUBSCRIBE`: stop a subscription.
    public static let unsubscribe = STOMPCommand(rawValue: "UNSUBSCRIBE")
    /// `ACK`: a message was consumed.
    public static let ack = STOMPCommand(rawValue: "ACK")
    /// `NACK`: a message was not consumed.
    public static let nack = STOMPCommand(rawValue: "NACK")
    /// `BEGIN`: start a transaction.
    public static let begin = STOMPCommand(rawValue: "BEGIN")
    /// `COMMIT`: commit a transaction.
    public static let commit = STOMPCommand(rawValue: "COMMIT")
    /// `ABORT`: roll a transaction back.
    public static let abort = STOMPCommand(rawValue: "ABORT")
    /// `DISCONNECT`: end the session gracefully.
    public static let disconnect = STOMPCommand(rawValue: "DISCONNECT")
    /// `CONNECTED`: the broker accepted `CONNECT`.
    public static let connected = STOMPCommand(rawValue: "CONNECTED")
    /// `MESSAGE`: a message of a subscription.
    public static let message = STOMPCommand(rawValue: "MESSAGE")
    /// `RECEIPT`: the broker processed the frame that asked for it.
    public static let receipt = STOMPCommand(rawValue: "RECEIPT")
    /// `ERROR`: something went wrong (usually followed by the broker closing).
    public static let error = STOMPCommand(rawValue: "ERROR")

    /// Whether the frame's headers are written without escaping: `CONNECT` and `CONNECTED`
    /// (STOMP 1.2, "Value Encoding"), so that a 1.0 peer can read them.
    public var hasRawHeaders: Bool { self == .connect || self == .connected || self == .stomp }

    /// The command as written.
    public var description: String { rawValue }
}

/// One STOMP frame: a command, ordered headers and a body.
///
/// Headers keep their order and repetitions as received; ``subscript(_:)`` returns the first
/// value of a name, which is the one that counts (STOMP 1.2, "Repeated Header Entries").
public struct STOMPFrame: Hashable, Sendable, CustomStringConvertible {
    /// The command.
    public var command: STOMPCommand
    /// Header names and values, unescaped, in order.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a frame.
    public init(_ command: STOMPCommand, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.command = command
        self.headers = headers.map { (name: $0.0, value: $0.1) }
        self.body = body
    }

    /// The first value of the header `name`, or nil.
    public subscript(_ name: String) -> String? {
        get { headers.first { $0.name == name }?.value }
        set {
            headers.removeAll { $0.name == name }
            if let newValue { headers.append((name: name, value: newValue)) }
        }
    }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// `COMMAND {header: value, …} (n bytes)`; `passcode` is never shown.
    public var description: String {
        let shown = headers.map { "\($0.name): \($0.name == "passcode" ? "***" : $0.value)" }.joined(separator: ", ")
        return "\(command) {\(shown)} (\(body.count) bytes)"
    }

    /// Equal when command/destination, headers in order and body are.
    public static func == (lhs: STOMPFrame, rhs: STOMPFrame) -> Bool {
        lhs.command == rhs.command && lhs.body == rhs.body
            && lhs.headers.count == rhs.headers.count
            && zip(lhs.headers, rhs.headers).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Hashes what ``==`` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(command)
        hasher.combine(body)
        for header in headers {
            hasher.combine(header.name)
            hasher.combine(header.value)
        }
    }
}

/// What the frame parser takes out of the byte stream: a frame, or a heart-beat (a bare
/// end-of-line between frames).
public enum STOMPInbound: Hashable, Sendable {
    /// A whole frame.
    case frame(STOMPFrame)
    /// An end-of-line between frames: the peer is alive.
    case heartBeat
}
