import Foundation
import HeraldCore

/// Loads and checks a catalog folder.
///
/// The folder layout:
/// ```
/// <catalog>/
///   catalog.json                      optional: {"defaultLanguage": "en"}  (default "en")
///   <CODE>/code.json                  the definition
///   <CODE>/<method>.<lang>.mustache   message body for sms, push, online, external   (TemplatePart.body)
///   <CODE>/email.<lang>.html.mustache email HTML     (TemplatePart.html)
///   <CODE>/email.<lang>.txt.mustache  email text alternative, optional (TemplatePart.text)
///   <CODE>/letter.<lang>.html.mustache letter HTML   (TemplatePart.html)
///   <CODE>/assets/<file>              inline images and attachments named in code.json
/// ```
/// The email subject is the Mustache template `email.subject` in code.json
/// (`TemplatePart.subject`), per language optionally via `email.subjects: {"fr": "…"}`, falling
/// back to `email.subject`.
///
/// `code.json` keys: `code` (must equal the folder name), `description`, `methods` (ordered,
/// non-empty), `priority` (1-3, default 2), `category` (default `service`), `defaultFields`
/// (names the field registry knows), `requiredFields`, `optionalFields` (trigger fields),
/// `email` {`subject`, `from`, `replyTo`?, `subjects`?, `inlineImages`?
/// ([{"file": "logo.png", "contentId": "logo"}], used in the HTML as `cid:logo`),
/// `attachments`? ([{"file": "terms.pdf"}]), `attachLetter`? (`true`, or the attachment's file name
/// ending in `.pdf`: every email carries a PDF of the code's letter template merged with the same
/// fields; `true` names it `<code lowercased>.pdf`; the code must allow letter and have its letter
/// template in the default language)} (required when methods contain email; the asset files sit
/// in `<CODE>/assets/`, are read at load, and a missing one is an error),
/// `agentVisible` (default true), `active` (default true), `workflowEvents`
/// ([{"eventType": "DEBT", "eventCode": "DBAR"}]). Unknown keys are errors.
///
/// HTML parts escape `{{X}}` for HTML (`{{{X}}}` and `{{&X}}` do not); body, text and subject
/// escape nothing. Every merge field a template uses must be a field the registry knows or one
/// of the code's trigger fields. Each allowed method needs its template in the default
/// language (email and letter: html; the others: body). Trailing new lines of body templates
/// are dropped (an SMS must not end in one). Hidden files are ignored; other files
/// next to the templates, and templates for methods the code does not allow, are warnings.
///
/// Letter templates must keep the print clear strip free: each is merged with `XXXXXXXX` for
/// every field, laid out by Letterpress, and anything it draws less than `letterClearStrip`
/// millimetres (default ``defaultLetterClearStrip``, 18) from the left edge of a page is an
/// error — the print bureau puts its Data Matrix marks there. `0` turns the check off.
public enum CatalogLoader {
    /// The width of the clear strip on the left edge of letter pages, in millimetres.
    public static let defaultLetterClearStrip = 18.0

    /// Loads the catalog at `directory`, compiling every template once.
    /// - Parameter letterClearStrip: millimetres from the left page edge letters must leave empty (0: no check).
    /// - Throws: ``CatalogLoadError`` listing every problem when there is at least one error.
    public static func load(
        from directory: URL, registry: DefaultFieldRegistry = .standard, letterClearStrip: Double = defaultLetterClearStrip
    ) throws -> LoadedCatalog {
        let (catalog, issues) = build(directory, registry: registry, letterClearStrip: letterClearStrip)
        guard let catalog, !issues.contains(where: \.isError) else {
            throw CatalogLoadError(issues: issues)
        }
        return catalog
    }

    /// Every problem in the catalog at `url`, errors first; empty when it is clean. Never throws.
    /// - Parameter letterClearStrip: millimetres from the left page edge letters must leave empty (0: no check).
    public static func check(
        _ url: URL, registry: DefaultFieldRegistry = .standard, letterClearStrip: Double = defaultLetterClearStrip
    ) -> [CatalogIssue] {
        build(url, registry: registry, letterClearStrip: letterClearStrip).issues
    }

    /// Reads the folder; the catalog is nil when it could not be read at all.
    static func build(
        _ directory: URL, registry: DefaultFieldRegistry, letterClearStrip: Double = defaultLetterClearStrip
    ) -> (catalog: LoadedCatalog?, issues: [CatalogIssue]) {
        var issues: [CatalogIssue] = []
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            let issue = CatalogIssue(file: directory.path, message: "no catalog folder here")
            return (nil, [issue])
        }

        let defaultLanguage = readSettings(directory, issues: &issues)

        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            return (nil, [CatalogIssue(file: ".", message: "cannot list the catalog folder: \(error.localizedDescription)")])
        }
        var entries: [String: LoadedCatalog.Entry] = [:]
        for name in names {
            var isDir: ObjCBool = false
            let url = directory.appendingPathComponent(name)
            guard fm.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue, name != triggersFolder else { continue }
            if let entry = readCode(
                folder: name, at: url, defaultLanguage: defaultLanguage, registry: registry,
                letterClearStrip: letterClearStrip, issues: &issues
            ) {
                entries[name] = entry
            }
        }
        if entries.isEmpty, !issues.contains(where: \.isError) {
            issues.append(CatalogIssue(file: ".", message: "the catalog has no comms codes", severity: .warning))
        }
        let triggers = readTriggers(directory, codes: entries.mapValues(\.definition), issues: &issues)
        let sorted = issues.filter(\.isError).sorted(by: CatalogIssue.reportOrder)
            + issues.filter { !$0.isError }.sorted(by: CatalogIssue.reportOrder)
        let catalog = LoadedCatalog(defaultLanguage: defaultLanguage, entries: entries, triggers: triggers,
                                    warnings: sorted.filter { !$0.isError })
        return (catalog, sorted)
    }

    /// The default language from `catalog.json`, or `en`.
    static func readSettings(_ directory: URL, issues: inout [CatalogIssue]) -> String {
        let file = "catalog.json"
        let url = directory.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else { return "en" }
        guard let root = readJSON(url, file: file, issues: &issues) else { return "en" }
        var r = JSONReader(file: file)
        defer { issues += r.issues }
        guard case .object(let members) = root.value else {
            r.fail(root.line, "catalog.json must be an object, found \(root.value.typeName)")
            return "en"
        }
        r.checkKeys(members, allowed: ["defaultLanguage"], in: "catalog.json")
        guard let lang = r.string(members, "defaultLanguage") else { return "en" }
        guard let normalised = TemplateFileName.normalisedLanguage(lang.value) else {
            r.fail(lang.line, "\"\(lang.value)\" is not a language tag (like en, fr, en-GB)")
            return "en"
        }
        return normalised
    }

    /// The UTF-8 text of a file, or nil with an issue.
    static func readText(_ url: URL, file: String, issues: inout [CatalogIssue]) -> String? {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            issues.append(CatalogIssue(file: file, message: "cannot read the file: \(error.localizedDescription)"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            issues.append(CatalogIssue(file: file, message: "the file is not UTF-8 text"))
            return nil
        }
        return text
    }

    /// A parsed JSON file, or nil with an issue.
    static func readJSON(_ url: URL, file: String, issues: inout [CatalogIssue]) -> CatalogJSON.Node? {
        guard let text = readText(url, file: file, issues: &issues) else { return nil }
        do {
            return try CatalogJSON.parse(text)
        } catch {
            issues.append(CatalogIssue(file: file, line: error.line, message: "invalid JSON: \(error.message)"))
            return nil
        }
    }
}
