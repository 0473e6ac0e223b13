import Foundation
import Mustache

/// A template compiled at load time, ready to render many times from many threads.
struct CatalogTemplate: Sendable {
    /// Where it came from, for messages: `WELCOME/sms.en.mustache` or `WELCOME/code.json email.subject`.
    var name: String
    /// The compiled template.
    var template: MustacheTemplate
    /// A text part made only of literal text and `{{NAME}}` tags (most SMS, push and subject
    /// templates), as its pieces, rendered without Mustache: its per-tag context look-ups were
    /// ~1.5% of `herald serve`'s CPU under `herald bench api`. Nil for anything else.
    var plainPieces: [PlainPiece]?

    enum PlainPiece: Sendable, Equatable {
        case text(String)
        case field(String)
    }

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
            self.plainPieces = escapesHTML ? nil : Self.plainPieces(text)
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
        guard let plainPieces else { return template.render(MergeFields(values: fields)) }
        var out = ""
        for piece in plainPieces {
            switch piece {
            case .text(let text): out += text
            case .field(let name): out += fields[name] ?? ""
            }
        }
        return out
    }

    /// `text` as literal text and `{{NAME}}` tags (spaces allowed inside the braces; NAME of
    /// letters, digits and `_`), or nil when it has any other tag (sections, partials,
    /// comments, `{{{…}}}`, `&`, dotted names, transforms, delimiter changes), which
    /// Mustache renders.
    static func plainPieces(_ text: String) -> [PlainPiece]? {
        var pieces: [PlainPiece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else { return nil }
            let name = afterOpen[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || ($0 < 0x80 && Character(Unicode.Scalar($0)).isLetter)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            pieces.append(.field(name))
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
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
