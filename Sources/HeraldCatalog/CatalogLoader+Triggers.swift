import Foundation
import HeraldCore

/// The catalog's `triggers/` folder: one `<triggerId>.json` per trigger an external system may
/// name in a notification (``ConfiguredTrigger``):
///
/// ```json
/// {
///   "triggerId": "DATA_80_PCT",
///   "description": "Data allowance threshold crossed (OCS)",
///   "action": "sendComm",
///   "commsCode": "DATA_80",
///   "priority": 1,
///   "fields": {"PERCENT": "PERCENT"},
///   "requiredAttributes": ["PERCENT"]
/// }
/// ```
///
/// `action` is `sendComm` (with `commsCode`) or `raiseEvent` (with `eventType`, `eventCode`,
/// `whenToCreate`: `OnCreate`, the default, or `OnResolve`); `fields` maps merge fields to the
/// attribute names of the notification. Checked with file and line: the id matches the file
/// name (at most 100 characters), the code exists, every mapped field is one the code takes,
/// every field the code requires is mapped from a required attribute, and a raised event has
/// at least one linked code (else a warning).
extension CatalogLoader {
    /// The folder name; no comms code may be named so.
    static let triggersFolder = "triggers"
    static let triggerKeys = ["triggerId", "description", "action", "commsCode", "eventType", "eventCode", "whenToCreate",
                              "priority", "fields", "requiredAttributes"]

    static func readTriggers(_ directory: URL, codes: [String: CommsCode], issues: inout [CatalogIssue]) -> [String: ConfiguredTrigger] {
        let folder = directory.appendingPathComponent(triggersFolder)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else { return [:] }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        var out: [String: ConfiguredTrigger] = [:]
        for name in names {
            let file = "\(triggersFolder)/\(name)"
            guard name.hasSuffix(".json") else {
                issues.append(CatalogIssue(file: file, message: "not a trigger (names end in .json); ignored", severity: .warning))
                continue
            }
            guard let root = readJSON(folder.appendingPathComponent(name), file: file, issues: &issues) else { continue }
            if let trigger = readTrigger(root, file: file, id: String(name.dropLast(5)), codes: codes, issues: &issues) {
                out[trigger.id] = trigger
            }
        }
        return out
    }

    static func readTrigger(_ root: CatalogJSON.Node, file: String, id: String, codes: [String: CommsCode],
                            issues: inout [CatalogIssue]) -> ConfiguredTrigger? {
        var r = JSONReader(file: file)
        defer { issues += r.issues }
        guard case .object(let members) = root.value else {
            r.fail(root.line, "a trigger must be an object, found \(root.value.typeName)")
            return nil
        }
        r.checkKeys(members, allowed: triggerKeys, in: "trigger")
        if id.isEmpty || id.count > 100 { r.fail(1, "a trigger id is 1 to 100 characters (the file name without .json)") }
        if let given = r.string(members, "triggerId"), given.value != id {
            r.fail(given.line, "triggerId \"\(given.value)\" must be the file name without .json (\"\(id)\")")
        }
        let description = r.string(members, "description", required: true)
        let priority = r.integer(members, "priority")
        if let p = priority, !(1...3).contains(p.value) { r.fail(p.line, "priority must be 1, 2 or 3, found \(p.value)") }
        var fields: [String: String] = [:]
        var fieldLines: [String: Int] = [:]
        if let f = r.object(members, "fields") {
            for m in f.members {
                guard FieldName.isValid(m.key) else {
                    r.fail(m.line, "\"\(m.key)\" in fields is not a field name (letters, digits and _, starting with a letter)")
                    continue
                }
                guard case .string(let attribute) = m.node.value, !attribute.isEmpty else {
                    r.fail(m.node.line, "fields.\(m.key) must be the name of an attribute, found \(m.node.value.typeName)")
                    continue
                }
                fields[m.key] = attribute
                fieldLines[m.key] = m.line
            }
        }
        let required = (r.stringArray(members, "requiredAttributes") ?? []).map(\.value)

        let action: ConfiguredTrigger.Action?
        switch r.string(members, "action", required: true) {
        case let a? where a.value == "sendComm":
            if let codeName = r.string(members, "commsCode", required: true) {
                if let code = codes[codeName.value] {
                    let takes = Set(code.requiredFields + code.optionalFields)
                    for (field, _) in fields.sorted(by: { $0.key < $1.key }) where !takes.contains(field) {
                        r.fail(fieldLines[field], "fields.\(field): comms code \(code.code) takes no trigger field \(field) (its requiredFields and optionalFields)")
                    }
                    for field in code.requiredFields {
                        guard let attribute = fields[field] else {
                            r.fail(codeName.line, "comms code \(code.code) requires the field \(field): map it in fields from a required attribute")
                            continue
                        }
                        if !required.contains(attribute) {
                            r.fail(fieldLines[field], "fields.\(field) feeds a field \(code.code) requires: list attribute \(attribute) in requiredAttributes")
                        }
                    }
                    action = .sendComm(commsCode: code.code)
                } else {
                    r.fail(codeName.line, "no comms code \"\(codeName.value)\" in the catalog")
                    action = nil
                }
            } else {
                action = nil
            }
        case let a? where a.value == "raiseEvent":
            let type = r.string(members, "eventType", required: true)
            let code = r.string(members, "eventCode", required: true)
            let when = r.string(members, "whenToCreate")
            if let when, when.value != "OnCreate" && when.value != "OnResolve" {
                r.fail(when.line, "whenToCreate must be OnCreate or OnResolve, found \"\(when.value)\"")
            }
            if let type, let code {
                if !codes.values.contains(where: { $0.isLinked(eventType: type.value, eventCode: code.value) }) {
                    r.warn(code.line, "no comms code is linked to event \(type.value)/\(code.value): the event raises no comm")
                }
                action = .raiseEvent(eventType: type.value, eventCode: code.value, whenToCreate: when?.value ?? "OnCreate")
            } else {
                action = nil
            }
        case let a?:
            r.fail(a.line, "action must be sendComm or raiseEvent, found \"\(a.value)\"")
            action = nil
        case nil:
            action = nil
        }
        guard !r.issues.contains(where: \.isError), let action, let description else { return nil }
        return ConfiguredTrigger(id: id, description: description.value, action: action, priority: priority?.value,
                                 fields: fields, requiredAttributes: required)
    }
}
