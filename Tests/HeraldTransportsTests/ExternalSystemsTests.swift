import Foundation
import HeraldCore
import StandardWebhooks
import Testing
@testable import HeraldTransports

/// The config file's `external.systems`.
@Suite struct ExternalSystemsTests {
    let base = URL(fileURLWithPath: NSTemporaryDirectory())

    func read(_ json: String) throws -> ExternalSystems {
        try ExternalSystems.read(configJSON: Data(json.utf8), baseDirectory: base)
    }

    func error(_ json: String) -> HeraldError? {
        #expect(throws: HeraldError.self) { try read(json) }
        do { _ = try read(json) } catch let e as HeraldError { return e } catch {}
        return nil
    }

    @Test func readsSystemsWithDefaultsAndSecretFiles() throws {
        let secret = WebhookSecret.generate()
        let file = base.appendingPathComponent("hook-secret-\(UUID().uuidString)")
        try (secret.serialized + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let systems = try read("""
            {"http": {"port": 8080},
             "external": {"allowPrivateTargets": true, "systems": {
               "PORTAL": {"url": "https://portal.example.net/hooks", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                          "timeoutSeconds": 2.5, "concurrency": 3},
               "CRM": {"url": "http://crm.example.net/in", "secretFile": "\(file.lastPathComponent)"}}}}
            """)
        #expect(systems.systems.count == 2)
        let portal = try #require(systems["PORTAL"])
        #expect(portal.url == "https://portal.example.net/hooks")
        #expect(portal.secret == (try WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))
        #expect(portal.timeout == .milliseconds(2500))
        #expect(portal.concurrency == 3)
        let crm = try #require(systems["CRM"])
        #expect(crm.secret == secret)
        #expect(crm.timeout == .seconds(10))
        #expect(crm.concurrency == 8)
        #expect(try read(#"{"http": {"port": 1}}"#).systems.isEmpty)
        #expect(try read(#"{"external": {"allowPrivateTargets": true}}"#).systems.isEmpty)
    }

    @Test func badEntriesNameTheirKey() {
        let s = #""secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw""#
        #expect(error(#"{"external": {"systems": {"P": {"secret": "whsec_AAAA"}}}}"#)?.field == "external.systems.P.url")
        #expect(error(#"{"external": {"systems": {"P": {"url": "ftp://x/y", \#(s)}}}}"#)?.field == "external.systems.P.url")
        #expect(error(#"{"external": {"systems": {"P": {"url": "https://x/y"}}}}"#)?.field == "external.systems.P.secret")
        #expect(error(#"{"external": {"systems": {"P": {"url": "https://x/y", "secret": "whsec_***"}}}}"#)?.field == "external.systems.P.secret")
        #expect(error(#"{"external": {"systems": {"P": {"url": "https://x/y", "secretFile": "/nonexistent/s"}}}}"#)?.field
            == "external.systems.P.secretFile")
        #expect(error(#"{"external": {"systems": {"P": {"url": "https://x/y", \#(s), "timeoutSeconds": 0}}}}"#)?.field
            == "external.systems.P.timeoutSeconds")
        #expect(error(#"{"external": {"systems": {"P": {"url": "https://x/y", \#(s), "concurrency": 1.5}}}}"#)?.field
            == "external.systems.P.concurrency")
        #expect(error(#"{"external": {"systems": {"P": {"url": "https://x/y", \#(s), "timeout": 3}}}}"#)?.field
            == "external.systems.P.timeout")
        #expect(error(#"{"external": {"systems": {"the portal": {"url": "https://x/y", \#(s)}}}}"#)?.field
            == "external.systems.the portal")
        #expect(error(#"{"external": {"systems": ["P"]}}"#)?.field == "external.systems")
    }
}
