import HeraldCore

/// What a `code.json` says, read leniently so that every problem in it is reported at once.
/// ``code`` is nil when the file has errors; the other properties hold what could be read, so
/// the templates can still be checked against them.
struct CodeDefinition {
    /// A template text from code.json (an email subject) and the line it sits on.
    struct Subject {
        var language: String
        var text: String
        var line: Int
    }

    /// The definition, when the file has no errors.
    var code: CommsCode?
    /// The allowed methods that could be read; nil when `methods` itself is unreadable.
    var methods: [DeliveryMethod]?
    /// `requiredFields` + `optionalFields`, as far as they could be read.
    var triggerFields: Set<String> = []
    /// `email.subject` (under the default language) and `email.subjects`.
    var subjects: [Subject] = []
    /// `push.title` (under the default language) and `push.titles`.
    var pushTitles: [Subject] = []
    /// `email.inlineImages` and `email.attachments` entries, checked against `assets/` by the loader.
    var assets: [AssetReference] = []
    /// `email.attachLetter` when it asks for a letter copy (its file name), checked by the loader
    /// against the code's letter template.
    var attachLetter: AssetReference?

    /// An asset named in code.json, with where it was named (for load errors).
    struct AssetReference {
        /// `email.inlineImages[0]`.
        var key: String
        var file: String
        var line: Int
    }

    static let keys = [
        "code", "description", "methods", "priority", "category", "defaultFields", "requiredFields",
        "optionalFields", "email", "agentVisible", "active", "workflowEvents", "letter", "push",
        "external",
    ]
    static let letterKeys = ["postage"]
    static let pushKeys = ["title", "titles", "badge", "sound", "data", "collapseId", "ttlSeconds", "priority", "pushType"]
    static let externalKeys = ["system"]

