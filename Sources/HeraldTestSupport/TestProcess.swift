import Foundation

/// Runs the independent tools tests check our output with (python3 with fontTools, Pillow,
/// `email`, dkimpy; qpdf; poppler's pdftotext/pdftoppm/pdffonts/pdfinfo) **without blocking a
/// cooperative thread**: input and output go through temporary files and the exit is awaited
/// through the termination handler. On 2 cores a test that blocked a pool thread in
/// `waitUntilExit` stalled every other test of the process (and failed the timing ones).
public enum TestProcess {
    /// What a finished process left behind.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
        /// stdout as UTF-8 text.
        public var output: String { String(decoding: stdout, as: UTF8.self) }
        /// stderr as UTF-8 text.
        public var errors: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// A tool the test needs is not installed; the message says what installs it.
    public struct Missing: Error, CustomStringConvertible {
        public var tool: String
        public var description: String {
            "\(tool) is not installed; scripts/test.sh installs it (qpdf, poppler-utils, python3 with fonttools/pillow/dkimpy)"
        }
    }

    /// The path of `tool` on PATH (plus /usr/bin and /usr/local/bin), or nil.
    public static func which(_ tool: String) -> String? {
        if tool.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: tool) ? tool : nil }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `tool` (a name looked up on PATH, or a path) with `arguments`, feeding `input` on
    /// stdin. Throws `Missing` when the tool is not installed; a non-zero exit is returned,
    /// not thrown.
    public static func run(_ tool: String, _ arguments: [String], input: [UInt8] = []) async throws -> Result {
        guard let executable = which(tool) else { throw Missing(tool: tool) }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("test-process-\(UUID().uuidString)")
        let inURL = base.appendingPathExtension("in"), outURL = base.appendingPathExtension("out")
        let errURL = base.appendingPathExtension("err")
        defer {
            for url in [inURL, outURL, errURL] { try? FileManager.default.removeItem(at: url) }
        }
        FileManager.default.createFile(atPath: inURL.path, contents: Data(input))
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let stdin = try FileHandle(forReadingFrom: inURL)
        let stdout = try FileHandle(forWritingTo: outURL), stderr = try FileHandle(forWritingTo: errURL)
        defer {
            try? stdin.close()
            try? stdout.close()
            try? stderr.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Result(status: status, stdout: (try? Data(contentsOf: outURL)) ?? Data(),
                      stderr: (try? Data(contentsOf: errURL)) ?? Data())
    }

    /// `python3 -c script arguments…` with `input` on stdin.
    public static func python(_ script: String, _ arguments: [String] = [], input: [UInt8] = []) async throws -> Result {
        try await run("python3", ["-c", script] + arguments, input: input)
    }
}
