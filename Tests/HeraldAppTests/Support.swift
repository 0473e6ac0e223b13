import Foundation
import HTTPTypes
import HeraldApp
import HeraldCatalog
import HeraldCore
import Hummingbird
import HummingbirdTesting
import Logging

/// A fresh temporary data folder, removed by the caller.
func temporaryDirectory(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(name)-\(UUID().uuidString)")
}

/// A runtime on a temporary folder with the sample catalog and an admin key.
func makeRuntime(_ name: String) async throws -> HeraldRuntime {
    var settings = HeraldSettings(dataDirectory: temporaryDirectory(name))
    settings.apiKeys = [.init(name: "ops", key: "admin-key", roles: ["admin"])]
    try SampleCatalog.write(to: settings.catalogDirectory)
    return try await HeraldRuntime(settings: settings, logger: Logger(label: "test"))
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, key: String? = "admin-key",
              headers extra: [HTTPField.Name: String] = [:]) async throws -> TestResponse {
        var headers = HTTPFields()
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = "application/json" }
        for (n, v) in extra { headers[n] = v }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:] }
    var text: String { String(buffer: body) }
}

/// The package root, from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
