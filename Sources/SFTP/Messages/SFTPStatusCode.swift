/// An SFTP v3 status code (`SSH_FX_*`, draft-ietf-secsh-filexfer-02 §7).
///
/// A struct rather than an enum so a code this client does not know (a later protocol
/// version's) still comes through as itself.
public struct SFTPStatusCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The code on the wire.
    public var rawValue: UInt32

    /// Creates a code from its wire value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `SSH_FX_OK`: the operation succeeded.
    public static let ok = SFTPStatusCode(rawValue: 0)
    /// `SSH_FX_EOF`: end of file (read past the end, or no more directory entries).
    public static let eof = SFTPStatusCode(rawValue: 1)
    /// `SSH_FX_NO_SUCH_FILE`: a file or directory that does not exist.
    public static let noSuchFile = SFTPStatusCode(rawValue: 2)
    /// `SSH_FX_PERMISSION_DENIED`.
    public static let permissionDenied = SFTPStatusCode(rawValue: 3)
    /// `SSH_FX_FAILURE`: any other failure (a full disk, an existing directory, …); the message tells which.
    public static let failure = SFTPStatusCode(rawValue: 4)
    /// `SSH_FX_BAD_MESSAGE`: the server could not parse a request.
    public static let badMessage = SFTPStatusCode(rawValue: 5)
    /// `SSH_FX_NO_CONNECTION`: a pseudo-code for a client with no connection.
    public static let noConnection = SFTPStatusCode(rawValue: 6)
    /// `SSH_FX_CONNECTION_LOST`: a pseudo-code for a connection lost.
    public static let connectionLost = SFTPStatusCode(rawValue: 7)
    /// `SSH_FX_OP_UNSUPPORTED`: the server does not implement the operation.
    public static let opUnsupported = SFTPStatusCode(rawValue: 8)

    /// The draft's name of the code, or its number.
    public var description: String {
        switch self {
        case .ok: "ok"
        case .eof: "eof"
        case .noSuchFile: "noSuchFile"
        case .permissionDenied: "permissionDenied"
        case .failure: "failure"
        case .badMessage: "badMessage"
        case .noConnection: "noConnection"
        case .connectionLost: "connectionLost"
        case .opUnsupported: "opUnsupported"
        default: "status(\(rawValue))"
        }
    }
}
