import Foundation

/// Runs Python scripts using fontTools as an independent reference implementation.
///
/// Tests fail (never skip) when `python3` or the `fontTools` package is missing.
enum FontTools {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `script` with `python3 -c`, passing `arguments`, and decodes its stdout as JSON into `T`.
    static func run<T: Decodable>(_ script: String, arguments: [String], as type: T.Type) async throws -> T {
        let result: NonBlockingProcess.Result
        do {
            result = try await NonBlockingProcess.run("/usr/bin/env", ["python3", "-c", "import fontTools\n" + script] + arguments)
        } catch {
            throw Failure(description: "python3 is required for this test (with fontTools: pip install fonttools): \(error)")
        }
        let stdout = result.stdout, stderr = result.stderr
        guard result.status == 0 else {
            let message = String(decoding: stderr, as: UTF8.self)
            if message.contains("No module named") || result.status == 127 {
                throw Failure(description: "python3 with fontTools is required for this test (pip install fonttools): \(message)")
            }
            throw Failure(description: "fontTools script failed (status \(result.status)): \(message)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: stdout)
        } catch {
            throw Failure(description: "cannot decode fontTools output: \(error)\n\(String(decoding: stdout.prefix(500), as: UTF8.self))")
        }
    }
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
