import NIOCore

/// Writes ``SMTPClientFrame`` values: command lines with CRLF, message content dot-stuffed.
public struct SMTPRequestEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = SMTPClientFrame

    /// Creates an encoder.
    public init() {}

    public func encode(data: SMTPClientFrame, out: inout ByteBuffer) throws {
        switch data {
        case .command(let command):
            out.writeString(command.line)
            out.writeBytes([13, 10])
        case .messageData(let bytes):
            SMTPDataEncoding.write(bytes, into: &out)
        }
    }
}
