import Foundation
import HeraldCore
import SFTP

extension PrintReturnFileContents {
    /// Parses a return file (CSV or JSON lines by its name, else by its first byte).
    public init(name: String, bytes: [UInt8]) {
        let parsed = PrintReturnFile(parsing: bytes, format: PrintReturnFile.Format(fileName: name))
        let returns = parsed.lines.compactMap { line -> PrintReturn? in
            guard let status = PrintReturn.Status(rawValue: line.status.rawValue) else { return nil }
            return PrintReturn(pieceId: line.pieceId, status: status, at: line.at, reason: line.reason, source: "\(name):\(line.number)")
        }
        // Named by file and line, as the unknown pieces the poller adds are (`<file>:<line>: why`).
        self.init(name: name, returns: returns, problems: parsed.bad.map { "\(name):\($0.number): \($0.problem)" })
    }

    /// Whether a file name is a return file (`.csv`, `.jsonl`, `.ndjson`; not hidden, not `.tmp`).
    public static func isReturnFile(_ name: String) -> Bool {
        !name.hasPrefix(".") && PrintReturnFile.Format(fileName: name) != nil
    }
}

/// Return files in a local folder; done ones move to `processed/` beside them.
public struct FolderPrintReturns: PrintReturnSource {
    public let folder: URL
    public var description: String { folder.path }

    public init(folder: URL) { self.folder = folder }

    public func pending() async throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter(PrintReturnFileContents.isReturnFile)
        // Oldest first (by modification time, then name).
        let dated = names.map { name -> (String, Date) in
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            return (name, attributes?[.modificationDate] as? Date ?? .distantPast)
        }
        return dated.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0)
    }

    public func read(_ name: String) async throws -> PrintReturnFileContents {
        PrintReturnFileContents(name: name, bytes: [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
    }

    public func finish(_ name: String, problems: [String]) async throws {
        let done = folder.appendingPathComponent("processed")
        try FileManager.default.createDirectory(at: done, withIntermediateDirectories: true)
        if !problems.isEmpty {
            try Data((problems.joined(separator: "\n") + "\n").utf8).write(to: done.appendingPathComponent(name + ".errors"), options: .atomic)
        }
        let target = done.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
        try FileManager.default.moveItem(at: folder.appendingPathComponent(name), to: target)
    }
}

/// Return files in a folder on the bureau's SFTP server; done ones move to `processed/` there.
public struct SFTPPrintReturns: PrintReturnSource {
    public let client: SFTPClient
    public let folder: String
    public var description: String {
        let c = client.configuration
        return "sftp://\(c.user)@\(c.host):\(c.port)/\(folder)"
    }

    public init(client: SFTPClient, folder: String) {
        self.client = client
        var f = folder
        while f.count > 1 && f.hasSuffix("/") { f.removeLast() }
        self.folder = f
    }

    func path(_ name: String) -> String { "\(folder)/\(name)" }

    public func pending() async throws -> [String] {
        do {
            try await client.makeDirectories(folder)
            let entries = try await client.list(folder).filter { PrintReturnFileContents.isReturnFile($0.filename) && $0.attributes.isDirectory != true }
            return entries.sorted { ($0.attributes.modificationTime ?? 0, $0.filename) < ($1.attributes.modificationTime ?? 0, $1.filename) }.map(\.filename)
        } catch {
            throw SFTPArchive.failure(error, doing: "list \(folder)")
        }
    }

    public func read(_ name: String) async throws -> PrintReturnFileContents {
        do {
            return PrintReturnFileContents(name: name, bytes: try await client.readFile(path(name)))
        } catch {
            throw SFTPArchive.failure(error, doing: "read \(path(name))")
        }
    }

    public func finish(_ name: String, problems: [String]) async throws {
        do {
            let done = "\(folder)/processed"
            try await client.makeDirectories(done)
            if !problems.isEmpty {
                try await client.putFile(Array((problems.joined(separator: "\n") + "\n").utf8), to: "\(done)/\(name).errors")
            }
            try await client.rename(path(name), to: "\(done)/\(name)", replacing: true)
        } catch {
            throw SFTPArchive.failure(error, doing: "move \(path(name)) to processed/")
        }
    }
}
