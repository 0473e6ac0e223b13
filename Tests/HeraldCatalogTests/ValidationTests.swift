import Foundation
import HeraldCatalog
import HeraldCore
import Testing

@Suite("Validation at load")
struct ValidationTests {
    /// Checks `files` and returns the issues; also asserts that `load` throws exactly those
    /// issues when there are errors.
    func issues(_ files: [String: String]) throws -> [CatalogIssue] {
        let dir = try TemporaryCatalog(files: files)
        defer { dir.remove() }
        let issues = CatalogLoader.check(dir.url)
        if issues.contains(where: \.isError) {
            let error = #expect(throws: CatalogLoadError.self) { try CatalogLoader.load(from: dir.url) }
            #expect(error?.issues == issues)
        } else {
            #expect(throws: Never.self) { try CatalogLoader.load(from: dir.url) }
        }
        return issues
    }

    func expectOne(
        _ issues: [CatalogIssue], file: String, line: Int?, containing text: String, severity: CatalogIssue.Severity = .error,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let matching = issues.filter { $0.file == file && $0.line == line && $0.message.contains(text) && $0.severity == severity }
        #expect(matching.count == 1, "wanted \(file):\(line.map(String.init) ?? "-") \(severity) “\(text)” in \(issues)", sourceLocation: sourceLocation)
    }

    @Test func invalidJSONIsReportedWithItsLine() throws {
        var files = smsCode()
        files["ALERT/code.json"] = """
            {
              "code": "ALERT",
              "description": "test code"
              "methods": ["sms"]
            }
            """
        let found = try issues(files)
        #expect(found.errors.count == 1)
        expectOne(found, file: "ALERT/code.json", line: 4, containing: "invalid JSON")
    }

    @Test func duplicateKeysAndTrailingCommasAreInvalidJSON() throws {
        var files = smsCode()
        files["ALERT/code.json"] = """
            {
              "code": "ALERT",
              "code": "ALERT",
              "description": "x",
              "methods": ["sms"]
            }
            """
        expectOne(try issues(files), file: "ALERT/code.json", line: 3, containing: "duplicate key \"code\"")
        files["ALERT/code.json"] = "{\"code\": \"ALERT\", \"description\": \"x\", \"methods\": [\"sms\",]}"
        expectOne(try issues(files), file: "ALERT/code.json", line: 1, containing: "trailing comma")
    }

    @Test func wrongTypesUnknownKeysAndBadValuesAreAllReported() throws {
        var files = smsCode()
        files["ALERT/code.json"] = """
            {
              "code": "ALERT",
              "description": 12,
              "methods": ["sms", "fax"],
              "priority": 7,
              "agentVisble": false,
              "active": "yes",
              "defaultFields": ["FIRSTNAME", "SHOESIZE"],
              "optionalFields": ["bad name"],
              "workflowEvents": [{"eventType": "DEBT", "eventCod": "DBAR"}]
            }
            """
        let found = try issues(files)
        let file = "ALERT/code.json"
        expectOne(found, file: file, line: 3, containing: "description must be a string, found a number")
        expectOne(found, file: file, line: 4, containing: "unknown method \"fax\"")
        expectOne(found, file: file, line: 5, containing: "priority must be 1 (high), 2 or 3 (low), found 7")
        expectOne(found, file: file, line: 6, containing: "unknown key \"agentVisble\"")
        expectOne(found, file: file, line: 7, containing: "active must be true or false, found a string")
        expectOne(found, file: file, line: 8, containing: "unknown default field \"SHOESIZE\"")
        expectOne(found, file: file, line: 9, containing: "\"bad name\" in optionalFields is not a field name")
        expectOne(found, file: file, line: 10, containing: "unknown key \"eventCod\" in workflowEvents[0]")
        expectOne(found, file: file, line: 10, containing: "missing key \"workflowEvents[0].eventCode\"")
        #expect(found.errors.count == 9)
        #expect(found.first?.description.hasPrefix("ALERT/code.json:3: error: ") == true)
    }

