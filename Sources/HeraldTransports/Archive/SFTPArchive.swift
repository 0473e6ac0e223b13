import Foundation
import HeraldCore
import NIOCore
import SFTP

/// The SFTP backend of the storage step (`storage.backend` = `sftp`): each document is written to
/// `<directory>/<key>` on the server through the `SFTP` module — to `<name>.tmp`, then renamed
/// (`posix-rename@openssh.com` when offered), so the server never shows half a document; folders
/// are made as needed. Locations are `sftp://<user>@<host>:<port>/<path>`, the path as written
/// (relative paths are relative to the user's login folder, as OpenSSH's `sftp` treats them).
public struct SFTPArchive: DocumentArchive {
    public var backend: String { "sftp" }
    public let client: SFTPClient
    /// The folder on the server that holds the stored documents.
    public let directory: String

    public init(client: SFTPClient, directory: String) {
        self.client = client
        var d = directory
        while d.count > 1 && d.hasSuffix("/") { d.removeLast() }
        self.directory = d
    }

    var authority: String {
        let c = client.configuration
        return "\(c.user)@\(c.host):\(c.port)"
    }

    func path(of key: String) -> String {
        directory.isEmpty || directory == "." ? key : "\(directory)/\(key)"
    }

    public func put(_ document: [UInt8], key: String) async throws -> ArchivedObject {
        let path = path(of: key)
        do {
            try await client.putFile(document, to: path, createDirectories: true, atomically: true)
        } catch {
            throw Self.failure(error, doing: "put \(path)")
        }
        return ArchivedObject(location: "sftp://\(authority)/\(path)", storedSize: document.count)
    }

    public func get(location: String) async throws -> [UInt8] {
        let prefix = "sftp://\(authority)/"
        guard location.hasPrefix(prefix) else {
            throw ArchiveFailure(.permanent, "\(location) is not on the configured SFTP server \(authority)")
        }
        let path = String(location.dropFirst(prefix.count))
        do {
            return try await client.readFile(path)
        } catch {
            throw Self.failure(error, doing: "read \(path)")
        }
    }

    /// Whether a file is at `key` (a STAT; no such file is no).
    public func contains(key: String) async throws -> Bool {
        let path = path(of: key)
        do {
            _ = try await client.stat(path)
            return true
        } catch {
            if error.statusCode == .noSuchFile { return false }
            throw Self.failure(error, doing: "stat \(path)")
        }
    }

    public func shutdown() async { await client.shutdown() }

    /// The storage step's view of an SFTP failure: a missing file is `notFound`; a full disk, a
    /// dropped or refused connection, a timeout are transient; a refused login, an unknown or
    /// changed host key, a permission denied need a configuration change (permanent).
    static func failure(_ error: SFTPError, doing what: String) -> ArchiveFailure {
        if error.statusCode == .noSuchFile, what.hasPrefix("read") { return ArchiveFailure(.notFound, "\(what): \(error)") }
        return ArchiveFailure(error.isTransient ? .transient : .permanent, "\(what): \(error)")
    }
}
