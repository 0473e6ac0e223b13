import Foundation
import HeraldCore

extension CatalogLoader {
    /// One code folder: its definition and compiled templates; nil when code.json is unusable.
    static func readCode(
        folder: String, at url: URL, defaultLanguage: String, registry: DefaultFieldRegistry,
        letterClearStrip: Double = defaultLetterClearStrip, issues: inout [CatalogIssue]
    ) -> LoadedCatalog.Entry? {
        let definitionFile = "\(folder)/code.json"
        var definition = CodeDefinition()
        let definitionURL = url.appendingPathComponent("code.json")
        if !FileManager.default.fileExists(atPath: definitionURL.path) {
            issues.append(CatalogIssue(file: definitionFile, message: "missing code.json (every code folder needs one)"))
        } else if let root = readJSON(definitionURL, file: definitionFile, issues: &issues) {
            definition = CodeDefinition.read(
                root, file: definitionFile, folder: folder, defaultLanguage: defaultLanguage, registry: registry, issues: &issues
            )
        }
        let allowedFields = registry.knownFields.union(definition.triggerFields)
        var templates: [LoadedCatalog.TemplateKey: CatalogTemplate] = [:]

        // Subjects live in code.json.
        for subject in definition.subjects {
            let name = "\(definitionFile) email.subject" + (subject.language == defaultLanguage ? "" : "s.\(subject.language)")
            checkFields(subject.text, file: definitionFile, lineOffset: subject.line - 1, allowed: allowedFields, issues: &issues)
            do {
                let t = try CatalogTemplate(name: name, text: subject.text, escapesHTML: false)
                templates[.init(method: .email, part: .subject, language: subject.language)] = t
            } catch {
                issues.append(CatalogIssue(file: definitionFile, line: subject.line, message: "email subject: \(error.message)"))
            }
        }

        // Push titles live in code.json too.
        for title in definition.pushTitles {
            let name = "\(definitionFile) push.title" + (title.language == defaultLanguage ? "" : "s.\(title.language)")
            checkFields(title.text, file: definitionFile, lineOffset: title.line - 1, allowed: allowedFields, issues: &issues)
            do {
                let t = try CatalogTemplate(name: name, text: title.text, escapesHTML: false)
                templates[.init(method: .push, part: .title, language: title.language)] = t
            } catch {
                issues.append(CatalogIssue(file: definitionFile, line: title.line, message: "push title: \(error.message)"))
            }
        }

        // Template files.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        var sources: [LoadedCatalog.TemplateKey: String] = [:]
        for name in names.sorted() where !name.hasPrefix(".") && name != "code.json" && name != assetsFolder {
            let file = "\(folder)/\(name)"
            guard name.hasSuffix(".mustache") else {
                issues.append(CatalogIssue(file: file, message: "not a template (names end in .mustache); ignored", severity: .warning))
                continue
            }
            let parsed: TemplateFileName
            do {
                parsed = try TemplateFileName(name)
            } catch {
                issues.append(CatalogIssue(file: file, message: "\(error.message); ignored", severity: .warning))
                continue
            }
            if let methods = definition.methods, !methods.contains(parsed.method) {
                issues.append(CatalogIssue(
                    file: file, message: "\(folder) does not allow method \(parsed.method); template ignored", severity: .warning
                ))
                continue
            }
            let key = LoadedCatalog.TemplateKey(method: parsed.method, part: parsed.part, language: parsed.language)
            if let other = sources[key] {
                issues.append(CatalogIssue(file: file, message: "same template as \(folder)/\(other) (language tags ignore case)"))
                continue
            }
            sources[key] = name
            guard var text = readText(url.appendingPathComponent(name), file: file, issues: &issues) else { continue }
            if parsed.part == .body {
                // Editors end files with a new line; an SMS or push message must not.
                while text.last == "\n" || text.last == "\r\n" || text.last == "\r" { text.removeLast() }
            }
            checkFields(text, file: file, lineOffset: 0, allowed: allowedFields, issues: &issues)
            if parsed.method == .letter {
                checkLetterAssets(text, file: file, folder: folder, assets: url.appendingPathComponent(assetsFolder), issues: &issues)
            }
            do {
                let template = try CatalogTemplate(name: file, text: text, escapesHTML: parsed.part == .html)
                templates[key] = template
                if parsed.method == .letter, parsed.part == .html, letterClearStrip > 0 {
                    checkClearStrip(template, text: text, file: file, assets: url.appendingPathComponent(assetsFolder),
                                    fields: allowedFields, strip: letterClearStrip, issues: &issues)
                }
            } catch {
                issues.append(CatalogIssue(file: file, line: error.line, message: error.message))
            }
        }

        // Every allowed method needs its template in the default language.
        for method in definition.methods ?? [] {
            let part: TemplatePart = method == .email || method == .letter ? .html : .body
            guard sources[.init(method: method, part: part, language: defaultLanguage)] == nil else { continue }
            let wanted = TemplateFileName.fileName(method: method, part: part, language: defaultLanguage)
            issues.append(CatalogIssue(
                file: "\(folder)/\(wanted)",
                message: "missing template: \(folder) allows \(method) but has no \(wanted) in the default language"
            ))
        }
        // A letter copy attached to the emails is merged from the code's own letter template.
        if let letter = definition.attachLetter {
            let wanted = TemplateFileName.fileName(method: .letter, part: .html, language: defaultLanguage)
            if let methods = definition.methods, !methods.contains(.letter) {
                issues.append(CatalogIssue(
                    file: definitionFile, line: letter.line,
                    message: "\(letter.key): \(folder) does not allow method letter; a code that attaches its letter needs letter "
                        + "in methods and its letter template \(folder)/\(wanted)"))
            } else if sources[.init(method: .letter, part: .html, language: defaultLanguage)] == nil {
                issues.append(CatalogIssue(
                    file: definitionFile, line: letter.line,
                    message: "\(letter.key): \(folder) has no letter template \(wanted) in the default language to attach"))
            }
        }
        // An email text alternative without its HTML is never sent.
        for key in sources.keys where key.part == .text && sources[.init(method: key.method, part: .html, language: key.language)] == nil {
            issues.append(CatalogIssue(
                file: "\(folder)/\(sources[key] ?? "")",
                message: "email text alternative without email.\(key.language).html.mustache; it is only used with the HTML",
                severity: .warning
            ))
        }

        // Inline images and attachments named in code.json are read now: a missing one is a load error.
        var assets: [String: Data] = [:]
        for reference in definition.assets where assets[reference.file] == nil {
            let assetURL = url.appendingPathComponent(assetsFolder).appendingPathComponent(reference.file)
            guard let data = FileManager.default.contents(atPath: assetURL.path) else {
                issues.append(CatalogIssue(
                    file: definitionFile, line: reference.line,
                    message: "\(reference.key): \(folder)/\(assetsFolder)/\(reference.file) does not exist or cannot be read"))
                continue
            }
            assets[reference.file] = data
        }

        guard let code = definition.code else { return nil }
        return LoadedCatalog.Entry(definition: code, templates: templates, assets: assets)
    }