    @Test func codeMustMatchItsFolder() throws {
        var files = smsCode()
        files["ALERT/code.json"] = files["ALERT/code.json"]!.replacingOccurrences(of: "\"code\": \"ALERT\"", with: "\"code\": \"ALRET\"")
        expectOne(try issues(files), file: "ALERT/code.json", line: 2, containing: "does not match its folder name \"ALERT\"")
    }

    @Test func missingRequiredKeysAndEmptyMethods() throws {
        let found = try issues([
            "A/code.json": "{\"code\": \"A\", \"methods\": []}",
            "B/code.json": "{\"code\": \"B\", \"description\": \"b\", \"methods\": [\"email\"]}",
            "B/email.en.html.mustache": "<p>hi</p>",
            "C/sms.en.mustache": "hi",
        ])
        expectOne(found, file: "A/code.json", line: 1, containing: "missing key \"description\"")
        expectOne(found, file: "A/code.json", line: 1, containing: "methods must not be empty")
        expectOne(found, file: "B/code.json", line: 1, containing: "methods include email but there are no email settings")
        expectOne(found, file: "C/code.json", line: nil, containing: "missing code.json")
    }

    @Test func emailSettingsAreChecked() throws {
        let found = try issues([
            "E/code.json": """
                {
                  "code": "E", "description": "e", "methods": ["email"],
                  "email": {
                    "subject": "Hi {{NICKNAME}}",
                    "from": "nobody",
                    "subjects": {"fr": "Salut {{FIRSTNAME}", "xx yy": "z"},
                    "cc": "x@example.net"
                  }
                }
                """,
            "E/email.en.html.mustache": "<p>hi</p>",
        ])
        let file = "E/code.json"
        expectOne(found, file: file, line: 4, containing: "unknown merge field NICKNAME")
        expectOne(found, file: file, line: 5, containing: "\"nobody\" is not an email address")
        expectOne(found, file: file, line: 6, containing: "email subject: template syntax error")
        expectOne(found, file: file, line: 6, containing: "\"xx yy\" in email.subjects is not a language tag")
        expectOne(found, file: file, line: 7, containing: "unknown key \"cc\" in email")
    }

    @Test func eachAllowedMethodNeedsItsDefaultLanguageTemplate() throws {
        let found = try issues([
            "M/code.json": """
                {"code": "M", "description": "m", "methods": ["email", "letter", "push", "sms"],
                 "email": {"subject": "s", "from": "Herald <a@herald.example>"}}
                """,
            "M/email.en.txt.mustache": "text only",
            "M/letter.fr.html.mustache": "<p>French only</p>",
            "M/sms.en.mustache": "ok",
        ])
        expectOne(found, file: "M/email.en.html.mustache", line: nil, containing: "missing template: M allows email")
        expectOne(found, file: "M/letter.en.html.mustache", line: nil, containing: "missing template: M allows letter")
        expectOne(found, file: "M/push.en.mustache", line: nil, containing: "missing template: M allows push")
        expectOne(found, file: "M/email.en.txt.mustache", line: nil, containing: "without email.en.html.mustache", severity: .warning)
        #expect(found.errors.count == 3)
    }

    @Test func defaultLanguageComesFromCatalogJSON() throws {
        var files = smsCode()
        files["catalog.json"] = "{\"defaultLanguage\": \"fr\"}"
        expectOne(try issues(files), file: "ALERT/sms.fr.mustache", line: nil, containing: "missing template")

        files["ALERT/sms.fr.mustache"] = "Bonjour"
        let dir = try TemporaryCatalog(files: files)
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.defaultLanguage == "fr")
        #expect(try catalog.render(code: "ALERT", method: .sms, part: .body, language: "de", fields: [:]) == "Bonjour")
        #expect(try catalog.render(code: "ALERT", method: .sms, part: .body, language: "en-US", fields: [:]) == "Hello ")

