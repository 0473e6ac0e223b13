import Foundation
import HeraldCore

/// Documents on the local filesystem under `YYYY/MM/dd/HH/<name>` (UTC), the layout CMP's
/// storage daemon uses. Locations are `fs:<relative path>`, so a data folder can move.
/// Writes are atomic (temporary file, then rename): a crash never leaves half a document.
/// They are made durable together by ``flush()`` (one `syncfs` of the file system per batch),
/// which the merge stage calls before it records the documents' locations.
public struct FileDocumentStore: DocumentStore {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public func write(_ data: Data, name: String, createdAt: Date) async throws -> String {
        guard !name.isEmpty, !name.contains("/"), name != "..", name != "." else {
            throw HeraldError.invalid("name", "document name '\(name)' is not a plain file name")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour], from: createdAt)
        let relative = String(format: "%04d/%02d/%02d/%02d/", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0) + name
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(name).tmp")
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw HeraldError(.internalError, "cannot move document \(name) into place: errno \(code)")
        }
        return "fs:" + relative
    }

    public func flush() async throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let fd = open(root.path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw HeraldError(.unavailable, "cannot open document root \(root.path): errno \(errno)") }
        defer { close(fd) }
        guard Self.syncFileSystem(fd) == 0 else { throw HeraldError(.unavailable, "cannot sync documents to disk: errno \(errno)") }
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
        guard location.hasPrefix("fs:") else { throw HeraldError.invalid("fileLocation", "not a filesystem location: \(location)") }
        let relative = String(location.dropFirst(3))
        guard !relative.split(separator: "/").contains("..") else {
            throw HeraldError.invalid("fileLocation", "location escapes the document root: \(location)")
        }
        return try Data(contentsOf: root.appendingPathComponent(relative))
    }
}
