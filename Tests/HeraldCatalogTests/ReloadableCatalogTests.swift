import Foundation
import HeraldCatalog
import HeraldCore
import Testing

@Suite("Reloading")
struct ReloadableCatalogTests {
    @Test func keepsTheOldCatalogOnABadChangeAndSwapsOnAGoodOne() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try ReloadableCatalog(directory: dir.url)
        let fields = ["PERCENT": "80", "PLAN": "Go"]
        func push() throws -> String {
            try catalog.render(code: "DATA_80", method: .push, part: .body, language: "en", fields: fields)
        }
        #expect(try push() == "80% of your Go data used. Tap to add more.")

        // A bad edit: the reload throws, the old templates stay in use.
        try dir.write("DATA_80/push.en.mustache", "{{#PERCENT}}broken")
        let error = #expect(throws: CatalogLoadError.self) { try catalog.reload() }
        #expect(error?.errors.first?.file == "DATA_80/push.en.mustache")
        #expect(try push() == "80% of your Go data used. Tap to add more.")

        // A good edit: swapped in.
        try dir.write("DATA_80/push.en.mustache", "{{PERCENT}}% used on {{PLAN}}")
        let warnings = try catalog.reload()
        #expect(warnings.isEmpty)
        #expect(try push() == "80% used on Go")

        // A new code appears; a snapshot taken before a reload does not change.
        let before = catalog.catalog
        try dir.write("ALERT/code.json", #"{"code": "ALERT", "description": "a", "methods": ["sms"]}"#)
        try dir.write("ALERT/sms.en.mustache", "Alert")
        try catalog.reload()
        #expect(catalog.code("ALERT") != nil)
        #expect(catalog.codes.count == before.codes.count + 1)
        #expect(before.code("ALERT") == nil)
        #expect(catalog.hasTemplate(code: "ALERT", method: .sms, part: .body, language: "en"))
    }

    @Test func refusesToStartFromABadFolder() throws {
        let dir = try TemporaryCatalog(files: smsCode(body: "{{NOPE}}"))
        defer { dir.remove() }
        #expect(throws: CatalogLoadError.self) { try ReloadableCatalog(directory: dir.url) }
    }

    @Test func worksThroughTheCorePort() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let port: any TemplateCatalog = try ReloadableCatalog(directory: dir.url)
        #expect(port.codes(linkedToEventType: "DEBT", eventCode: "DBAR").map(\.code) == ["PAYMENT_REMINDER"])
    }
}
