import Foundation
import HeraldTestSupport
import HeraldApp
import HeraldCatalog
import Logging
import Testing

struct EmailTestFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A runtime on a temporary folder with the sample catalog, configured through the same
/// loader `herald serve` uses with `environment` (HERALD_* variables).
func makeEmailRuntime(_ name: String, environment: [String: String]) async throws -> HeraldRuntime {
    let dir = temporaryDirectory(name)
    try SampleCatalog.write(to: dir.appendingPathComponent("catalog"))
    var env = environment
    env["HERALD_ADMIN_API_KEY"] = "admin-key"
    let settings = try await HeraldSettings.load(dataDir: dir.path, environment: env)
    return try await HeraldRuntime(settings: settings, logger: Logger(label: "test"))
}

/// Runs `python3 -c script args…` with `input` on stdin and returns stdout (through
/// `TestProcess`: the test pool is not blocked while python runs).
func python(_ script: String, _ arguments: [String] = [], input: [UInt8] = []) async throws -> String {
    let result = try await TestProcess.python(script, arguments, input: input)
    guard result.status == 0 else {
        throw EmailTestFailure(message: "python3 failed (\(result.status)): \(result.errors)")
    }
    return result.output
}
