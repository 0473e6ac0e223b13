import Foundation
import HeraldAppTestSupport
import HTTPTypes
import HeraldApp
import HeraldCatalog
import HeraldCore
import Hummingbird
import HummingbirdTesting
import Logging

/// A runtime on a temporary folder with the sample catalog and an admin key.
func makeRuntime(_ name: String) async throws -> HeraldRuntime {
    var settings = HeraldSettings(dataDirectory: temporaryDirectory(name))
    settings.apiKeys = [.init(name: "ops", key: "admin-key", roles: ["admin"])]
    try SampleCatalog.write(to: settings.catalogDirectory)
    return try await HeraldRuntime(settings: settings, logger: Logger(label: "test"))
}

/// The package root, from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
