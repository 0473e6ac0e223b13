import Crypto
import Foundation
import HeraldCore
import HeraldSQLite

/// `herald import FILE`: triggers and customer data in bulk from NDJSON (one JSON object a
/// line) or CSV (a header row; columns `commsCode, customerId, accountId, subscriptionId,
/// priority, deliveryMethod, idempotencyKey`, and one `field.NAME` column per merge field).
///
/// NDJSON lines:
/// - `{"customer": {...}}`, `{"account": {...}}`, `{"subscription": {...}}` — customer data, the
///   same shapes as `PUT /v1/customers/{id}` etc. with the `id` inside; applied in file order
///   (upserts, so re-running is harmless), so later trigger lines may target them;
/// - a line with `eventType` — a workflow event (`eventCode`, `whenToCreate`, target, `fields`);
/// - otherwise a comms request (`commsCode`, one target, `priority`, `deliveryMethod`, `fields`).
///
/// Resumable: each line's idempotency key is its `idempotencyKey`, or the SHA-256 of the line
/// + `#n` for the n-th identical line (scoped to `import|`), so re-running a file (after a
/// crash, or with lines appended) skips every line already taken, before validating it again. Lines are validated one by one and
/// stored in batches of 500 in one transaction; a bad line is reported with its number and
/// reason and never stops the rest.
public struct BulkImport: Sendable {
    public struct Summary: Sendable, Hashable {
        public var lines = 0
        public var created = 0
        public var skipped = 0
        /// Customer-data lines applied (customers, accounts, subscriptions).
        public var dataApplied = 0
        public var rejected: [(line: Int, reason: String)] = []
        public static func == (a: Summary, b: Summary) -> Bool {
            a.lines == b.lines && a.created == b.created && a.skipped == b.skipped && a.rejected.map(\.line) == b.rejected.map(\.line)
        }
        public func hash(into h: inout Hasher) { h.combine(lines); h.combine(created); h.combine(skipped) }
    }

    public enum Format: String, Sendable, CaseIterable { case ndjson, csv }

    public let runtime: HeraldRuntime
    public var batchSize = 500
    public var actor = "import"

    public init(runtime: HeraldRuntime) {
        self.runtime = runtime
    }

