import Foundation
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
        let result = try await NonBlockingProcess.run(executable, arguments)
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

/// Runs a command without blocking a cooperative thread: output goes to temporary files and
/// the exit is awaited through the termination handler (a blocked pool thread would stall
/// every other test in the process).
enum NonBlockingProcess {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    static func run(_ executable: String, _ arguments: [String]) async throws -> Result {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)")
        let outURL = base.appendingPathExtension("out"), errURL = base.appendingPathExtension("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? out.close()
        try? err.close()
        return Result(status: status, stdout: (try? Data(contentsOf: outURL)) ?? Data(),
                      stderr: (try? Data(contentsOf: errURL)) ?? Data())
    }
}
