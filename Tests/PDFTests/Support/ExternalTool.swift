import Foundation
import HeraldTestSupport
import Testing

/// Runs command-line PDF tools (qpdf, poppler-utils) for the tests. A missing tool is a test
/// failure with a clear message, never a silent skip.
enum ExternalTool {
    struct Output {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    struct Missing: Error, CustomStringConvertible {
        var tool: String
        var description: String { "External tool '\(tool)' not found in PATH; install it (apt-get install -y qpdf poppler-utils)" }
    }

    static func locate(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `tool` with `arguments`; throws (failing the test) if it is not installed.
    static func run(_ tool: String, _ arguments: [String]) async throws -> Output {
        guard let executable = locate(tool) else {
            Issue.record("External tool '\(tool)' is required by this test but is not installed (apt-get install -y qpdf poppler-utils)")
            throw Missing(tool: tool)
        }
        let result = try await TestProcess.run(executable, arguments)
        return Output(status: result.status, stdout: [UInt8](result.stdout), stderr: String(decoding: result.stderr, as: UTF8.self))
    }
}

/// A temporary directory holding a test's PDF files, removed when the value is deinitialised.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes bytes to `name` and returns the path.
    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

