import Foundation
import HeraldCore
import Synchronization
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
private let systemRead = Darwin.read
#endif

/// Documents on the local filesystem under `YYYY/MM/dd/HH/<name>` (UTC), the layout CMP's
/// storage daemon uses. Locations are `fs:<relative path>`, so a data folder can move.
///
/// Names are unique (a distribution id), so a write creates its final file directly
/// (`O_CREAT|O_EXCL`: one `open`, `write`, `close`) instead of a temporary file and a rename.
/// A file that is already there (a crashed or timed-out earlier attempt at the same document,
/// possibly cut short) is replaced atomically through a temporary file and a rename, so the
/// name never ends up holding half a document once a write has returned. Documents become
/// durable together in ``flush()`` (one `syncfs` of the file system per batch), which the
/// merge stage calls before it records their locations: no row ever points at a document that
/// a crash could lose, and a document no row points at is simply written again.
public struct FileDocumentStore: DocumentStore {
    public let root: URL
    let rootPath: String
    /// The hour folders known to exist, so a write makes no `mkdir`/`stat` calls.
    let folders = FolderCache()

    public init(root: URL) {
        self.root = root
        var path = root.path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.rootPath = path
    }

    public func write(_ data: Data, name: String, createdAt: Date) async throws -> String {
        guard !name.isEmpty, !name.contains("/"), name != "..", name != "." else {
            throw HeraldError.invalid("name", "document name '\(name)' is not a plain file name")
        }
        let folder = Self.hourFolder(createdAt)
        let relative = folder + name
        let path = rootPath + "/" + relative
        if !folders.contains(folder) {
            try FileManager.default.createDirectory(atPath: rootPath + "/" + folder, withIntermediateDirectories: true)
            folders.insert(folder)
        }
        var fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if fd < 0 && errno == ENOENT {
            // The folder went away under us (someone cleaned up): make it again.
            folders.remove(folder)
            try FileManager.default.createDirectory(atPath: rootPath + "/" + folder, withIntermediateDirectories: true)
            folders.insert(folder)
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        }
        if fd < 0 {
            let code = errno
            guard code == EEXIST else { throw HeraldError(.internalError, "cannot create document \(name): errno \(code)") }
            try replace(path: path, name: name, data: data)
            return "fs:" + relative
        }
        do {
            try Self.writeAll(fd, data)
        } catch {
            close(fd)
            unlink(path)
            throw HeraldError(.internalError, "cannot write document \(name): \(error)")
        }
        guard close(fd) == 0 else {
            let code = errno
            unlink(path)
            throw HeraldError(.internalError, "cannot write document \(name): errno \(code)")
        }
        return "fs:" + relative
    }

    /// Replaces an existing document atomically: a temporary file, then a rename over it.
    func replace(path: String, name: String, data: Data) throws {
        let slash = path.lastIndex(of: "/")!
        let temporary = String(path[...slash]) + ".\(name).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw HeraldError(.internalError, "cannot create document \(name): errno \(errno)") }
        do {
            try Self.writeAll(fd, data)
        } catch {
            close(fd)
            unlink(temporary)
            throw HeraldError(.internalError, "cannot write document \(name): \(error)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw HeraldError(.internalError, "cannot move document \(name) into place: errno \(code)")
        }
    }

    struct WriteFailure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "errno \(code)" }
    }

    static func writeAll(_ fd: Int32, _ data: Data) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteFailure(code: errno)
                }
                offset += n
            }
        }
    }

    /// `YYYY/MM/dd/HH/` of a time, UTC (libc `gmtime_r`: no calendar or formatter per call).
    static func hourFolder(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var fields = tm()
        gmtime_r(&time, &fields)
        let year = Int(fields.tm_year) + 1900, month = Int(fields.tm_mon) + 1
        let day = Int(fields.tm_mday), hour = Int(fields.tm_hour)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var y = String(year)
        while y.count < 4 { y = "0" + y }
        return "\(y)/\(two(month))/\(two(day))/\(two(hour))/"
    }

    public func flush() async throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Self.syncFileSystem(containing: root)
    }

    /// Writes out everything of the file system that holds `folder` (one `syncfs`).
    public static func syncFileSystem(containing folder: URL) throws {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw HeraldError(.unavailable, "cannot open document root \(folder.path): errno \(errno)") }
        defer { close(fd) }
        guard syncFileSystem(fd) == 0 else { throw HeraldError(.unavailable, "cannot sync documents to disk: errno \(errno)") }
    }

    /// `syncfs(2)` (glibc keeps it behind _GNU_SOURCE, so it is looked up at run time); `sync(2)`
    /// where it is missing.
    static let syncFileSystem: @Sendable (Int32) -> Int32 = {
        typealias SyncFS = @convention(c) (Int32) -> Int32
        if let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "syncfs") {
            let syncfs = unsafeBitCast(symbol, to: SyncFS.self)
            return { fd in syncfs(fd) }
        }
        return { _ in sync(); return 0 }
    }()

    public func read(_ location: String) async throws -> Data {
        Data(try readBytes(location))
    }

    /// Reads a document into one buffer: `open`, `fstat`, one `read` (more only if the file
    /// grew), `close`.
    public func readBytes(_ location: String) throws -> [UInt8] {
        guard location.hasPrefix("fs:") else { throw HeraldError.invalid("fileLocation", "not a filesystem location: \(location)") }
        let relative = location.dropFirst(3)
        guard !relative.split(separator: "/").contains("..") else {
            throw HeraldError.invalid("fileLocation", "location escapes the document root: \(location)")
        }
        let path = rootPath + "/" + relative
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw HeraldError(code == ENOENT ? .notFound : .internalError, "cannot read document \(location): errno \(code)")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw HeraldError(.internalError, "cannot read document \(location): errno \(errno)") }
        // Documents do not change once written: read exactly the size fstat gave.
        let size = max(Int(info.st_size), 0)
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var count = 0
            while count < size {
                let n = systemRead(fd, buffer.baseAddress! + count, size - count)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                count += n
            }
            initialized = count
        }
        guard failure == 0 else { throw HeraldError(.internalError, "cannot read document \(location): errno \(failure)") }
        return bytes
    }
}

/// The folders a ``FileDocumentStore`` has made or found, shared by its copies.
final class FolderCache: Sendable {
    private let known = Mutex<Set<String>>([])

    func contains(_ folder: String) -> Bool { known.withLock { $0.contains(folder) } }
    func insert(_ folder: String) { known.withLock { _ = $0.insert(folder) } }
    func remove(_ folder: String) { known.withLock { _ = $0.remove(folder) } }
}
