import Foundation
import HeraldCore
import Mustache

/// A catalog loaded and checked by ``CatalogLoader``: every comms code, with its templates
/// compiled once. Immutable; render from as many threads as you like.
public struct LoadedCatalog: TemplateCatalog {
    /// Where a template sits inside a code.
    struct TemplateKey: Hashable {
        var method: DeliveryMethod
        var part: TemplatePart
        /// Normalised language tag (`en`, `en-gb`).
        var language: String
    }

    /// One comms code: its definition and compiled templates.
    struct Entry: Sendable {
        var definition: CommsCode
        var templates: [TemplateKey: CatalogTemplate]
        /// `assets/` files named in the email settings, by file name.
        var assets: [String: Data] = [:]
    }

    /// The language used when a template is missing in the requested one (normalised, e.g. `en`).
    public let defaultLanguage: String
    /// Every comms code, in code order.
    public let codes: [CommsCode]
    /// Warnings found while loading (the catalog loaded despite them).
    public let warnings: [CatalogIssue]
    private let entries: [String: Entry]
    /// The configured triggers of external notifications (`triggers/`), by id.
    public let triggers: [String: ConfiguredTrigger]

    init(defaultLanguage: String, entries: [String: Entry], triggers: [String: ConfiguredTrigger] = [:], warnings: [CatalogIssue]) {
        self.defaultLanguage = defaultLanguage
        self.entries = entries
        self.triggers = triggers
        self.codes = entries.values.map(\.definition).sorted { $0.code < $1.code }
        self.warnings = warnings
    }

    /// Loads and checks the catalog folder at `directory`; see ``CatalogLoader/load(from:registry:)``.
    public init(directory: URL, registry: DefaultFieldRegistry = .standard) throws {
        self = try CatalogLoader.load(from: directory, registry: registry)
    }

    /// The trigger configured as `id`, or nil.
    public func trigger(_ id: String) -> ConfiguredTrigger? {
        triggers[id]
    }

    /// The definition of `code`, or nil.
    public func code(_ code: String) -> CommsCode? {
        entries[code]?.definition
    }

    /// The bytes of an `assets/` file named in `code`'s email settings, or nil.
    public func asset(code: String, file: String) -> Data? {
        entries[code]?.assets[file]
    }

    /// The languages with at least one template or subject for `code`, sorted.
    public func languages(of code: String) -> [String] {
        Set(entries[code]?.templates.keys.map(\.language) ?? []).sorted()
    }

    /// Whether a template exists for that part in exactly that language (no fallback). The
    /// `email.subject` of code.json counts as the default language's subject.
    public func hasTemplate(code: String, method: DeliveryMethod, part: TemplatePart, language: String) -> Bool {
        guard let entry = entries[code], let lang = TemplateFileName.normalisedLanguage(language) else { return false }
        return entry.templates[TemplateKey(method: method, part: part, language: lang)] != nil
    }

    /// Merges the template for `part` in `language`, else its base language (`en-GB` → `en`),
    /// else the catalog's default language. Absent or empty fields render empty. Throws
    /// ``HeraldError`` `notFound` naming the code or template when there is none.
    public func render(
        code: String, method: DeliveryMethod, part: TemplatePart, language: String, fields: [String: String]
    ) throws -> String {
        guard let entry = entries[code] else {
            throw HeraldError.notFound("unknown comms code \(code)", field: "code")
        }
        guard entry.definition.methods.contains(method) else {
            throw HeraldError.notFound("comms code \(code) does not allow method \(method)", field: "method")
        }
        for lang in fallbackChain(language) {
            if let template = entry.templates[TemplateKey(method: method, part: part, language: lang)] {
                return template.render(fields)
            }
        }
        let wanted = part == .subject ? "\(code)/code.json email.subject"
            : part == .title ? "\(code)/code.json push.title"
            : "\(code)/\(TemplateFileName.fileName(method: method, part: part, language: language))"
        throw HeraldError.notFound("no template \(wanted) (nor in the default language \(defaultLanguage))", field: "template")
    }

    /// `fr-CA` → `fr-ca`, `fr`, then the default language; duplicates removed.
    func fallbackChain(_ language: String) -> [String] {
        var chain: [String] = []
        if let tag = TemplateFileName.normalisedLanguage(language) {
            var subtags = tag.split(separator: "-")
            while !subtags.isEmpty {
                chain.append(subtags.joined(separator: "-"))
                subtags.removeLast()
            }
        }
        if !chain.contains(defaultLanguage) { chain.append(defaultLanguage) }
        return chain
    }
}
