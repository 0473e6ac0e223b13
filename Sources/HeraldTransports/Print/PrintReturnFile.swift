import Foundation
import HeraldCore

/// A print bureau's return file, read: what became of each piece (``Line``), and every line that
/// could not be read (``BadLine``, with its line number and why). Reading never stops at a bad
/// line; an empty file, or a CSV file with only its header, is a file with no lines.
///
/// Two formats, documented in `docs/print-manifest.md` ("Return files"):
/// - **CSV** (RFC 4180) with a header row naming `pieceId`, `status`, `at`, `reason` (any order,
///   any case; `at` and `reason` may be left out; other columns are ignored);
/// - **JSON lines**: one object per line with the keys `pieceId`, `status`, `at`, `reason`
///   (`at` and `reason` may be absent or null; other keys are ignored).
///
/// Either may start with a UTF-8 byte order mark and end lines with LF or CRLF; blank lines are
/// skipped. `status` is one of ``Status`` (any case); `at` is an ISO 8601 time with `Z` or an
/// offset (`2026-12-08T09:30:00Z`, `2026-12-08T09:30:00.5+01:00`) or a date alone
/// (`2026-12-08`, taken as 00:00 UTC); a `posted` line needs its `at`, the posting date.
public struct PrintReturnFile: Sendable, Hashable {
    /// What the bureau says of a piece.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Taken in for printing.
        case accepted
        /// Printed and enclosed.
        case printed
        /// Handed to the postal operator; `at` is the posting date.
        case posted
        /// Came back undelivered (address unknown, moved, refused); `reason` says why.
        case returned
        /// Will not be printed; `reason` says why.
        case rejected
    }

    /// The two formats of a return file.
    public enum Format: String, Sendable, Hashable {
        case csv
        case jsonLines

        /// The format a file's name says: `.csv`, or `.jsonl`/`.ndjson` (any case); nil otherwise.
        public init?(fileName: String) {
            let name = fileName.lowercased()
            if name.hasSuffix(".csv") {
                self = .csv
            } else if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") {
                self = .jsonLines
            } else {
                return nil
            }
        }

        /// The format `bytes` look like: JSON lines when the first character that is not a
        /// byte order mark or white space is `{`, else CSV.
        public init(sniffing bytes: some Collection<UInt8>) {
            let first = bytes.dropFirst(Self.bomLength(bytes)).first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
            self = first == UInt8(ascii: "{") ? .jsonLines : .csv
        }

        static func bomLength(_ bytes: some Collection<UInt8>) -> Int {
            bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        }
    }

    /// One good line: a piece and what happened to it.
    public struct Line: Sendable, Hashable {
        /// The line the record starts on, from 1 (the CSV header is line 1).
        public var number: Int
        public var pieceId: String
        public var status: Status
        /// When it happened, if the bureau says.
        public var at: Date?
        /// The bureau's reason (for `returned` and `rejected`), if any.
        public var reason: String?

        public init(number: Int, pieceId: String, status: Status, at: Date? = nil, reason: String? = nil) {
            self.number = number
            self.pieceId = pieceId
            self.status = status
            self.at = at
            self.reason = reason
        }
    }

    /// Why a line could not be read.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// The CSV header does not name the columns needed (the text says what is wrong).
        case badHeader(String)
        /// A line of a CSV file whose header was bad: it cannot be read.
        case noHeader
        /// The line is not valid UTF-8.
        case notUTF8
        /// The line is not a record: wrong field count, an unclosed quote, not a JSON object, a
        /// field of the wrong JSON type (the text says which).
        case malformed(String)
        case missingPieceId
        case missingStatus
        /// A status that is not one of ``Status``.
        case unknownStatus(String)
        /// An `at` that is not an ISO 8601 time with zone, or a date.
        case badTime(String)
        /// A `posted` line without `at`.
        case postedWithoutTime

        public var description: String {
            switch self {
            case .badHeader(let why): "bad header: \(why)"
            case .noHeader: "not read: the file's header is bad"
            case .notUTF8: "not valid UTF-8"
            case .malformed(let why): "malformed: \(why)"
            case .missingPieceId: "missing pieceId"
            case .missingStatus: "missing status"
            case .unknownStatus(let status): "unknown status \"\(status)\" (accepted, printed, posted, returned or rejected)"
            case .badTime(let at): "bad time \"\(at)\" (ISO 8601 with Z or an offset, or a date)"
            case .postedWithoutTime: "posted without at (the posting date)"
            }
        }
    }

    /// A line that could not be read: where, and why.
    public struct BadLine: Sendable, Hashable, CustomStringConvertible {
        /// The line the record starts on, from 1.
        public var number: Int
        public var problem: Problem

        public init(number: Int, problem: Problem) {
            self.number = number
            self.problem = problem
        }

        public var description: String { "line \(number): \(problem)" }
    }

    /// The format the file was read as.
    public var format: Format
    /// The good lines, in file order.
    public var lines: [Line]
    /// The lines that could not be read, in file order.
    public var bad: [BadLine]

    /// Reads a return file in `format` (by default ``Format/init(sniffing:)``).
    public init(parsing bytes: [UInt8], format: Format? = nil) {
        let format = format ?? Format(sniffing: bytes)
        self.format = format
        self.lines = []
        self.bad = []
        let body = bytes[Format.bomLength(bytes)...]
        switch format {
        case .csv: readCSV(body)
        case .jsonLines: readJSONLines(body)
        }
    }

    // MARK: Fields to a line

    /// Checks one record's fields (nil: absent) and files it as good or bad.
    private mutating func take(number: Int, pieceId: String?, status: String?, at: String?, reason: String?) {
        func fail(_ problem: Problem) { bad.append(BadLine(number: number, problem: problem)) }
        let pieceId = pieceId?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !pieceId.isEmpty else { return fail(.missingPieceId) }
        let statusText = status?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !statusText.isEmpty else { return fail(.missingStatus) }
        guard let status = Status(rawValue: statusText.lowercased()) else { return fail(.unknownStatus(statusText)) }
        var time: Date?
        if let at = at?.trimmingCharacters(in: .whitespaces), !at.isEmpty {
            guard let parsed = Self.parseTime(at) else { return fail(.badTime(at)) }
            time = parsed
        }
        if status == .posted, time == nil { return fail(.postedWithoutTime) }
        let reason = reason.flatMap { $0.isEmpty ? nil : $0 }
        lines.append(Line(number: number, pieceId: pieceId, status: status, at: time, reason: reason))
    }

    // MARK: CSV

    private mutating func readCSV(_ bytes: ArraySlice<UInt8>) {
        var columns: [String: Int]?
        var headerBad = false
        var fieldCount = 0
        var reader = CSVRecords(bytes)
        while let record = reader.next() {
            if record.isBlank { continue }
            if headerBad {
                bad.append(BadLine(number: record.line, problem: .noHeader))
                continue
            }
            let fields = record.strings()
            guard let map = columns else {
                // The first record that is not blank is the header.
                switch (fields, record.problem) {
                case (nil, _):
                    headerBad = true
                    bad.append(BadLine(number: record.line, problem: .badHeader("not valid UTF-8")))
                case (_, let problem?):
                    headerBad = true
                    bad.append(BadLine(number: record.line, problem: .badHeader(problem)))
                case (let fields?, nil):
                    switch Self.header(fields) {
                    case .success(let map):
                        columns = map
                        fieldCount = fields.count
                    case .failure(let problem):
                        headerBad = true
                        bad.append(BadLine(number: record.line, problem: problem))
                    }
                }
                continue
            }
            guard let fields else {
                bad.append(BadLine(number: record.line, problem: .notUTF8))
                continue
            }
            if let problem = record.problem {
                bad.append(BadLine(number: record.line, problem: .malformed(problem)))
                continue
            }
            guard fields.count == fieldCount else {
                bad.append(BadLine(number: record.line, problem: .malformed("\(fields.count) fields, the header has \(fieldCount)")))
                continue
            }
            take(number: record.line, pieceId: map["pieceid"].map { fields[$0] }, status: map["status"].map { fields[$0] },
                 at: map["at"].map { fields[$0] }, reason: map["reason"].map { fields[$0] })
        }
    }

    enum HeaderResult {
        case success([String: Int])
        case failure(Problem)
    }

    /// The header's known columns (lowercased name → index), or why it is bad.
    static func header(_ fields: [String]) -> HeaderResult {
        var map: [String: Int] = [:]
        for (index, field) in fields.enumerated() {
            let name = field.trimmingCharacters(in: .whitespaces).lowercased()
            guard ["pieceid", "status", "at", "reason"].contains(name) else { continue }
            guard map[name] == nil else { return .failure(.badHeader("column \(field) twice")) }
            map[name] = index
        }
        let missing = [("pieceid", "pieceId"), ("status", "status")].filter { map[$0.0] == nil }.map(\.1)
        guard missing.isEmpty else {
            return .failure(.badHeader("no \(missing.joined(separator: " or ")) column (expected pieceId,status,at,reason)"))
        }
        return .success(map)
    }

    // MARK: JSON lines

    private mutating func readJSONLines(_ bytes: ArraySlice<UInt8>) {
        var number = 0
        var start = bytes.startIndex
        while start < bytes.endIndex {
            number += 1
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var line = bytes[start..<end]
            start = end < bytes.endIndex ? end + 1 : end
            if line.last == 0x0D { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard String(validating: line, as: UTF8.self) != nil else {
                bad.append(BadLine(number: number, problem: .notUTF8))
                continue
            }
            guard let value = try? JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed]) else {
                bad.append(BadLine(number: number, problem: .malformed("not JSON")))
                continue
            }
            guard let object = value as? [String: Any] else {
                bad.append(BadLine(number: number, problem: .malformed("not a JSON object")))
                continue
            }
            var fields: [String: String] = [:]
            var wrong: String?
            for key in ["pieceId", "status", "at", "reason"] {
                switch object[key] {
                case nil, is NSNull: break
                case let text as String: fields[key] = text
                default: wrong = wrong ?? "\(key) is not a string"
                }
            }
            if let wrong {
                bad.append(BadLine(number: number, problem: .malformed(wrong)))
                continue
            }
            take(number: number, pieceId: fields["pieceId"], status: fields["status"], at: fields["at"], reason: fields["reason"])
        }
    }

    // MARK: Times

    /// An ISO 8601 time with `Z` or a `±HH:MM` / `±HHMM` offset (seconds and a fraction
    /// optional, `T` or `t` between), or a date alone (00:00 UTC); nil for anything else.
    public static func parseTime(_ text: String) -> Date? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ count: Int) -> Int64? {
            guard i + count <= b.count else { return nil }
            var value: Int64 = 0
            for byte in b[i..<(i + count)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            i += count
            return value
        }
        func expect(_ char: Character) -> Bool {
            guard i < b.count, b[i] == char.asciiValue else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              (1...12).contains(month), (1...CivilDate.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        let midnight = Double(CivilDate.days(year: year, month: month, day: day) * 86_400)
        if i == b.count { return Date(timeIntervalSince1970: midnight) }
        guard expect("T") || expect("t"), let hour = digits(2), expect(":"), let minute = digits(2),
              hour < 24, minute < 60 else { return nil }
        var seconds = Double(hour * 3600 + minute * 60)
        if expect(":") {
            guard let second = digits(2), second < 60 else { return nil }
            seconds += Double(second)
            if expect(".") || expect(",") {
                let from = i
                var fraction = 0.0, scale = 0.1
                while i < b.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) {
                    fraction += Double(b[i] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    i += 1
                }
                guard i > from else { return nil }
                seconds += fraction
            }
        }
        var offset: Double = 0
        if expect("Z") || expect("z") {
        } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign: Double = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let hours = digits(2), hours < 24 else { return nil }
            _ = expect(":")
            guard let minutes = digits(2), minutes < 60 else { return nil }
            offset = sign * Double(hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        return Date(timeIntervalSince1970: midnight + seconds - offset)
    }
}
