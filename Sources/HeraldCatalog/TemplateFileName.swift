import HeraldCore

/// What a template file's name says: method, language and part.
///
/// `sms.en.mustache` (body of sms, push, online, external), `email.en.html.mustache`,
/// `email.en.txt.mustache`, `letter.en.html.mustache`.
struct TemplateFileName: Hashable {
    var method: DeliveryMethod
    /// Normalised: lower case, `-` between subtags.
    var language: String
    var part: TemplatePart

    /// Why a `.mustache` file name is not a template name.
    struct Problem: Error {
        var message: String
    }

    /// Reads `name`; throws when it does not follow the layout.
    init(_ name: String) throws(Problem) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 || parts.count == 4, parts.last == "mustache" else {
            throw Problem(message: "template file names are <method>.<lang>.mustache, email.<lang>.html.mustache, email.<lang>.txt.mustache or letter.<lang>.html.mustache")
        }
        guard let method = DeliveryMethod(rawValue: parts[0]) else {
            throw Problem(message: "unknown method \"\(parts[0])\" in template file name (known: \(DeliveryMethod.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let language = Self.normalisedLanguage(parts[1]) else {
            throw Problem(message: "\"\(parts[1])\" is not a language tag (like en, fr, en-GB)")
        }
        let kind = parts.count == 4 ? parts[2] : nil
        switch (method, kind) {
        case (.email, "html"), (.letter, "html"): part = .html
        case (.email, "txt"): part = .text
        case (.email, nil): throw Problem(message: "email templates are email.\(parts[1]).html.mustache and email.\(parts[1]).txt.mustache")
        case (.letter, _): throw Problem(message: "letter templates are letter.\(parts[1]).html.mustache")
        case (_, nil): part = .body
        case (_, .some): throw Problem(message: "\(method) templates are \(method).\(parts[1]).mustache")
        }
        self.method = method
        self.language = language
    }

    /// The file name for a template (in the catalog's spelling of the language).
    static func fileName(method: DeliveryMethod, part: TemplatePart, language: String) -> String {
        switch part {
        case .html: "\(method).\(language).html.mustache"
        case .text: "\(method).\(language).txt.mustache"
        case .body, .subject, .title: "\(method).\(language).mustache"
        }
    }

    /// `en_GB`/`EN-gb` → `en-gb`; nil when not a plausible BCP 47 tag (letters, digits, `-`).
    static func normalisedLanguage(_ raw: String) -> String? {
        // ASCII only (a tag is letters, digits and separators): checked byte by byte.
        var tag: [UInt8] = []
        tag.reserveCapacity(raw.utf8.count)
        for byte in raw.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): tag.append(byte + 32)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): tag.append(byte)
            case UInt8(ascii: "_"): tag.append(UInt8(ascii: "-"))
            default: return nil
            }
        }
        let subtags = tag.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard let first = subtags.first, (2...8).contains(first.count),
              first.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else {
            return nil
        }
        for s in subtags.dropFirst() where s.isEmpty || s.count > 8 {
            return nil
        }
        return String(decoding: tag, as: UTF8.self)
    }
}
