import Foundation
import HeraldCatalog
import HeraldCore
import Testing

/// code.json `push`: the title template (per language) and the payload settings taken as written.
@Suite("Push settings (catalog)")
struct PushCatalogTests {
    static func files(_ push: String) -> [String: String] {
        [
            "ALERT/code.json": """
                {
                  "code": "ALERT",
                  "description": "test code",
                  "methods": ["push", "sms"],
                  "optionalFields": ["PERCENT"],
                  "push": \(push)
                }
                """,
            "ALERT/push.en.mustache": "{{PERCENT}}% used",
            "ALERT/sms.en.mustache": "{{PERCENT}}% used",
        ]
    }

    @Test func theSettingsAndTitlesAreRead() throws {
        let dir = try TemporaryCatalog(files: Self.files("""
            {"title": "Usage {{PERCENT}}%", "titles": {"fr": "Consommation {{PERCENT}} %"}, "badge": 3, "sound": "default",
             "data": {"screen": "usage"}, "collapseId": "usage", "ttlSeconds": 3600, "priority": 5, "pushType": "alert"}
            """))
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        let push = try #require(catalog.code("ALERT")?.push)
        #expect(push == CommsCode.PushSettings(badge: 3, sound: "default", data: ["screen": "usage"], collapseId: "usage",
                                               ttlSeconds: 3600, priority: 5, pushType: "alert"))
        #expect(try catalog.render(code: "ALERT", method: .push, part: .title, language: "en", fields: ["PERCENT": "80"]) == "Usage 80%")
        #expect(try catalog.render(code: "ALERT", method: .push, part: .title, language: "fr", fields: ["PERCENT": "80"]) == "Consommation 80 %")
    }

    @Test(arguments: [
        (#"{"badge": -1}"#, "push.badge must be a whole number 0 or more"),
        (#"{"priority": 7}"#, "push.priority must be 10 (now) or 5"),
        (#"{"pushType": "voip"}"#, "push.pushType must be alert or background"),
        (#"{"ttlSeconds": 0}"#, "push.ttlSeconds must be a whole number of seconds above 0"),
        (#"{"data": {"n": 1}}"#, "push.data.n must be a string"),
        (#"{"data": {"aps": "x"}}"#, #"push.data must not name "aps""#),
        (#"{"sound": 1}"#, "push.sound must be a string"),
        (#"{"colour": "red"}"#, "colour"),
        (#"{"title": "Hi {{NOSUCHFIELD}}"}"#, "NOSUCHFIELD"),
    ])
    func badSettingsAreRefusedWithTheirLine(push: String, message: String) throws {
        let dir = try TemporaryCatalog(files: Self.files(push))
        defer { dir.remove() }
        let errors = CatalogLoader.check(dir.url).errors
        #expect(errors.contains { $0.message.contains(message) && $0.file == "ALERT/code.json" && $0.line != nil }, "\(errors)")
        #expect(throws: CatalogLoadError.self) { try CatalogLoader.load(from: dir.url) }
    }

    @Test func theSampleCatalogsDataAlertHasATitle() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.code("DATA_80")?.push?.collapseId == "data-usage")
        #expect(try catalog.render(code: "DATA_80", method: .push, part: .title, language: "en", fields: ["MSISDN": "+447700900123"])
                == "Data on +447700900123")
    }
}
