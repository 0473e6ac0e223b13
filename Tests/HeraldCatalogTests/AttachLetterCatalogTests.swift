import Foundation
import HeraldCatalog
import HeraldCore
import Testing

/// `email.attachLetter` in code.json: a PDF copy of the code's letter on every email.
@Suite("Email attachLetter (catalog)")
struct AttachLetterCatalogTests {
    /// The line of `email.attachLetter` in ``files(_:methods:letter:)``'s code.json.
    static let attachLetterLine = 9

    /// A BILL code allowing email (and letter unless told), with `"attachLetter": <value>` on line 9
    /// (no such key when `value` is nil).
    static func files(_ value: String?, methods: String = #"["email", "letter"]"#, letter: Bool = true,
                      attachments: String = "") -> [String: String] {
        var files = [
            "BILL/code.json": """
                {
                  "code": "BILL",
                  "description": "test code",
                  "methods": \(methods),
                  "defaultFields": ["FULLNAME"],
                  "email": {
                    "subject": "Your bill",
                    "from": "care@herald.example"\(value.map { ",\n    \"attachLetter\": \($0)" } ?? "")\(attachments)
                  }
                }
                """,
            "BILL/email.en.html.mustache": "<p>Hello {{FULLNAME}}</p>",
        ]
        if letter { files["BILL/letter.en.html.mustache"] = "<p>Dear {{FULLNAME}}</p>" }
        return files
    }

    /// The catalog's errors for `files`, which must not load.
    func errors(_ files: [String: String]) throws -> [CatalogIssue] {
        let dir = try TemporaryCatalog(files: files)
        defer { dir.remove() }
        let errors = CatalogLoader.check(dir.url).errors
        #expect(!errors.isEmpty)
        #expect(throws: CatalogLoadError.self) { try CatalogLoader.load(from: dir.url) }
        return errors
    }

    @Test func trueAttachesTheCodeLowercasedAsPDF() throws {
        let dir = try TemporaryCatalog(files: Self.files("true"))
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")
        #expect(catalog.code("BILL")?.email?.attachLetter == "bill.pdf")
    }

    @Test func aNameIsTheAttachmentsFileName() throws {
        let dir = try TemporaryCatalog(files: Self.files(#""Statement 2026.PDF""#))
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.code("BILL")?.email?.attachLetter == "Statement 2026.PDF")
    }

    @Test(arguments: ["false", nil])
    func falseOrNoKeyAttachesNothingAndNeedsNoLetter(value: String?) throws {
        let dir = try TemporaryCatalog(files: Self.files(value, methods: #"["email"]"#, letter: false))
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")
        #expect(catalog.code("BILL")?.email?.attachLetter == nil)
    }

    @Test(arguments: [
        ("42", "email.attachLetter must be true, false or a file name ending in .pdf, found a number"),
        (#"{"file": "a.pdf"}"#, "email.attachLetter must be true, false or a file name ending in .pdf, found an object"),
        (#""letters/copy.pdf""#, #"email.attachLetter "letters/copy.pdf" must be a plain file name (no folders)"#),
        (#""..\\copy.pdf""#, #"must be a plain file name (no folders)"#),
        (#""""#, #"email.attachLetter "" must be a plain file name"#),
        (#"".pdf""#, #"email.attachLetter ".pdf" must be a plain file name"#),
        (#""copy\r\nX-Evil: 1.pdf""#, "must be a plain file name"),
        (#""copy.html""#, #"email.attachLetter "copy.html" must end in .pdf"#),
        (#""copy""#, #"email.attachLetter "copy" must end in .pdf"#),
    ])
    func badValuesAreRefusedNamingCodeJSONAndTheLine(value: String, message: String) throws {
        let errors = try errors(Self.files(value))
        #expect(errors.count == 1, "\(errors)")
        let error = try #require(errors.first)
        #expect(error.file == "BILL/code.json")
        #expect(error.line == Self.attachLetterLine)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func aCodeWithoutALetterTemplateIsRefused() throws {
        let errors = try errors(Self.files("true", letter: false))
        let error = try #require(errors.first { $0.file == "BILL/code.json" }, "\(errors)")
        #expect(error.line == Self.attachLetterLine)
        #expect(error.message.contains("email.attachLetter: BILL has no letter template letter.en.html.mustache"), "\(error.message)")
        #expect(errors.count == 2, "\(errors)")  // and the usual missing template of an allowed method
    }

    @Test func aLetterTemplateInAnotherLanguageOnlyIsRefused() throws {
        var files = Self.files("true", letter: false)
        files["BILL/letter.fr.html.mustache"] = "<p>Bonjour {{FULLNAME}}</p>"
        let errors = try errors(files)
        #expect(errors.contains { $0.file == "BILL/code.json" && $0.line == Self.attachLetterLine
            && $0.message.contains("has no letter template letter.en.html.mustache in the default language") }, "\(errors)")
    }

    @Test func aCodeThatDoesNotAllowLettersIsRefused() throws {
        // The template is there, but a code that does not allow letters has no letter to attach.
        let errors = try errors(Self.files(#""copy.pdf""#, methods: #"["email"]"#))
        #expect(errors.count == 1, "\(errors)")
        let error = try #require(errors.first)
        #expect(error.file == "BILL/code.json")
        #expect(error.line == Self.attachLetterLine)
        #expect(error.message.contains("BILL does not allow method letter"), "\(error.message)")
    }

    @Test func theNameMustNotClashWithAnAttachment() throws {
        var files = Self.files(#""terms.pdf""#, attachments: #", "attachments": [{"file": "terms.pdf"}]"#)
        files["BILL/assets/terms.pdf"] = "%PDF-1.4"
        let errors = try errors(files)
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.line == Self.attachLetterLine)
        #expect(errors.first?.message.contains("is also the name of a file in email.attachments") == true, "\(errors)")
    }

    @Test func theSamplePaymentReminderAttachesItsLetter() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.warnings.isEmpty, "\(catalog.warnings)")
        #expect(catalog.code("PAYMENT_REMINDER")?.email?.attachLetter == "payment-reminder.pdf")
        #expect(catalog.code("WELCOME")?.email?.attachLetter == nil)
    }

    @Test func theSettingSurvivesCodable() throws {
        let settings = CommsCode.EmailSettings(subject: "s", from: "a@b.c", attachLetter: "x.pdf")
        let decoded = try JSONDecoder().decode(CommsCode.EmailSettings.self, from: JSONEncoder().encode(settings))
        #expect(decoded == settings)
        let old = try JSONDecoder().decode(CommsCode.EmailSettings.self, from: Data(#"{"subject": "s", "from": "a@b.c"}"#.utf8))
        #expect(old.attachLetter == nil)
    }
}
