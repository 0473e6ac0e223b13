import Foundation
import HeraldCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Long-term storage on the local filesystem (backend `fs`): each document one file
/// `<root>/<key>`, written atomically — a hidden temporary file in the same folder is written,
/// `fsync`ed and renamed over the final name, then the folder is `fsync`ed (folders are made as
/// needed, and each new one made durable in its parent). A reader never sees half a document;
/// writing a key again replaces the object.
///
/// **Locations** are `fs:` followed by the object's path relative to ``locationBase``. Herald
/// passes `<data-dir>/storage` as the root and `<data-dir>` as the base, so a document's location
/// reads `fs:storage/herald/2026/12/07/08/<request id>.pdf` and the data folder can move.
///
/// Blocking file I/O runs on NIO's blocking-I/O pool (`NIOThreadPool.singleton`), not on a
/// cooperative thread. Failures are ``ArchiveFailure``s by `errno`: a full disk, an I/O error or
/// a busy resource (`ENOSPC`, `EDQUOT`, `EIO`, `EAGAIN`, `EMFILE`, …) is transient; a refusal
/// (`EACCES`, `EPERM`, `EROFS`, …) is permanent.
public struct FileArchive: DocumentArchive {
    /// `fs`.
    public var backend: String { "fs" }
    /// The folder objects are stored under.
    public let root: URL
    /// The folder locations are relative to (the root or one of its ancestors).
    public let locationBase: URL
    /// The root's path, without a trailing slash.
    let rootPath: String
    /// The root relative to the base (`storage`), empty when they are the same folder.
    let rootInBase: String

    /// An archive storing under `root`, giving locations relative to `locationBase` (by default
    /// `root` itself). Throws a permanent ``ArchiveFailure`` when `root` is not `locationBase` or
    /// inside it.
    public init(root: URL, locationBase: URL? = nil) throws {
        func clean(_ url: URL) -> String {
            var path = url.standardizedFileURL.path
            while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
            return path
        }
        let rootPath = clean(root)
        let basePath = clean(locationBase ?? root)
        if rootPath == basePath {
            rootInBase = ""
        } else if rootPath.hasPrefix(basePath == "/" ? "/" : basePath + "/") {
            rootInBase = String(rootPath.dropFirst(basePath == "/" ? 1 : basePath.count + 1))
        } else {
            throw ArchiveFailure(.permanent, "the storage folder \(rootPath) is not inside \(basePath), which locations are relative to")
        }
        self.root = URL(fileURLWithPath: rootPath, isDirectory: true)
        self.locationBase = URL(fileURLWithPath: basePath, isDirectory: true)
        self.rootPath = rootPath
    }

    /// Writes `document` atomically at `<root>/<key>`; see the type's description.
    public func put(_ document: [UInt8], key: String) async throws -> ArchivedObject {
        let components = try Self.components(ofKey: key, what: "key")
        let rootPath = self.rootPath
        try await Self.blocking { try Self.writeObject(document, rootPath: rootPath, components: components) }
        let relative = components.joined(separator: "/")
        return ArchivedObject(location: "fs:" + (rootInBase.isEmpty ? "" : rootInBase + "/") + relative, storedSize: document.count)
    }

    /// Reads the object at `location` (`fs:<path relative to the base>`, inside the root).
    public func get(location: String) async throws -> [UInt8] {
        let path = try path(of: location)
        return try await Self.blocking { try Self.readObject(path: path, location: location) }
    }

    /// Whether a file is at `key`.
    public func contains(key: String) async throws -> Bool {
        let path = rootPath + "/" + (try Self.components(ofKey: key, what: "key")).joined(separator: "/")
        return try await Self.blocking {
            var info = stat()
            if stat(path, &info) == 0 { return true }
            let code = errno
            if code == ENOENT || code == ENOTDIR { return false }
            throw Self.failure("stat", path, code)
        }
    }

