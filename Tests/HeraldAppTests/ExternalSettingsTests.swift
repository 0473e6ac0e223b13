import Foundation
import HeraldAppTestSupport
import HeraldCatalog
import HeraldCore
import HeraldTransports
import Logging
import StandardWebhooks
import Testing
@testable import HeraldApp

/// The external settings: the systems map from the config file, `external.allowPrivateTargets`
/// and `external.extract.*` from the environment or the file, and the transmitters they make.
@Suite struct ExternalSettingsTests {
    static func read(config: String?, environment: [String: String] = [:]) async throws -> ExternalRouteSettings {
        let dir = temporaryDirectory("external-settings")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var file: String?
        if let config {
            file = dir.appendingPathComponent("herald.json").path
            try Data(config.utf8).write(to: URL(fileURLWithPath: file!))
        }
        let reader = try await HeraldSettings.reader(dataDir: dir.path, configFile: file, environment: environment)
        let url = ExternalRouteSettings.configFileURL(dataDir: dir.path, configFile: file, environment: environment)
        return try ExternalRouteSettings(reading: reader, configFile: url, environment: environment)
    }

    @Test func readsTheSystemsAndTheFlagFromTheConfigFile() async throws {
        let settings = try await Self.read(config: """
            {"external": {"allowPrivateTargets": true,
                          "systems": {"PORTAL": {"url": "http://127.0.0.1:9/hook", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                                 "timeoutSeconds": 3, "concurrency": 2}},
                          "extract": {"format": "csv", "folder": "/tmp/x"}}}
            """)
        #expect(settings.allowPrivateTargets)
        #expect(settings.systems["PORTAL"]?.concurrency == 2)
        #expect(settings.systems["PORTAL"]?.timeout == .seconds(3))
        #expect(settings.extractFormat == .csv)
        #expect(settings.extractDrop == .folder)
        #expect(settings.extractFolder == "/tmp/x")
    }

    @Test func theEnvironmentOverridesTheFileAndDefaultsHold() async throws {
        let defaults = try await Self.read(config: nil)
        #expect(!defaults.allowPrivateTargets && defaults.systems.systems.isEmpty)
        #expect(defaults.extractFormat == .ndjson && defaults.extractDrop == .folder && defaults.extractFolder == nil)
        let settings = try await Self.read(config: #"{"external": {"allowPrivateTargets": true}}"#, environment: [
            "HERALD_EXTERNAL_ALLOW_PRIVATE_TARGETS": "false", "HERALD_EXTERNAL_EXTRACT_FORMAT": "CSV",
        ])
        #expect(!settings.allowPrivateTargets)
        #expect(settings.extractFormat == .csv)
    }

    @Test func eachVariableIsTheOneTheEnvironmentProviderReads() async throws {
        #expect(ExternalRouteSettings.Keys.allowPrivateTargets.environmentVariable == "HERALD_EXTERNAL_ALLOW_PRIVATE_TARGETS")
        for setting in ExternalRouteSettings.Keys.all {
            let reader = try await HeraldSettings.reader(
                dataDir: temporaryDirectory("external-env").path, configFile: nil, environment: [setting.environmentVariable: "probe"])
            #expect(reader.text(setting) == "probe", "\(setting.key)")
        }
    }

    @Test func badValuesNameTheSetting() async throws {
        for (env, setting) in [
            (["HERALD_EXTERNAL_EXTRACT_FORMAT": "xml"], "external.extract.format"),
            (["HERALD_EXTERNAL_EXTRACT_DROP": "ftp"], "external.extract.drop"),
            (["HERALD_EXTERNAL_EXTRACT_DROP": "s3"], "external.extract.s3.bucket"),
            (["HERALD_EXTERNAL_EXTRACT_DROP": "sftp"], "external.extract.sftp.host"),
            (["HERALD_EXTERNAL_ALLOW_PRIVATE_TARGETS": "maybe"], "external.allowPrivateTargets"),
        ] {
            let error = await #expect(throws: (any Error).self) { _ = try await Self.read(config: nil, environment: env) }
            #expect("\(error.map { "\($0)" } ?? "")".contains(setting), "\(String(describing: error))")
        }
        let error = await #expect(throws: (any Error).self) {
            _ = try await Self.read(config: #"{"external": {"systems": {"PORTAL": {"url": "https://x"}}}}"#)
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("external.systems.PORTAL.secret"))
    }

    @Test func makesTheTransmitters() async throws {
        let data = temporaryDirectory("external-make")
        try SampleCatalog.write(to: data.appendingPathComponent("catalog"))
        let catalog = try CatalogLoader.load(from: data.appendingPathComponent("catalog"))
        let none = try await Self.read(config: nil)
        #expect(throws: HeraldError.self) { _ = try none.makeTransmitter(.webhook, dataDirectory: data, catalog: catalog, logger: .init(label: "t")) }
        let extract = try none.makeTransmitter(.extract, dataDirectory: data, catalog: catalog, logger: .init(label: "t"))
        #expect(extract is ExtractTransmitter)
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("external-extract").path))
        let some = try await Self.read(config: """
            {"external": {"systems": {"PORTAL": {"url": "https://portal.example.net/hook", "secret": "\(WebhookSecret.generate().serialized)"}}}}
            """)
        #expect(try some.makeTransmitter(.webhook, dataDirectory: data, catalog: catalog, logger: .init(label: "t")) is WebhookTransmitter)
    }
}
