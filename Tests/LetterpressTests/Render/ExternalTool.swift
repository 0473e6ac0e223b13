import Foundation
import HeraldTestSupport
import Testing

/// Runs the independent PDF tools (qpdf, poppler's pdftotext/pdftoppm/pdffonts/pdfinfo)
/// through `TestProcess` (no blocked cooperative thread). A missing tool fails the test,
/// naming what to install.
enum ExternalTool {
    struct Result {
        var status: Int32
        var output: String
        var bytes: Data
    }

    static func run(_ tool: String, _ arguments: [String]) async throws -> Result {
        do {
            let result = try await TestProcess.run(tool, arguments)
            return Result(status: result.status, output: result.output + result.errors, bytes: result.stdout)
        } catch let missing as TestProcess.Missing {
            Issue.record("\(missing)")
            throw ToolMissing(tool: tool)
        }
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