        files["catalog.json"] = "{\"defaultLanguge\": \"fr\"}"
        expectOne(try issues(files), file: "catalog.json", line: 1, containing: "unknown key \"defaultLanguge\"")
    }

    @Test func templateSyntaxErrorsCarryTheLine() throws {
        var files = smsCode(body: "line one\nline two {{#FIRSTNAME}}\nline three {{/LASTNAME}}\n")
        files["ALERT/code.json"] = files["ALERT/code.json"]!.replacingOccurrences(of: "[\"sms\"]", with: "[\"sms\", \"letter\"]")
        files["ALERT/letter.en.html.mustache"] = "<p>\n\n{{FIRSTNAME</p>\n"
        let found = try issues(files)
        expectOne(found, file: "ALERT/sms.en.mustache", line: 3, containing: "template syntax error: section closed with the wrong name")
        expectOne(found, file: "ALERT/letter.en.html.mustache", line: 3, containing: "template syntax error")
        #expect(found.errors.count == 2)
    }

    @Test func unknownMergeFieldsAreReportedWithFileAndLine() throws {
        let body = """
            {{! {{COMMENTED}} is fine }}
            Hi {{FIRSTNAME}} {{FIRSTNAM}}
            {{{RAW}}} {{&AMP}}
            {{#SECT}}x{{/SECT}}
            {{^INV}}y{{/INV}}
            {{OFFER}} {{ACCOUNTAMOUNTDUE}} {{FIRSTNAM}}
            """
        let found = try issues(smsCode(body: body, optional: ["OFFER"]))
        let file = "ALERT/sms.en.mustache"
        expectOne(found, file: file, line: 2, containing: "unknown merge field FIRSTNAM ")
        expectOne(found, file: file, line: 3, containing: "unknown merge field RAW ")
        expectOne(found, file: file, line: 3, containing: "unknown merge field AMP ")
        expectOne(found, file: file, line: 4, containing: "unknown merge field SECT ")
        expectOne(found, file: file, line: 5, containing: "unknown merge field INV ")
        #expect(found.errors.count == 5)
    }

    @Test func templatesForMethodsNotAllowedAreWarnings() throws {
        var files = smsCode()
        files["ALERT/push.en.mustache"] = "Push {{WHATEVER}}"
        files["ALERT/notes.md"] = "notes"
        files["ALERT/emial.en.html.mustache"] = "typo"
        let found = try issues(files)
        #expect(found.errors.isEmpty)
        expectOne(found, file: "ALERT/push.en.mustache", line: nil, containing: "does not allow method push", severity: .warning)
        expectOne(found, file: "ALERT/notes.md", line: nil, containing: "not a template", severity: .warning)
        expectOne(found, file: "ALERT/emial.en.html.mustache", line: nil, containing: "unknown method \"emial\"", severity: .warning)

        let dir = try TemporaryCatalog(files: files)
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.warnings.count == 3)
        #expect(!catalog.hasTemplate(code: "ALERT", method: .push, part: .body, language: "en"))
    }

    @Test func unreadableFilesAreErrors() throws {
        var files = smsCode()
        files["ALERT/sms.fr.mustache"] = "x"
        let dir = try TemporaryCatalog(files: files)
        defer { dir.remove() }
        // Not UTF-8.
        try Data([0x48, 0xFF, 0xFE, 0x00]).write(to: dir.url.appendingPathComponent("ALERT/sms.fr.mustache"))
        let found = CatalogLoader.check(dir.url)
        expectOne(found, file: "ALERT/sms.fr.mustache", line: nil, containing: "not UTF-8")

        let missing = CatalogLoader.check(dir.url.appendingPathComponent("nowhere"))
        #expect(missing.count == 1)
        #expect(missing.first?.isError == true)
    }

    @Test func everyProblemIsCollectedAcrossCodesErrorsFirst() throws {
        var files = smsCode("ONE", body: "{{NOPE1}}")
        files.merge(smsCode("TWO", body: "{{NOPE2}}")) { a, _ in a }
        files["TWO/push.en.mustache"] = "extra"
        let found = try issues(files)
        #expect(found.map(\.file) == ["ONE/sms.en.mustache", "TWO/sms.en.mustache", "TWO/push.en.mustache"])
        #expect(found.map(\.severity) == [.error, .error, .warning])
    }
}