    /// Images and fonts a letter template references must be files in the code's `assets/`
    /// folder (the PDF renderer reads nothing else and fetches nothing from the network).
    static func checkLetterAssets(_ text: String, file: String, folder: String, assets: URL, issues: inout [CatalogIssue]) {
        for reference in LetterAssetScanner.references(in: text) {
            let value = reference.value
            let lower = value.lowercased()
            if lower.contains("://") || lower.hasPrefix("//") || lower.hasPrefix("data:") || lower.hasPrefix("cid:") {
                issues.append(CatalogIssue(file: file, line: reference.line, message:
                    "letters fetch nothing from the network: put the file of \"\(value)\" in \(folder)/\(assetsFolder)/ and reference it by name"))
                continue
            }
            let path = value.removingPercentEncoding ?? value
            let parts = path.split(separator: "/")
            if path.hasPrefix("/") || parts.contains("..") {
                issues.append(CatalogIssue(file: file, line: reference.line, message:
                    "\"\(value)\" is outside \(folder)/\(assetsFolder)/; letters read only files inside it"))
                continue
            }
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: assets.appendingPathComponent(path).path, isDirectory: &isDirectory)
            if !exists || isDirectory.boolValue {
                issues.append(CatalogIssue(file: file, line: reference.line, message:
                    "\(folder)/\(assetsFolder)/\(path) does not exist (the letter references \"\(value)\")"))
            }
        }
    }

    /// The folder inside a code folder holding its email assets (`email.inlineImages`, `email.attachments`).
    static let assetsFolder = "assets"

    /// Reports each merge field `text` uses that is not in `allowed`, once, at its first line.
    static func checkFields(_ text: String, file: String, lineOffset: Int, allowed: Set<String>, issues: inout [CatalogIssue]) {
        var reported: Set<String> = []
        for use in MergeFieldScanner.uses(in: text) where !allowed.contains(use.field) && reported.insert(use.field).inserted {
            issues.append(CatalogIssue(
                file: file, line: use.line + lineOffset,
                message: "unknown merge field \(use.field) (neither a default field nor in requiredFields/optionalFields)"
            ))
        }
    }
}
