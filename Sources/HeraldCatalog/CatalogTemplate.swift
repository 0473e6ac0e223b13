import Foundation
import Mustache

/// A template compiled at load time, ready to render many times from many threads.
struct CatalogTemplate: Sendable {
    /// Where it came from, for messages: `WELCOME/sms.en.mustache` or `WELCOME/code.json email.subject`.
    var name: String
    /// The compiled template.
    var template: MustacheTemplate
    /// A text part made only of literal text, `{{NAME}}` tags and `{{#NAME}}…{{/NAME}}` or
    /// `{{^NAME}}…{{/NAME}}` sections (most SMS, push and subject templates), as its pieces,
    /// rendered without Mustache: its per-tag context look-ups were ~2% of `herald serve`'s CPU
    /// under `herald bench api`. Nil for anything else.
    var plainPieces: [PlainPiece]?

    indirect enum PlainPiece: Sendable, Equatable {
        case text(String)
        case field(String)
        /// Rendered when the field is non-empty (`inverted`: when it is absent or empty).
        case section(String, inverted: Bool, [PlainPiece])
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
        Self.render(plainPieces, fields, into: &out)
        return out
    }

    private static func render(_ pieces: [PlainPiece], _ fields: [String: String], into out: inout String) {
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .field(let name): out += fields[name] ?? ""
            case .section(let name, let inverted, let body):
                if (fields[name].map { !$0.isEmpty } ?? false) != inverted { render(body, fields, into: &out) }
            }
        }
    }

    /// `text` as pieces, or nil when it has any tag other than `{{NAME}}`, `{{#NAME}}`,
    /// `{{^NAME}}` and `{{/NAME}}` (spaces allowed inside the braces; NAME of ASCII letters,
    /// digits and `_`) — partials, comments, `{{{…}}}`, `&`, dotted names, transforms,
    /// delimiter changes — or a section tag alone on its line (Mustache then drops the line);
    /// Mustache renders those. MergeFields gives a non-empty field as a value that is not a list
    /// and whose own names are empty, so a section renders its body once with the same look-ups.
    static func plainPieces(_ text: String) -> [PlainPiece]? {
        var stack: [(name: String, inverted: Bool, pieces: [PlainPiece])] = [("", false, [])]
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { stack[stack.count - 1].pieces.append(.text(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else { return nil }
            var tag = afterOpen[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let sigil = tag.first.flatMap { "#^/".contains($0) ? $0 : nil }
            if sigil != nil {
                tag = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces)
                if isStandalone(text, from: open.lowerBound, to: close.upperBound) { return nil }
            }
            guard !tag.isEmpty, tag.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) }) else { return nil }
            switch sigil {
            case "#", "^": stack.append((tag, sigil == "^", []))
            case "/":
                guard stack.count > 1, stack[stack.count - 1].name == tag else { return nil }
                let section = stack.removeLast()
                stack[stack.count - 1].pieces.append(.section(section.name, inverted: section.inverted, section.pieces))
            default: stack[stack.count - 1].pieces.append(.field(tag))
            }
            rest = afterOpen[close.upperBound...]
        }
        guard stack.count == 1 else { return nil }
        if !rest.isEmpty { stack[0].pieces.append(.text(String(rest))) }
        return stack[0].pieces
    }

    /// Whether the tag at `start..<end` has only spaces and tabs before it and after it on its line.
    private static func isStandalone(_ text: String, from start: String.Index, to end: String.Index) -> Bool {
        let before = text[..<start].reversed().prefix { $0 != "\n" && $0 != "\r\n" }
        let after = text[end...].prefix { $0 != "\n" && $0 != "\r\n" }
        return before.allSatisfy { $0 == " " || $0 == "\t" } && after.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
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