    /// Imports `file`; `progress(done, total)` is called after each batch.
    public func run(file: URL, format: Format?, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Summary {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw HeraldError.invalid("FILE", "cannot read \(file.path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let fmt = format ?? (file.pathExtension.lowercased() == "csv" ? .csv : .ndjson)
        let rows = try fmt == .csv ? CSVRows.parse(text) : ndjsonRows(text)
        var summary = Summary()
        summary.lines = rows.count
        var occurrences: [String: Int] = [:]
        var pending: [(Int, TriggerSubmission)] = []
        for (index, row) in rows.enumerated() {
            let number = row.line
            do {
                if try await applyData(row.value) {
                    summary.dataApplied += 1
                    if index == rows.count - 1 {
                        try await flush(&pending, into: &summary)
                        progress(index + 1, rows.count)
                    }
                    continue
                }
                // The key comes first, from the line alone: the n-th identical line is #n on
                // every run, whatever passed validation, and a line already taken is skipped
                // before it is validated again (its target may have changed since).
                let digest = Hex.sha256(row.raw)
                occurrences[digest, default: 0] += 1
                let key = row.value.idempotencyKey ?? "\(digest)#\(occurrences[digest]!)"
                let idempotency = TriggerIntake.scoped(.init(key: key, bodyHash: digest), actor: actor)!
                if try await runtime.store.replay(idempotency) != nil {
                    summary.skipped += 1
                } else {
                    var submission = try await prepare(row.value)
                    submission.idempotency = idempotency
                    pending.append((number, submission))
                }
            } catch let e as HeraldError {
                summary.rejected.append((number, e.description))
            }
            if pending.count >= batchSize || index == rows.count - 1 {
                try await flush(&pending, into: &summary)
                progress(index + 1, rows.count)
            }
        }
        try await flush(&pending, into: &summary)
        if summary.created > 0 { runtime.signals.ring(.monitor) }
        return summary
    }

    func flush(_ pending: inout [(Int, TriggerSubmission)], into summary: inout Summary) async throws {
        guard !pending.isEmpty else { return }
        let results = try await runtime.store.submitBatch(pending.map(\.1), idempotencyWindow: .seconds(365 * 24 * 3600))
        for ((line, _), result) in zip(pending, results) {
            switch result {
            case .success(let r) where r.replayed: summary.skipped += 1  // a duplicate key within this run
            case .success: summary.created += 1
            case .failure(let e): summary.rejected.append((line, e.description))
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Applies a customer-data line; false when the line is a trigger.
    func applyData(_ v: ImportLine) async throws -> Bool {
        if let reason = v.invalidReason { throw HeraldError.invalid(nil, reason) }
        if let c = v.customer {
            try await runtime.store.upsertCustomer(try c.validated(id: c.id ?? ""))
        } else if let a = v.account {
            try await runtime.store.upsertAccount(try a.validated(id: a.id ?? ""))
        } else if let s = v.subscription {
            try await runtime.store.upsertSubscription(try s.validated(id: s.id ?? ""))
        } else {
            return false
        }
        return true
    }

    func prepare(_ v: ImportLine) async throws -> TriggerSubmission {
        if let reason = v.invalidReason { throw HeraldError.invalid(nil, reason) }
        if v.eventType != nil || v.eventCode != nil {
            return try await runtime.intake.prepare(
                WorkflowEventInput(eventType: v.eventType, eventCode: v.eventCode, customerId: v.customerId, accountId: v.accountId,
                                   subscriptionId: v.subscriptionId, whenToCreate: v.whenToCreate, priority: v.priority, fields: v.fields),
                actor: actor, source: .import)
        }
        let request = try await runtime.intake.prepare(
            CommsRequestInput(commsCode: v.commsCode, customerId: v.customerId, accountId: v.accountId, subscriptionId: v.subscriptionId,
                              priority: v.priority, deliveryMethod: v.deliveryMethod, fields: v.fields),
            actor: actor, source: .import)
        return TriggerSubmission(requests: [request], actor: actor)
    }

    struct Row {
        var line: Int
        var raw: String
        var value: ImportLine
    }

    func ndjsonRows(_ text: String) throws -> [Row] {
        var rows: [Row] = []
        let decoder = JSONDecoder()
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let raw = line.trimmingCharacters(in: .whitespaces)
            if raw.isEmpty { continue }
            do {
                let data = Data(raw.utf8)
                // Unknown keys are refused, as the API refuses them: a typo like "feilds" must
                // not send a comm without its fields.
                if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                   let unknown = object.keys.sorted().first(where: { ImportLine.CodingKeys(stringValue: $0) == nil }) {
                    rows.append(Row(line: i + 1, raw: raw, value: ImportLine(invalid: "line \(i + 1): unknown key '\(unknown)'")))
                    continue
                }
                rows.append(Row(line: i + 1, raw: raw, value: try decoder.decode(ImportLine.self, from: data)))
            } catch {
                rows.append(Row(line: i + 1, raw: raw, value: ImportLine(invalid: "line \(i + 1) is not a valid trigger object: \(error)")))
            }
        }
        return rows
    }
}

/// One import line, NDJSON or CSV.
struct ImportLine: Decodable, Sendable {
    var customer: CustomerInput?
    var account: AccountInput?
    var subscription: SubscriptionInput?
    var commsCode: String?
    var customerId: String?
    var accountId: String?
    var subscriptionId: String?
    var priority: Int?
    var deliveryMethod: String?
    var fields: [String: String]?
    var idempotencyKey: String?
    var eventType: String?
    var eventCode: String?
    var whenToCreate: String?

    /// Set for a line that failed to parse; the line is rejected with this reason.
    var invalidReason: String?

    enum CodingKeys: String, CodingKey {
        case commsCode, customerId, accountId, subscriptionId, priority, deliveryMethod, fields, idempotencyKey
        case eventType, eventCode, whenToCreate, customer, account, subscription
    }

    init() {}
    init(invalid reason: String) {
        invalidReason = reason
    }
}

/// A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF or LF).
enum CSVRows {
    static func parse(_ text: String) throws -> [BulkImport.Row] {
        var records: [(line: Int, fields: [String], raw: String)] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1
        var startLine = 1
        var raw = ""
        var chars = Array(text)
        if chars.last != "\n" { chars.append("\n") }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); raw.append("\"\""); i += 2; continue }
                    inQuotes = false
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                raw.append(c)
            } else if c == "\"" {
                inQuotes = true
                raw.append(c)
            } else if c == "," {
                fields.append(field); field = ""; raw.append(c)
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                fields.append(field); field = ""
                if !(fields.count == 1 && fields[0].isEmpty) { records.append((startLine, fields, raw)) }
                fields = []; raw = ""
                line += 1
                startLine = line
            } else {
                field.append(c); raw.append(c)
            }
            i += 1
        }
        if inQuotes {
            throw HeraldError.invalid("FILE", "line \(startLine): a quoted field is never closed")
        }
        guard let header = records.first else { return [] }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let known: Set<String> = ["commsCode", "customerId", "accountId", "subscriptionId", "priority", "deliveryMethod", "idempotencyKey",
                                  "eventType", "eventCode", "whenToCreate"]
        for c in columns where !known.contains(c) && !c.hasPrefix("field.") {
            throw HeraldError.invalid("FILE", "unknown CSV column '\(c)'; expected \(known.sorted().joined(separator: ", ")) or field.NAME")
        }
        return records.dropFirst().map { rec in
            var v = ImportLine()
            var fieldValues: [String: String] = [:]
            var invalid: String?
            if rec.fields.count != columns.count { invalid = "line \(rec.line) has \(rec.fields.count) columns, the header has \(columns.count)" }
            for (name, value) in zip(columns, rec.fields) where !value.isEmpty {
                switch name {
                case "commsCode": v.commsCode = value
                case "customerId": v.customerId = value
                case "accountId": v.accountId = value
                case "subscriptionId": v.subscriptionId = value
                case "priority":
                    if let p = Int(value) { v.priority = p } else { invalid = "priority '\(value)' is not a number" }
                case "deliveryMethod": v.deliveryMethod = value
                case "idempotencyKey": v.idempotencyKey = value
                case "eventType": v.eventType = value
                case "eventCode": v.eventCode = value
                case "whenToCreate": v.whenToCreate = value
                default: fieldValues[String(name.dropFirst("field.".count))] = value
                }
            }
            if !fieldValues.isEmpty { v.fields = fieldValues }
            if let invalid { v = ImportLine(invalid: invalid) }
            return BulkImport.Row(line: rec.line, raw: rec.raw, value: v)
        }
    }
}

/// Lower-case hex digests.
enum Hex {
    static func sha256(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in SHA256.hash(data: Data(text.utf8)) {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
