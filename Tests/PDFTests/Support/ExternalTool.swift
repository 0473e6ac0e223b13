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
    static func run(_ tool: String, _ arguments: [String]) throws -> Output {
        guard let executable = locate(tool) else {
            Issue.record("External tool '\(tool)' is required by this test but is not installed (apt-get install -y qpdf poppler-utils)")
            throw Missing(tool: tool)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()
        // Read both pipes before waiting so a chatty tool cannot block on a full pipe.
        let errReader = ErrorCollector(handle: errPipe.fileHandleForReading)
        let stdout = outPipe.fileHandleForReading.readDataToEndOfFile()
        let stderr = errReader.finish()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: [UInt8](stdout), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Collects a pipe on a background thread.
    private final class ErrorCollector: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)
        init(handle: FileHandle) {
            DispatchQueue.global().async {
                self.data = handle.readDataToEndOfFile()
                self.done.signal()
            }
        }
        func finish() -> Data {
            done.wait()
            return data
        }
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
