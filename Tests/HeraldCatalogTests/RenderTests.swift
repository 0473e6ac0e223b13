import Foundation
import HeraldCatalog
import HeraldCore
import Testing

@Suite("Rendering")
struct RenderTests {
    static let hostile = "Tom & Jerry <b>\"Q\"</b>"

    @Test func htmlPartsEscapeAndPlainPartsDoNot() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        let fields = ["FIRSTNAME": Self.hostile, "DEARSIRMADAM": "Dear \(Self.hostile)", "CUSTOMERID": "C1"]

        let html = try catalog.render(code: "WELCOME", method: .email, part: .html, language: "en", fields: fields)
        #expect(html.contains("Dear Tom &amp; Jerry &lt;b&gt;&quot;Q&quot;&lt;/b&gt;,"))
        #expect(!html.contains(Self.hostile))

        let sms = try catalog.render(code: "WELCOME", method: .sms, part: .body, language: "en", fields: fields)
        #expect(sms.contains("Welcome to Herald Telecom, \(Self.hostile)!"))
        #expect(!sms.contains("&amp;"))

        let subject = try catalog.render(code: "WELCOME", method: .email, part: .subject, language: "en", fields: fields)
        #expect(subject == "Welcome to Herald Telecom, \(Self.hostile)")

        let text = try catalog.render(code: "WELCOME", method: .email, part: .text, language: "en", fields: fields)
        #expect(text.hasPrefix("Dear \(Self.hostile),\n"))
    }

    @Test func tripleMustacheDoesNotEscapeInHTML() throws {
        let dir = try TemporaryCatalog(files: [
            "NOTE/code.json": """
                {"code": "NOTE", "description": "d", "methods": ["letter"], "optionalFields": ["X"]}
                """,
            "NOTE/letter.en.html.mustache": "<p>{{X}}|{{{X}}}|{{&X}}</p>",
        ])
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        let out = try catalog.render(code: "NOTE", method: .letter, part: .html, language: "en", fields: ["X": "<i>"])
        #expect(out == "<p>&lt;i&gt;|<i>|<i></p>")
    }

    @Test func missingFieldsRenderEmptyAndSectionsFollowPresence() throws {
        let dir = try TemporaryCatalog(files: smsCode(
            body: "A{{OFFER}}B{{#OFFER}}[code {{OFFER}} {{.}}]{{/OFFER}}{{^OFFER}}(none){{/OFFER}}\n", optional: ["OFFER"]
        ))
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        func render(_ fields: [String: String]) throws -> String {
            try catalog.render(code: "ALERT", method: .sms, part: .body, language: "en", fields: fields)
        }
        #expect(try render([:]) == "AB(none)")
        #expect(try render(["OFFER": ""]) == "AB(none)")
        #expect(try render(["OFFER": "X&Y"]) == "AX&YB[code X&Y X&Y]")
    }

    @Test(arguments: [
        ("fr", "Bienvenue"), ("fr-FR", "Bienvenue"), ("FR_ca", "Bienvenue"),
        ("en", "Welcome"), ("en-GB", "Welcome"), ("de", "Welcome"), ("", "Welcome"), ("not a language", "Welcome"),
    ])
    func languageFallsBackToBaseThenDefault(language: String, expected: String) throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        let fields = ["FIRSTNAME": "Zoë"]
        let sms = try catalog.render(code: "WELCOME", method: .sms, part: .body, language: language, fields: fields)
        #expect(sms.hasPrefix(expected))
        let subject = try catalog.render(code: "WELCOME", method: .email, part: .subject, language: language, fields: fields)
        #expect(subject.hasPrefix(expected))
        #expect(subject.hasSuffix(", Zoë"))
    }

    @Test func subjectFallsBackToEmailSubjectWithoutPerLanguageSubject() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        try dir.write("PAYMENT_REMINDER/email.fr.html.mustache", "<p>{{DEARSIRMADAM}}</p>")
        let catalog = try CatalogLoader.load(from: dir.url)
        let subject = try catalog.render(
            code: "PAYMENT_REMINDER", method: .email, part: .subject, language: "fr",
            fields: ["ACCOUNTAMOUNTDUE": "12,00 €", "ACCOUNTNUMBER": "A1"]
        )
        #expect(subject == "Payment reminder: 12,00 € overdue on account A1")
        let html = try catalog.render(
            code: "PAYMENT_REMINDER", method: .email, part: .html, language: "fr", fields: ["DEARSIRMADAM": "Madame"]
        )
        #expect(html == "<p>Madame</p>")
    }

    @Test func hasTemplateDoesNotFallBack() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.hasTemplate(code: "WELCOME", method: .sms, part: .body, language: "fr"))
        #expect(catalog.hasTemplate(code: "WELCOME", method: .sms, part: .body, language: "FR"))
        #expect(!catalog.hasTemplate(code: "WELCOME", method: .sms, part: .body, language: "fr-CA"))
        #expect(!catalog.hasTemplate(code: "WELCOME", method: .sms, part: .body, language: "de"))
        #expect(catalog.hasTemplate(code: "WELCOME", method: .email, part: .subject, language: "en"))
        #expect(catalog.hasTemplate(code: "WELCOME", method: .email, part: .subject, language: "fr"))
        #expect(catalog.hasTemplate(code: "WELCOME", method: .email, part: .text, language: "fr"))
        #expect(!catalog.hasTemplate(code: "BILL_READY", method: .email, part: .text, language: "en"))
        #expect(!catalog.hasTemplate(code: "WELCOME", method: .letter, part: .html, language: "en"))
        #expect(!catalog.hasTemplate(code: "NOPE", method: .sms, part: .body, language: "en"))
    }

    @Test func missingTemplateThrowsNotFoundNamingIt() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)

        let noText = #expect(throws: HeraldError.self) {
            try catalog.render(code: "BILL_READY", method: .email, part: .text, language: "en", fields: [:])
        }
        #expect(noText?.kind == .notFound)
        #expect(noText?.message.contains("BILL_READY/email.en.txt.mustache") == true)

        let noCode = #expect(throws: HeraldError.self) {
            try catalog.render(code: "NOPE", method: .sms, part: .body, language: "en", fields: [:])
        }
        #expect(noCode?.kind == .notFound)
        #expect(noCode?.message.contains("NOPE") == true)

        let noMethod = #expect(throws: HeraldError.self) {
            try catalog.render(code: "WELCOME", method: .letter, part: .html, language: "en", fields: [:])
        }
        #expect(noMethod?.kind == .notFound)
        #expect(noMethod?.message.contains("WELCOME") == true)
    }

    @Test func rendersConcurrently() async throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try catalog.render(
                        code: "DATA_80", method: .push, part: .body, language: "en", fields: ["PERCENT": "\(i)", "PLAN": "Go"]
                    )
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(results.count == 200)
        #expect(results.contains("7% of your Go data used. Tap to add more."))
    }
}
