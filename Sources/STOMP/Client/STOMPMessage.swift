/// A message to `SEND`: a destination, a body and headers.
public struct STOMPMessage: Sendable, Hashable {
    /// Where it goes (`/queue/herald.push`).
    public var destination: String
    /// The body.
    public var body: [UInt8]
    /// `content-type`, e.g. `application/json;charset=utf-8`; nil sends none.
    public var contentType: String?
    /// Whether the broker should keep it across its own restart (`persistent:true`, which
    /// ActiveMQ, Artemis and RabbitMQ understand). Default true.
    public var persistent: Bool
    /// Further headers (application properties such as a message id of your own).
    /// `destination`, `content-type`, `content-length`, `persistent` and `receipt` are set from
    /// the other properties and cannot be given here.
    public var headers: [(name: String, value: String)]

    /// Creates a message.
    public init(destination: String, body: [UInt8], contentType: String? = nil, persistent: Bool = true, headers: [(String, String)] = []) {
        self.destination = destination
        self.body = body
        self.contentType = contentType
        self.persistent = persistent
        self.headers = headers.map { (name: $0.0, value: $0.1) }
    }

    /// Creates a message with a UTF-8 text body.
    public init(destination: String, text: String, contentType: String? = "text/plain;charset=utf-8", persistent: Bool = true, headers: [(String, String)] = []) {
        self.init(destination: destination, body: Array(text.utf8), contentType: contentType, persistent: persistent, headers: headers)
    }

    /// Headers the client sets itself.
    static let reservedHeaders: Set<String> = ["destination", "content-type", "content-length", "persistent", "receipt", "transaction"]

    /// The `SEND` frame (without its `receipt`, which the session adds): `destination`,
    /// `content-type`, `content-length` (always: the body may hold NULs), `persistent`, then
    /// ``headers``. Throws ``STOMPError/Code/invalidFrame`` for an empty destination or a
    /// reserved header.
    public func frame() throws(STOMPError) -> STOMPFrame {
        guard !destination.isEmpty else { throw STOMPError(.invalidFrame, "a message needs a destination") }
        var frameHeaders: [(String, String)] = [("destination", destination)]
        if let contentType { frameHeaders.append(("content-type", contentType)) }
        frameHeaders.append(("content-length", String(body.count)))
        if persistent { frameHeaders.append(("persistent", "true")) }
        for header in headers {
            guard !Self.reservedHeaders.contains(header.name.lowercased()) else {
                throw STOMPError(.invalidFrame, "the header \(header.name) is set by the client")
            }
            guard !header.name.isEmpty else { throw STOMPError(.invalidFrame, "a header needs a name") }
            frameHeaders.append((header.name, header.value))
        }
        return STOMPFrame(.send, headers: frameHeaders, body: body)
    }

    /// Equal when command/destination, headers in order and body are.
    public static func == (lhs: STOMPMessage, rhs: STOMPMessage) -> Bool {
        lhs.destination == rhs.destination && lhs.body == rhs.body && lhs.contentType == rhs.contentType
            && lhs.persistent == rhs.persistent && lhs.headers.count == rhs.headers.count
            && zip(lhs.headers, rhs.headers).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Hashes what ``==`` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(destination)
        hasher.combine(body)
        hasher.combine(contentType)
        hasher.combine(persistent)
        for header in headers {
            hasher.combine(header.name)
            hasher.combine(header.value)
        }
    }
}
