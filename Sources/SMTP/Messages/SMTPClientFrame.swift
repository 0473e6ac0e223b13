/// What the client writes: a command line, or a message's content.
public enum SMTPClientFrame: Sendable, Hashable {
    /// A command, written as its line plus CRLF.
    case command(SMTPCommand)
    /// Message content after a 354: written dot-stuffed with CRLF line ends, then `.` CRLF.
    case messageData([UInt8])
}
