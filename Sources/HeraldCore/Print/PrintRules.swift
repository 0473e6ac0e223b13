import Foundation

/// An envelope and the most sheets it holds (`print.envelopes`: `C5:5,C4:60`).
public struct Envelope: Sendable, Hashable {
    public var name: String
    public var maxSheets: Int
    public init(name: String, maxSheets: Int) {
        self.name = name
        self.maxSheets = maxSheets
    }

    /// Parses `C5:5,C4:60`; throws naming the bad entry.
    public static func parseList(_ text: String) throws(HeraldError) -> [Envelope] {
        var out: [Envelope] = []
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let n = Int(parts[1]), n > 0 else {
                throw .invalid("print.envelopes", "entries are NAME:MAXSHEETS separated by commas (e.g. C5:5,C4:60), got '\(entry)'")
            }
            out.append(Envelope(name: parts[0], maxSheets: n))
        }
        guard !out.isEmpty else { throw .invalid("print.envelopes", "names no envelope") }
        return out.sorted { $0.maxSheets < $1.maxSheets }
    }

    /// The smallest envelope that holds `sheets`, or nil when none does.
    public static func choose(for sheets: Int, among envelopes: [Envelope]) -> Envelope? {
        envelopes.sorted { $0.maxSheets < $1.maxSheets }.first { sheets <= $0.maxSheets }
    }
}

/// The daily cut-off at which open batches close (`print.cutoff`: `16:00 Europe/London`).
public struct PrintCutoff: Sendable, Hashable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int
    public var timeZone: TimeZone

    public init(hour: Int, minute: Int, timeZone: TimeZone) {
        self.hour = hour
        self.minute = minute
        self.timeZone = timeZone
    }

    /// Parses `HH:MM Area/City` (the zone defaults to UTC); throws naming what is wrong.
    public init(parsing text: String) throws(HeraldError) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(parts.count) else {
            throw .invalid("print.cutoff", "expected HH:MM and a time zone, e.g. '16:00 Europe/London', got '\(text)'")
        }
        let time = parts[0].split(separator: ":")
        guard time.count == 2, let h = Int(time[0]), let m = Int(time[1]), (0...23).contains(h), (0...59).contains(m) else {
            throw .invalid("print.cutoff", "'\(parts[0])' is not a time HH:MM")
        }
        let zoneName = parts.count == 2 ? String(parts[1]) : "UTC"
        guard let zone = TimeZone(identifier: zoneName) else { throw .invalid("print.cutoff", "unknown time zone '\(zoneName)'") }
        self.init(hour: h, minute: m, timeZone: zone)
    }

    /// The first cut-off strictly after `date`.
    public func next(after date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var c = calendar.dateComponents([.year, .month, .day], from: date)
        c.hour = hour
        c.minute = minute
        c.second = 0
        let today = calendar.date(from: c) ?? date
        if today > date { return today }
        return calendar.date(byAdding: .day, value: 1, to: today) ?? date.addingTimeInterval(86_400)
    }

    public var description: String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute) \(timeZone.identifier)"
    }
}

/// The page count of a PDF as Herald's writer makes it: the `/Count` of its page tree root
/// (`/Type /Pages`). Nil when it cannot be found.
public enum PDFPageCount {
    public static func of(_ pdf: [UInt8]) -> Int? {
        let needle = Array("/Type /Pages".utf8)
        let count = Array("/Count ".utf8)
        guard let start = find(needle, in: pdf, from: 0) else { return nil }
        // The root's dictionary ends at its `>>`; look for /Count within it.
        guard let c = find(count, in: pdf, from: start), c - start < 4_096 else { return nil }
        var i = c + count.count
        var n = 0
        var digits = 0
        while i < pdf.count, (48...57).contains(pdf[i]) {
            n = n * 10 + Int(pdf[i] - 48)
            digits += 1
            i += 1
        }
        return digits > 0 && n > 0 ? n : nil
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i <= hay.count - needle.count {
            if hay[i] == needle[0] && hay[i..<i + needle.count].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
