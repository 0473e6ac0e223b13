import Foundation
import HeraldCatalog
import HeraldCore
import Testing

@Suite("Email assets (inline images, attachments)")
struct EmailAssetTests {
    static func files(_ email: String) -> [String: String] {
        [
            "NOTE/code.json": """
                {
                  "code": "NOTE",
                  "description": "test code",
                  "methods": ["email"],
                  "email": {
                    "subject": "Hello",
                    "from": "care@herald.example",
                    \(email)
                  }
                }
                """,
            "NOTE/email.en.html.mustache": "<p><img src=\"cid:logo\"> Hello</p>",
        ]
    }

    @Test func assetsAreReadAtLoadAndExposedByTheCatalog() throws {
        let dir = try TemporaryCatalog(files: Self.files("""
            "inlineImages": [{"file": "logo.png", "contentId": "logo"}],
            "attachments": [{"file": "terms.pdf"}]
            """))
        defer { dir.remove() }
        try dir.write("NOTE/assets/logo.png", "PNG")
        try dir.write("NOTE/assets/terms.pdf", "%PDF-1.4")
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")
        let email = try #require(catalog.code("NOTE")?.email)
        #expect(email.inlineImages == [CommsCode.Asset(file: "logo.png", contentId: "logo")])
        #expect(email.attachments == [CommsCode.Asset(file: "terms.pdf")])
        #expect(catalog.asset(code: "NOTE", file: "logo.png") == Data("PNG".utf8))
        #expect(catalog.asset(code: "NOTE", file: "terms.pdf") == Data("%PDF-1.4".utf8))
        #expect(catalog.asset(code: "NOTE", file: "other.png") == nil)
        let reloadable = try ReloadableCatalog(directory: dir.url)
        #expect(reloadable.asset(code: "NOTE", file: "logo.png") == Data("PNG".utf8))
    }

    @Test func aMissingAssetIsALoadErrorNamingCodeJSONAndTheKey() throws {
        let dir = try TemporaryCatalog(files: Self.files("""
            "inlineImages": [{"file": "logo.png", "contentId": "logo"}],
            "attachments": [{"file": "terms.pdf"}]
            """))
        defer { dir.remove() }
        try dir.write("NOTE/assets/logo.png", "PNG")
        let error = #expect(throws: CatalogLoadError.self) { try CatalogLoader.load(from: dir.url) }
        let issues = error?.issues ?? []
        #expect(issues.count == 1, "\(issues)")
        #expect(issues.first?.file == "NOTE/code.json")
        #expect(issues.first?.line == 9)
        #expect(issues.first?.message.contains("email.attachments[0].file") == true, "\(issues)")
        #expect(issues.first?.message.contains("NOTE/assets/terms.pdf") == true, "\(issues)")
    }

    @Test func badEntriesAreReported() throws {
        let dir = try TemporaryCatalog(files: Self.files("""
            "inlineImages": [{"file": "../x.png", "contentId": "a"}, {"file": "b.png"}, {"file": "c.png", "contentId": "<c>"}],
            "attachments": [{"file": "t.pdf", "contentId": "t"}]
            """))
        defer { dir.remove() }
        let messages = CatalogLoader.check(dir.url).errors.map(\.message)
        #expect(messages.contains { $0.contains("email.inlineImages[0].file \"../x.png\" must be a file name inside assets/") }, "\(messages)")
        #expect(messages.contains { $0.contains("missing key \"email.inlineImages[1].contentId\"") }, "\(messages)")
        #expect(messages.contains { $0.contains("email.inlineImages[2].contentId \"<c>\"") }, "\(messages)")
        #expect(messages.contains { $0.contains("unknown key \"contentId\" in email.attachments[0]") }, "\(messages)")
    }

    @Test func theSampleWelcomeCarriesItsLogo() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        let logo = try #require(catalog.asset(code: "WELCOME", file: "logo.png"))
        #expect(logo.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(catalog.code("WELCOME")?.email?.inlineImages == [CommsCode.Asset(file: "logo.png", contentId: "logo")])
        let html = try catalog.render(code: "WELCOME", method: .email, part: .html, language: "en", fields: [:])
        #expect(html.contains("src=\"cid:logo\""))
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")
    }
}
