import Foundation
import Testing

/// Runs the independent PDF tools (qpdf, poppler's pdftotext/pdftoppm/pdffonts/pdfinfo)
/// without blocking a cooperative thread: output goes to a file, the exit is awaited through
/// the termination handler. A missing tool fails the test, naming what to install.
enum ExternalTool {
    struct Result {
        var status: Int32
        var output: String
        var bytes: Data
    }

    static func run(_ tool: String, _ arguments: [String]) async throws -> Result {
        let searchPath = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/local/bin"
        let path = searchPath.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            Issue.record("\(tool) is not installed (scripts/test.sh installs qpdf, poppler-utils and Pillow)")
            throw ToolMissing(tool: tool)
        }
        let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let handle = try FileHandle(forWritingTo: outputURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try handle.close()
        let bytes = (try? Data(contentsOf: outputURL)) ?? Data()
        return Result(status: status, output: String(decoding: bytes, as: UTF8.self), bytes: bytes)
    }

    struct ToolMissing: Error {
        var tool: String
    }
}

/// A scratch folder removed by the caller.
func scratchFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("letterpress-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
