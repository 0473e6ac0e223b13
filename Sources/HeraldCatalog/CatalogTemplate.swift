import Mustache

/// A template compiled at load time, ready to render many times from many threads.
struct CatalogTemplate: Sendable {
    /// Where it came from, for messages: `WELCOME/sms.en.mustache` or `WELCOME/code.json email.subject`.
    var name: String
    /// The compiled template.
    var template: MustacheTemplate

    /// Text parts (SMS, push, subject, email text) are compiled with this pragma in front, so
    /// that `{{X}}` does not HTML-escape. It stands alone on its own line, so the parser drops
    /// it with its new line: output and line numbers of the author's text are unchanged.
    private static let textPragma = "{{%CONTENT_TYPE:TEXT}}\n"

    /// A Mustache syntax error, at a 1-based line of the author's text.
    struct SyntaxError: Error {
        var line: Int
        var message: String
    }

    /// Compiles `text`. HTML parts escape `{{X}}` for HTML (Mustache's default); plain parts
    /// escape nothing.
    init(name: String, text: String, escapesHTML: Bool) throws(SyntaxError) {
        self.name = name
        do {
            self.template = try MustacheTemplate(string: escapesHTML ? text : Self.textPragma + text)
        } catch let error as MustacheTemplate.ParserError {
            let line = escapesHTML ? error.context.lineNumber : max(1, error.context.lineNumber - 1)
            throw SyntaxError(line: line, message: "template syntax error: \(Self.explain(error.error))")
        } catch {
            throw SyntaxError(line: 1, message: "template syntax error: \(error)")
        }
    }

    /// Renders with a flat field dictionary; absent and empty fields render empty and make
    /// `{{#X}}` sections skip.
    func render(_ fields: [String: String]) -> String {
        template.render(MergeFields(values: fields))
    }

    private static func explain(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "section closed with the wrong name"
        case .unfinishedName: return "unfinished tag"
        case .expectedSectionEnd: return "section not closed"
        case .invalidSetDelimiter: return "invalid delimiter change"
        case .transformAppliedToInheritanceSection: return "transform applied to an inheritance section"
        case .illegalTokenInsideInheritSection: return "illegal tag inside an inheritance section"
        case .textInsideInheritSection: return "text inside an inheritance section"
        case .invalidConfigVariableSyntax: return "invalid pragma"
        case .unrecognisedConfigVariable: return "unknown pragma"
        }
    }
}
