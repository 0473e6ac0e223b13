import Foundation
import HeraldCore

/// The lines of an import file, read in chunks: NDJSON a line at a time from 1 MiB blocks
/// (``LineReader``), CSV a record at a time (``CSVRecordReader``). Only the chunk being read is
/// in memory, whatever the file's size.
struct ImportSource {
    // One of the two readers; optionals so that reading mutates them in place (an enum's payload
    // would be copied, buffer and all, on every read).
    private var lines: LineReader?
    private var records: CSVRecordReader?
    private var columns: [String] = []
    private var lineNumber = 0

    /// Opens `file`. A CSV file is checked first, before anything is imported: its header's
    /// columns, and that no quoted field is left open at its end (one pass counting quotes).
    init(_ file: URL, format: BulkImport.Format) throws {
        switch format {
        case .ndjson:
            lines = try LineReader(url: file)
        case .csv:
            if try CSVRecordReader.endsInsideQuotes(try Self.handle(file)) {
                // Read it through to name the line the open field starts on.
                var reader = CSVRecordReader(handle: try Self.handle(file))
                while try reader.next() != nil {}
            }
            var reader = CSVRecordReader(handle: try Self.handle(file))
            if let header = try reader.next() { columns = try CSVColumns.check(header.fields) }
            records = reader
        }
    }

    static func handle(_ file: URL) throws -> FileHandle {
        guard let handle = FileHandle(forReadingAtPath: file.path) else { throw BulkImport.cannotRead(file) }
        return handle
    }

    /// Bytes of the file read so far.
    var bytesRead: Int { lines?.bytesRead ?? records?.bytesRead ?? 0 }

    /// Up to `limit` more lines (blank lines skipped) with their digests, computed in `parts`
    /// tasks at once, and the values of CSV records (NDJSON lines are parsed later, by
    /// ``parse(_:into:except:parts:)``). Nil at the end of the file.
    mutating func next(limit: Int, parts: Int) async throws -> (rows: [ImportRow], values: [ImportLine?])? {
        if lines != nil {
            var texts: [(line: Int, text: String)] = []
            texts.reserveCapacity(limit)
            while texts.count < limit, let bytes = try lines?.next() {
                lineNumber += 1
                texts.append((lineNumber, String(decoding: bytes, as: UTF8.self)))
            }
            if texts.isEmpty { return nil }
            let rows = await Self.inParallel(texts, parts: parts) { slice in
                slice.compactMap { number, text in
                    let raw = ImportSource.trimmed(text)
                    return raw.isEmpty ? nil : ImportRow(line: number, raw: raw)
                }
            }
            return (rows, [ImportLine?](repeating: nil, count: rows.count))
        }
        var rows: [ImportRow] = []
        var values: [ImportLine?] = []
        while rows.count < limit, let record = try records?.next() {
            rows.append(ImportRow(line: record.line, raw: record.raw))
            values.append(CSVColumns.value(record, columns: columns))
        }
        return rows.isEmpty ? nil : (rows, values)
    }

    /// Parses the NDJSON lines whose value is still nil, except those marked in `skip` (lines
    /// already imported, which are never parsed again), in `parts` tasks at once.
    static func parse(_ rows: [ImportRow], into values: inout [ImportLine?], except skip: [Bool], parts: Int) async {
        let current = values
        let parsed = await inParallel(Array(rows.indices), parts: parts) { slice in
            let decoder = JSONDecoder()
            return slice.map { i -> ImportLine? in
                guard !skip[i], current[i] == nil else { return current[i] }
                return ImportLine.ndjson(rows[i].raw, line: rows[i].line, decoder: decoder)
            }
        }
        values = parsed
    }

    /// `transform` applied to `parts` slices of `items` at once (one slice below 1,000 items);
    /// the results joined in order. JSON and SHA-256 are most of an import's CPU.
    static func inParallel<T: Sendable, R: Sendable>(_ items: [T], parts: Int,
                                                     _ transform: @escaping @Sendable (ArraySlice<T>) -> [R]) async -> [R] {
        let parts = items.count < 1_000 ? 1 : max(1, parts)
        if parts == 1 { return transform(items[...]) }
        let size = (items.count + parts - 1) / parts
        return await withTaskGroup(of: (Int, [R]).self) { group in
            for part in 0..<parts where part * size < items.count {
                let slice = items[(part * size)..<min(items.count, (part + 1) * size)]
                group.addTask { (part, transform(slice)) }
            }
            var results = [[R]](repeating: [], count: parts)
            for await (part, rows) in group { results[part] = rows }
            return Array(results.joined())
        }
    }

    /// The line without leading and trailing spaces and tabs (Unicode `Zs` and U+0009, as
    /// `CharacterSet.whitespaces`): the text its key hashes. Most lines start with `{` and end
    /// with `}` and are returned as they are.
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        func plain(_ b: UInt8) -> Bool { b < 0x80 && b != 0x20 && b != 0x09 }
        if plain(first) && plain(last) { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }
}

/// The CSV header and the conversion of a record to an import line.
enum CSVColumns {
    static let known: Set<String> = ["commsCode", "customerId", "accountId", "subscriptionId", "priority", "deliveryMethod",
                                     "idempotencyKey", "eventType", "eventCode", "whenToCreate"]

    /// The header's column names (trimmed); throws `invalidInput` (field `FILE`) for an unknown one.
    static func check(_ header: [String]) throws -> [String] {
        let columns = header.map { $0.trimmingCharacters(in: .whitespaces) }
        for c in columns where !known.contains(c) && !c.hasPrefix("field.") {
            throw HeraldError.invalid("FILE", "unknown CSV column '\(c)'; expected \(known.sorted().joined(separator: ", ")) or field.NAME")
        }
        return columns
    }

    static func value(_ rec: CSVRecordReader.Record, columns: [String]) -> ImportLine {
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
        return v
    }
}