    /// The absolute path of the object at `location`; refuses a location not `fs:`, or outside
    /// the root (`..`, another folder of the base).
    func path(of location: String) throws -> String {
        guard location.hasPrefix("fs:") else {
            throw ArchiveFailure(.permanent, "not a filesystem archive location: \(location)")
        }
        var relative = Substring(location.dropFirst(3))
        if !rootInBase.isEmpty {
            guard relative.hasPrefix(rootInBase + "/") else {
                throw ArchiveFailure(.permanent, "the location \(location) is not under the storage folder \(rootInBase)/")
            }
            relative = relative.dropFirst(rootInBase.count + 1)
        }
        let components = try Self.components(ofKey: String(relative), what: "location \(location)")
        return rootPath + "/" + components.joined(separator: "/")
    }

    /// The folders and name of a key: relative, no empty, `.` or `..` component, no NUL.
    static func components(ofKey key: String, what: String) throws -> [String] {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty, !key.hasPrefix("/"), !key.contains("\0"),
              parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw ArchiveFailure(.permanent, "refused \(what): \(key.isEmpty ? "empty" : key) (a relative path without '.', '..' or empty parts is needed)")
        }
        return parts
    }

    /// Runs blocking file work on NIO's blocking-I/O pool; a pool shut down is a transient failure.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive(work)
        } catch let failure as ArchiveFailure {
            throw failure
        } catch {
            throw ArchiveFailure(.transient, "filesystem archive unavailable: \(error)")
        }
    }

    // MARK: Blocking work

    /// What a failed system call means for the archive stage.
    static func kind(ofErrno code: Int32) -> ArchiveFailure.Kind {
        switch code {
        case EACCES, EPERM, EROFS, ENAMETOOLONG, ENOTDIR, EISDIR, ELOOP, EINVAL, EEXIST, EXDEV:
            return .permanent
        case ENOENT:
            return .notFound
        default:
            // ENOSPC, EDQUOT, EIO, EAGAIN, EINTR, EMFILE, ENFILE, ENOMEM, EBUSY, ETIMEDOUT, ESTALE…
            return .transient
        }
    }

    static func failure(_ call: String, _ path: String, _ code: Int32, notFoundAs missing: ArchiveFailure.Kind = .notFound) -> ArchiveFailure {
        var kind = kind(ofErrno: code)
        if kind == .notFound { kind = missing }
        return ArchiveFailure(kind, "\(call) \(path): \(String(cString: strerror(code))) (errno \(code))")
    }

    static func writeObject(_ document: [UInt8], rootPath: String, components: [String]) throws {
        let folder = ([rootPath] + components.dropLast()).joined(separator: "/")
        let name = components[components.count - 1]
        try makeFolder(folder)
        let temporary = folder + "/." + name + "." + String(UInt64.random(in: 0...UInt64.max), radix: 36) + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("open", temporary, errno, notFoundAs: .transient) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(fd) }
            try document.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw failure("write", temporary, errno)
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw failure("fsync", temporary, errno) }
        }
        let final = folder + "/" + name
        guard rename(temporary, final) == 0 else { throw failure("rename", final, errno, notFoundAs: .transient) }
        renamed = true
        try syncFolder(folder)
    }

    /// `mkdir -p`, each folder made also made durable in its parent.
    static func makeFolder(_ path: String) throws {
        if mkdir(path, 0o755) == 0 {
            try syncFolder(parent(of: path))
            return
        }
        switch errno {
        case EEXIST:
            return
        case ENOENT where path != "/" && !path.isEmpty:
            try makeFolder(parent(of: path))
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw failure("mkdir", path, errno, notFoundAs: .transient) }
            try syncFolder(parent(of: path))
        case let code:
            throw failure("mkdir", path, code, notFoundAs: .transient)
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func syncFolder(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path, errno, notFoundAs: .transient) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync", path, errno) }
    }

    static func readObject(path: String, location: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw ArchiveFailure(.notFound, "no stored document at \(location)") }
            throw failure("open", path, code)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("fstat", path, errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw ArchiveFailure(.corrupt, "\(location) is not a regular file") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("read", path, errno)
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }
}
