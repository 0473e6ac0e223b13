import Foundation
import HeraldCatalog

/// A catalog folder in the temporary directory, removed by ``remove()``.
struct TemporaryCatalog {
    let url: URL

    /// An empty folder.
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A folder holding the sample catalog.
    static func sample() throws -> TemporaryCatalog {
        let catalog = try TemporaryCatalog()
        try SampleCatalog.write(to: catalog.url)
        return catalog
    }

    /// A folder holding exactly `files` (relative path → text).
    init(files: [String: String]) throws {
        try self.init()
        for (path, text) in files { try write(path, text) }
    }

    func write(_ path: String, _ text: String) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    func delete(_ path: String) throws {
        try FileManager.default.removeItem(at: url.appendingPathComponent(path))
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A minimal valid SMS code: `code.json` and `sms.en.mustache`.
func smsCode(
    _ code: String = "ALERT", body: String = "Hello {{FIRSTNAME}}", extra: String = "", optional: [String] = []
) -> [String: String] {
    let optionalList = optional.map { "\"\($0)\"" }.joined(separator: ", ")
    return [
        "\(code)/code.json": """
            {
              "code": "\(code)",
              "description": "test code",
              "methods": ["sms"],
              "optionalFields": [\(optionalList)]\(extra)
            }
            """,
        "\(code)/sms.en.mustache": body,
    ]
}

extension Array where Element == CatalogIssue {
    /// The errors among the issues.
    var errors: [CatalogIssue] { filter(\.isError) }
    var warnings: [CatalogIssue] { filter { !$0.isError } }
}
