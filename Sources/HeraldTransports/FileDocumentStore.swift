import Foundation
import HeraldCore

/// Documents on the local filesystem under `YYYY/MM/dd/HH/<name>` (UTC), the layout CMP's
/// storage daemon uses. Locations are `fs:<relative path>`, so a data folder can move.
/// Writes are atomic (temporary file, then rename): a crash never leaves half a document.
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
        try data.write(to: url, options: .atomic)
        return "fs:" + relative
    }

    public func read(_ location: String) async throws -> Data {
        guard location.hasPrefix("fs:") else { throw HeraldError.invalid("fileLocation", "not a filesystem location: \(location)") }
        let relative = String(location.dropFirst(3))
        guard !relative.split(separator: "/").contains("..") else {
            throw HeraldError.invalid("fileLocation", "location escapes the document root: \(location)")
        }
        return try Data(contentsOf: root.appendingPathComponent(relative))
    }
}