    /// Whether `name` can name an external system: a letter, then letters, digits and `_` (it
    /// is a key of the config file's `external.systems` and part of environment variable names).
    static func isExternalSystemName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }
    /// The postage classes a print bureau takes (`letter.postage`).
    public static let postageClasses = ["first", "second", "economy"]
    static let emailKeys = ["subject", "from", "replyTo", "subjects", "inlineImages", "attachments", "attachLetter"]
    static let assetKeys = ["file", "contentId"]
    static let eventKeys = ["eventType", "eventCode"]

    /// Reads the parsed `code.json` of folder `folder`; problems go to `issues`.
    static func read(
        _ root: CatalogJSON.Node, file: String, folder: String, defaultLanguage: String,
        registry: DefaultFieldRegistry, issues: inout [CatalogIssue]
    ) -> CodeDefinition {
        var r = JSONReader(file: file)
        var out = CodeDefinition()
        defer { issues += r.issues }
        guard case .object(let members) = root.value else {
            r.fail(root.line, "code.json must be an object, found \(root.value.typeName)")
            return out
        }
        r.checkKeys(members, allowed: keys, in: "code.json")

        let code = r.string(members, "code", required: true)
        if let code, code.value != folder {
            r.fail(code.line, "code \"\(code.value)\" does not match its folder name \"\(folder)\"")
        }
        let description = r.string(members, "description", required: true)

        var methods: [DeliveryMethod] = []
        var methodsReadable = true
        if let list = r.stringArray(members, "methods", required: true) {
            if list.isEmpty, let line = r.line(of: "methods", in: members) {
                r.fail(line, "methods must not be empty")
            }
            for item in list {
                guard let method = DeliveryMethod(rawValue: item.value) else {
                    r.fail(item.line, "unknown method \"\(item.value)\" (known: \(DeliveryMethod.allCases.map(\.rawValue).joined(separator: ", ")))")
                    continue
                }
                if methods.contains(method) {
                    r.fail(item.line, "method \(method) listed twice")
                } else {
                    methods.append(method)
                }
            }
        } else {
            methodsReadable = false
        }
        out.methods = methodsReadable ? methods : nil

        var priority = 2
        if let p = r.integer(members, "priority") {
            if (1...3).contains(p.value) {
                priority = p.value
            } else {
                r.fail(p.line, "priority must be 1 (high), 2 or 3 (low), found \(p.value)")
            }
        }
        var category = "service"
        if let c = r.string(members, "category") {
            if c.value.isEmpty { r.fail(c.line, "category must not be empty") } else { category = c.value }
        }

        let known = registry.knownFields
        let defaultFields = r.stringArray(members, "defaultFields") ?? []
        for f in defaultFields where !known.contains(f.value) {
            r.fail(f.line, "unknown default field \"\(f.value)\" (not provided by any field resolver)")
        }
        var triggerFields: [String: [String]] = [:]
        for key in ["requiredFields", "optionalFields"] {
            let list = r.stringArray(members, key) ?? []
            for f in list {
                if FieldName.isValid(f.value) {
                    out.triggerFields.insert(f.value)
                } else {
                    r.fail(f.line, "\"\(f.value)\" in \(key) is not a field name (letters, digits and _, starting with a letter)")
                }
            }
            triggerFields[key] = list.map(\.value)
        }

        var email: CommsCode.EmailSettings?
        if let e = r.object(members, "email") {
            r.checkKeys(e.members, allowed: emailKeys, in: "email")
            let subject = r.string(e.members, "subject", required: true, in: "email")
            let from = r.string(e.members, "from", required: true, in: "email")
            let replyTo = r.string(e.members, "replyTo", in: "email")
            for address in [from, replyTo].compactMap(\.self) where !address.value.contains("@") {
                r.fail(address.line, "\"\(address.value)\" is not an email address")
            }
            if let subject {
                out.subjects.append(Subject(language: defaultLanguage, text: subject.value, line: subject.line))
            }
            if let subjects = r.object(e.members, "subjects", in: "email") {
                for m in subjects.members {
                    guard let lang = TemplateFileName.normalisedLanguage(m.key) else {
                        r.fail(m.line, "\"\(m.key)\" in email.subjects is not a language tag (like en, fr, en-GB)")
                        continue
                    }
                    guard case .string(let text) = m.node.value else {
                        r.fail(m.node.line, "email.subjects.\(m.key) must be a string, found \(m.node.value.typeName)")
                        continue
                    }
                    if lang == defaultLanguage {
                        r.warn(m.line, "email.subjects.\(m.key) overrides email.subject in the default language")
                        out.subjects.removeAll { $0.language == lang }
                    }
                    out.subjects.append(Subject(language: lang, text: text, line: m.node.line))
                }
            }
            let inlineImages = readAssets(e.members, "inlineImages", inline: true, r: &r, out: &out)
            let attachments = readAssets(e.members, "attachments", inline: false, r: &r, out: &out)
            out.attachLetter = readAttachLetter(e.members, folder: folder, attachments: attachments, r: &r)
            if let subject, let from {
                email = CommsCode.EmailSettings(subject: subject.value, from: from.value, replyTo: replyTo?.value,
                                                inlineImages: inlineImages, attachments: attachments,
                                                attachLetter: out.attachLetter?.file)
            }
            if methodsReadable, !methods.contains(.email) {
                r.warn(e.line, "email settings given but email is not an allowed method")
            }
        } else if methods.contains(.email), let line = r.line(of: "methods", in: members) {
            r.fail(line, "methods include email but there are no email settings (\"email\": {\"subject\": …, \"from\": …})")
        }

        var letterPostage: String?
        if let l = r.object(members, "letter") {
            r.checkKeys(l.members, allowed: letterKeys, in: "letter")
            if let postage = r.string(l.members, "postage", in: "letter") {
                if Self.postageClasses.contains(postage.value) {
                    letterPostage = postage.value
                } else {
                    r.fail(postage.line, "letter.postage \"\(postage.value)\" must be one of \(Self.postageClasses.joined(separator: ", "))")
                }
            }
        }

        var push: CommsCode.PushSettings?
        if let p = r.object(members, "push") {
            push = readPush(p.members, defaultLanguage: defaultLanguage, r: &r, out: &out)
            if methodsReadable, !methods.contains(.push) {
                r.warn(p.line, "push settings given but push is not an allowed method")
            }
        }

        var externalSystem: String?
        if let x = r.object(members, "external") {
            r.checkKeys(x.members, allowed: externalKeys, in: "external")
            if let system = r.string(x.members, "system", required: true, in: "external", at: x.line) {
                if Self.isExternalSystemName(system.value) {
                    externalSystem = system.value
                } else {
                    r.fail(system.line, "external.system \"\(system.value)\" must be a name of letters, digits and _, "
                        + "starting with a letter (a key of the config file's external.systems)")
                }
            }
            if methodsReadable, !methods.contains(.external) {
                r.warn(x.line, "external settings given but external is not an allowed method")
            }
        }

        let agentVisible = r.bool(members, "agentVisible")?.value ?? true
        let active = r.bool(members, "active")?.value ?? true

        var events: [CommsCode.EventLink] = []
        if let list = r.array(members, "workflowEvents") {
            for (i, node) in list.enumerated() {
                guard case .object(let em) = node.value else {
                    r.fail(node.line, "workflowEvents[\(i)] must be an object, found \(node.value.typeName)")
                    continue
                }
                let context = "workflowEvents[\(i)]"
                r.checkKeys(em, allowed: eventKeys, in: context)
                let type = r.string(em, "eventType", required: true, in: context, at: node.line)
                let eventCode = r.string(em, "eventCode", required: true, in: context, at: node.line)
                if let type, let eventCode {
                    events.append(CommsCode.EventLink(eventType: type.value, eventCode: eventCode.value))
                }
            }
        }

        guard !r.issues.contains(where: \.isError), let code, let description else { return out }
        out.code = CommsCode(
            code: code.value, description: description.value, methods: methods, priority: priority,
            category: category, defaultFields: defaultFields.map(\.value),
            requiredFields: triggerFields["requiredFields"] ?? [], optionalFields: triggerFields["optionalFields"] ?? [],
            email: email, agentVisible: agentVisible, active: active, workflowEvents: events
        )
        out.code?.letterPostage = letterPostage
        out.code?.push = push
        out.code?.externalSystem = externalSystem
        return out
    }

    /// Reads code.json `push`: `title` (a template), `titles` per language, `badge` (0 or more),
    /// `sound`, `data` (an object of strings), `collapseId` (at most 64 bytes, Apple's limit),
    /// `ttlSeconds` (positive), `priority` (10 or 5) and `pushType` (`alert` or `background`).
    static func readPush(_ members: [CatalogJSON.Member], defaultLanguage: String, r: inout JSONReader, out: inout CodeDefinition) -> CommsCode.PushSettings {
        r.checkKeys(members, allowed: pushKeys, in: "push")
        var settings = CommsCode.PushSettings()
        if let title = r.string(members, "title", in: "push") {
            out.pushTitles.append(Subject(language: defaultLanguage, text: title.value, line: title.line))
        }
        if let titles = r.object(members, "titles", in: "push") {
            for m in titles.members {
                guard let lang = TemplateFileName.normalisedLanguage(m.key) else {
                    r.fail(m.line, "\"\(m.key)\" in push.titles is not a language tag (like en, fr, en-GB)")
                    continue
                }
                guard case .string(let text) = m.node.value else {
                    r.fail(m.node.line, "push.titles.\(m.key) must be a string, found \(m.node.value.typeName)")
                    continue
                }
                out.pushTitles.removeAll { $0.language == lang }
                out.pushTitles.append(Subject(language: lang, text: text, line: m.node.line))
            }
        }
        for m in members {
            switch (m.key, m.node.value) {
            case ("badge", .number(let n)):
                if let v = Int(n), v >= 0 { settings.badge = v } else { r.fail(m.node.line, "push.badge must be a whole number 0 or more, found \(n)") }
            case ("ttlSeconds", .number(let n)):
                if let v = Int(n), v > 0 { settings.ttlSeconds = v } else { r.fail(m.node.line, "push.ttlSeconds must be a whole number of seconds above 0, found \(n)") }
            case ("priority", .number(let n)):
                if let v = Int(n), v == 10 || v == 5 { settings.priority = v } else { r.fail(m.node.line, "push.priority must be 10 (now) or 5 (when the device wakes), found \(n)") }
            case ("sound", .string(let v)):
                settings.sound = v
            case ("collapseId", .string(let v)):
                if v.utf8.count <= 64 && !v.isEmpty { settings.collapseId = v } else { r.fail(m.node.line, "push.collapseId must be 1 to 64 bytes (Apple's limit)") }
            case ("pushType", .string(let v)):
                if v == "alert" || v == "background" { settings.pushType = v } else { r.fail(m.node.line, "push.pushType must be alert or background, found \"\(v)\"") }
            case ("data", .object(let dm)):
                for d in dm {
                    if case .string(let v) = d.node.value { settings.data[d.key] = v } else {
                        r.fail(d.node.line, "push.data.\(d.key) must be a string, found \(d.node.value.typeName)")
                    }
                }
                if settings.data["aps"] != nil { r.fail(m.node.line, "push.data must not name \"aps\" (APNs keeps it for itself)") }
            case ("title", _), ("titles", _):
                break
            case (let key, let value) where pushKeys.contains(key):
                let expected = ["badge": "a number", "ttlSeconds": "a number", "priority": "a number", "data": "an object"][key] ?? "a string"
                r.fail(m.node.line, "push.\(key) must be \(expected), found \(value.typeName)")
            default:
                break
            }
        }
        return settings
    }

    /// Reads `email.attachLetter`: `true` (the copy is named `<folder lowercased>.pdf`), `false`
    /// (no copy), or the copy's file name — a plain name (no folders, no leading dot, no control
    /// characters) ending in `.pdf`, not also the name of an `email.attachments` file. Whether the
    /// code has a letter template is checked by the loader.
    static func readAttachLetter(
        _ members: [CatalogJSON.Member], folder: String, attachments: [CommsCode.Asset], r: inout JSONReader
    ) -> AssetReference? {
        guard let m = members.first(where: { $0.key == "attachLetter" }) else { return nil }
        let line = m.node.line
        let name: String
        switch m.node.value {
        case .bool(false):
            return nil
        case .bool(true):
            name = "\(folder.lowercased()).pdf"
        case .string(let text):
            if text.isEmpty || text.contains("/") || text.contains("\\") || text.hasPrefix(".")
                || text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                r.fail(line, "email.attachLetter \"\(text)\" must be a plain file name (no folders), like \"statement.pdf\"")
                return nil
            }
            guard text.lowercased().hasSuffix(".pdf") else {
                r.fail(line, "email.attachLetter \"\(text)\" must end in .pdf (the letter is attached as a PDF)")
                return nil
            }
            name = text
        default:
            r.fail(line, "email.attachLetter must be true, false or a file name ending in .pdf, found \(m.node.value.typeName)")
            return nil
        }
        if attachments.contains(where: { $0.file == name }) {
            r.fail(line, "email.attachLetter \"\(name)\" is also the name of a file in email.attachments")
            return nil
        }
        return AssetReference(key: "email.attachLetter", file: name, line: line)
    }

    /// Reads `email.inlineImages` ([{"file", "contentId"}]) or `email.attachments` ([{"file"}]).
    /// File names are plain names inside `assets/` (no folders); Content-IDs are required for
    /// inline images, unique, and free of spaces and angle brackets.
    static func readAssets(
        _ members: [CatalogJSON.Member], _ key: String, inline: Bool, r: inout JSONReader, out: inout CodeDefinition
    ) -> [CommsCode.Asset] {
        guard let list = r.array(members, key) else { return [] }
        var assets: [CommsCode.Asset] = []
        for (i, node) in list.enumerated() {
            let context = "email.\(key)[\(i)]"
            guard case .object(let am) = node.value else {
                r.fail(node.line, "\(context) must be an object, found \(node.value.typeName)")
                continue
            }
            r.checkKeys(am, allowed: inline ? assetKeys : ["file"], in: context)
            guard let file = r.string(am, "file", required: true, in: context, at: node.line) else { continue }
            if file.value.isEmpty || file.value.contains("/") || file.value.contains("\\") || file.value.hasPrefix(".") {
                r.fail(file.line, "\(context).file \"\(file.value)\" must be a file name inside assets/ (no folders)")
                continue
            }
            var contentId: String?
            if inline {
                guard let cid = r.string(am, "contentId", required: true, in: context, at: node.line) else { continue }
                if cid.value.isEmpty || cid.value.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || !$0.isASCII }) {
                    r.fail(cid.line, "\(context).contentId \"\(cid.value)\" must be ASCII without spaces or angle brackets")
                    continue
                }
                if assets.contains(where: { $0.contentId == cid.value }) {
                    r.fail(cid.line, "\(context).contentId \"\(cid.value)\" is used twice")
                    continue
                }
                contentId = cid.value
            }
            out.assets.append(AssetReference(key: "\(context).file", file: file.value, line: file.line))
            assets.append(CommsCode.Asset(file: file.value, contentId: contentId))
        }
        return assets
    }
}
