import Foundation
import HeraldTestSupport

/// Runs Python scripts using fontTools as an independent reference implementation.
///
/// Tests fail (never skip) when `python3` or the `fontTools` package is missing.
enum FontTools {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `script` with `python3 -c`, passing `arguments`, and decodes its stdout as JSON into `T`.
    static func run<T: Decodable>(_ script: String, arguments: [String], as type: T.Type) async throws -> T {
        let result: TestProcess.Result
        do {
            result = try await TestProcess.python("import fontTools\n" + script, arguments)
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

