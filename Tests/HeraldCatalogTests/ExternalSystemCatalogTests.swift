import Foundation
import HeraldCatalog
import HeraldCore
import Testing

/// code.json `"external": {"system": "PORTAL"}`: the system an external comm is sent to.
@Suite struct ExternalSystemCatalogTests {
    func externalCode(_ external: String, methods: String = #"["external"]"#) -> [String: String] {
        [
            "PORT/code.json": """
                {
                  "code": "PORT",
                  "description": "porting notice",
                  "methods": \(methods),
                  "external": \(external)
                }
                """,
            "PORT/external.en.mustache": "NOTICE=PORTING_OUT",
            "PORT/sms.en.mustache": "Porting",
        ]
    }

    func check(_ files: [String: String]) throws -> [CatalogIssue] {
        let dir = try TemporaryCatalog(files: files)
        defer { dir.remove() }
        return CatalogLoader.check(dir.url)
    }

    @Test func readsTheSystem() throws {
        let dir = try TemporaryCatalog(files: externalCode(#"{"system": "PORTAL"}"#))
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.code("PORT")?.externalSystem == "PORTAL")
        // Codes without it name none.
        let plain = try TemporaryCatalog(files: smsCode())
        defer { plain.remove() }
        #expect(try CatalogLoader.load(from: plain.url).code("ALERT")?.externalSystem == nil)
    }

    @Test func namesAnUnknownFieldAndBadValues() throws {
        var found = try check(externalCode(#"{"system": "PORTAL", "url": "https://x"}"#))
        #expect(found.errors.count == 1)
        #expect(found.errors.first?.line == 5)
        #expect(found.errors.first?.message.contains(#"unknown key "url" in external (known: system)"#) == true, "\(found)")

        found = try check(externalCode(#"{"sytem": "PORTAL"}"#))
        #expect(found.errors.contains { $0.message.contains(#"unknown key "sytem" in external"#) }, "\(found)")
        #expect(found.errors.contains { $0.message.contains(#"missing key "external.system""#) }, "\(found)")

        found = try check(externalCode(#"{"system": "the portal"}"#))
        #expect(found.errors.contains { $0.message.contains(#"external.system "the portal" must be a name"#) }, "\(found)")

        found = try check(externalCode(#"{"system": 7}"#))
        #expect(found.errors.contains { $0.message.contains("external.system must be a string, found a number") }, "\(found)")

        found = try check(externalCode(#""PORTAL""#))
        #expect(found.errors.contains { $0.message.contains("external must be an object, found a string") }, "\(found)")
    }

    @Test func warnsWhenExternalIsNotAllowed() throws {
        let found = try check(externalCode(#"{"system": "PORTAL"}"#, methods: #"["sms"]"#))
        #expect(found.errors.isEmpty, "\(found)")
        #expect(found.warnings.contains { $0.message.contains("external settings given but external is not an allowed method") },
                "\(found)")
    }
}
