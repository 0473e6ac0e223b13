import NIOCore

/// One SFTP v3 packet (draft-ietf-secsh-filexfer-02), in either direction.
///
/// The client sends the requests (``initialize(version:)`` to ``extended(id:request:data:)``) and
/// the server answers with ``version(_:extensions:)`` and the responses (``status(id:code:message:language:)``
/// and the rest), each carrying the request's id. Both directions are coded here so the tests'
/// fake server uses the same codec.
public enum SFTPMessage: Sendable, Hashable {
    /// `SSH_FXP_INIT`: the client's protocol version.
    case initialize(version: UInt32)
    /// `SSH_FXP_VERSION`: the server's version and the extensions it offers.
    case version(UInt32, extensions: [SFTPExtensionPair])
    /// `SSH_FXP_OPEN`.
    case open(id: UInt32, path: String, flags: SFTPOpenFlags, attributes: SFTPFileAttributes)
    /// `SSH_FXP_CLOSE`.
    case close(id: UInt32, handle: ByteBuffer)
    /// `SSH_FXP_READ`.
    case read(id: UInt32, handle: ByteBuffer, offset: UInt64, length: UInt32)
    /// `SSH_FXP_WRITE`.
    case write(id: UInt32, handle: ByteBuffer, offset: UInt64, data: ByteBuffer)
    /// `SSH_FXP_LSTAT`: attributes without following a final symbolic link.
    case lstat(id: UInt32, path: String)
    /// `SSH_FXP_FSTAT`: attributes of an open handle.
    case fstat(id: UInt32, handle: ByteBuffer)
    /// `SSH_FXP_SETSTAT`.
    case setstat(id: UInt32, path: String, attributes: SFTPFileAttributes)
    /// `SSH_FXP_FSETSTAT`.
    case fsetstat(id: UInt32, handle: ByteBuffer, attributes: SFTPFileAttributes)
    /// `SSH_FXP_OPENDIR`.
    case opendir(id: UInt32, path: String)
    /// `SSH_FXP_READDIR`.
    case readdir(id: UInt32, handle: ByteBuffer)
    /// `SSH_FXP_REMOVE`: removes a file.
    case remove(id: UInt32, path: String)
    /// `SSH_FXP_MKDIR`.
    case mkdir(id: UInt32, path: String, attributes: SFTPFileAttributes)
    /// `SSH_FXP_RMDIR`.
    case rmdir(id: UInt32, path: String)
    /// `SSH_FXP_REALPATH`: the canonical absolute path.
    case realpath(id: UInt32, path: String)
    /// `SSH_FXP_STAT`: attributes, following symbolic links.
    case stat(id: UInt32, path: String)
    /// `SSH_FXP_RENAME` (v3: fails when the target exists, on OpenSSH).
    case rename(id: UInt32, oldPath: String, newPath: String)
    /// `SSH_FXP_EXTENDED`: a named extension request; `data` is its request-specific rest.
    case extended(id: UInt32, request: String, data: ByteBuffer)
    /// `SSH_FXP_STATUS`.
    case status(id: UInt32, code: SFTPStatusCode, message: String, language: String)
    /// `SSH_FXP_HANDLE`.
    case handle(id: UInt32, handle: ByteBuffer)
    /// `SSH_FXP_DATA`.
    case data(id: UInt32, data: ByteBuffer)
    /// `SSH_FXP_NAME`.
    case name(id: UInt32, entries: [SFTPDirectoryEntry])
    /// `SSH_FXP_ATTRS`.
    case attributes(id: UInt32, attributes: SFTPFileAttributes)
    /// `SSH_FXP_EXTENDED_REPLY`.
    case extendedReply(id: UInt32, data: ByteBuffer)

    /// The request id, for every packet but INIT and VERSION.
    public var id: UInt32? {
        switch self {
        case .initialize, .version: nil
        case .open(let id, _, _, _), .close(let id, _), .read(let id, _, _, _), .write(let id, _, _, _),
            .lstat(let id, _), .fstat(let id, _), .setstat(let id, _, _), .fsetstat(let id, _, _),
            .opendir(let id, _), .readdir(let id, _), .remove(let id, _), .mkdir(let id, _, _), .rmdir(let id, _),
            .realpath(let id, _), .stat(let id, _), .rename(let id, _, _), .extended(let id, _, _),
            .status(let id, _, _, _), .handle(let id, _), .data(let id, _), .name(let id, _), .attributes(let id, _),
            .extendedReply(let id, _):
            id
        }
    }
}

/// An extension name and data, as offered in `SSH_FXP_VERSION`.
public struct SFTPExtensionPair: Sendable, Hashable {
    /// The name, e.g. `posix-rename@openssh.com`.
    public var name: String
    /// The data (for OpenSSH's extensions, a version number as text).
    public var data: String
    /// Creates a pair.
    public init(name: String, data: String) {
        self.name = name
        self.data = data
    }
}

/// The packet type numbers (`SSH_FXP_*`).
enum SFTPPacketType: UInt8 {
    case initialize = 1, version = 2, open = 3, close = 4, read = 5, write = 6, lstat = 7, fstat = 8
    case setstat = 9, fsetstat = 10, opendir = 11, readdir = 12, remove = 13, mkdir = 14, rmdir = 15
    case realpath = 16, stat = 17, rename = 18, readlink = 19, symlink = 20
    case status = 101, handle = 102, data = 103, name = 104, attributes = 105
    case extended = 200, extendedReply = 201
}
