import Foundation

/// Runs Python scripts using fontTools as an independent reference implementation.
///
/// Tests fail (never skip) when `python3` or the `fontTools` package is missing.
enum FontTools {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `script` with `python3 -c`, passing `arguments`, and decodes its stdout as JSON into `T`.
    static func run<T: Decodable>(_ script: String, arguments: [String], as type: T.Type) throws -> T {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import fontTools\n" + script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(description: "python3 is required for this test (with fontTools: pip install fonttools): \(error)")
        }
        // Read before waiting so a large output cannot fill the pipe and block the script.
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: stderr, as: UTF8.self)
            if message.contains("No module named") || process.terminationStatus == 127 {
                throw Failure(description: "python3 with fontTools is required for this test (pip install fonttools): \(message)")
            }
            throw Failure(description: "fontTools script failed (status \(process.terminationStatus)): \(message)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: stdout)
        } catch {
            throw Failure(description: "cannot decode fontTools output: \(error)\n\(String(decoding: stdout.prefix(500), as: UTF8.self))")
        }
    }
}
