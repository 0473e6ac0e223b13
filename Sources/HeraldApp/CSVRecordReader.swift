import Foundation
import HeraldCore

/// A small streamed RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF, LF or CR line
/// ends): records come one at a time from 1 MiB blocks, so the file is never held whole. A
/// quoted field may span lines.
///
/// A record's `raw` is its exact text without the line end (what an import line's key hashes)
/// and `line` the line it starts on. Blank records are skipped. Line numbers count LF, CRLF and
/// CR outside quotes, and only LF not after CR inside them (as earlier releases counted).
struct CSVRecordReader {
    struct Record: Sendable {
        var line: Int
        var fields: [String]
        var raw: String
    }

    private let handle: FileHandle
    private var block: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var finished = false
    /// Bytes read from the file so far.
    private(set) var bytesRead = 0

    private var field: [UInt8] = []
    private var fields: [String] = []
    private var raw: [UInt8] = []
    private var inQuotes = false
    /// A quote inside quotes: it closes the field unless another quote follows.
    private var quotePending = false
    /// The last record ended at CR: an LF right after belongs to it.
    private var skipLF = false
    /// The byte before this one inside quotes (an LF after CR there is not a new line).
    private var previous: UInt8 = 0
    private var line = 1
    private var startLine = 1

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    init(handle: FileHandle) {
        self.handle = handle
    }

    /// The next record, or nil at the end of the file. Throws `invalidInput` (field `FILE`)
    /// naming the line of a quoted field that is never closed.
    mutating func next() throws -> Record? {
        while !finished {
            if position == block.count {
                if atEnd {
                    finished = true
                    if quotePending { quotePending = false; inQuotes = false; raw.append(Self.quote) }
                    if inQuotes { throw Self.neverClosed(startLine) }
                    return endRecord()
                }
                let data = try handle.read(upToCount: 1 << 20) ?? Data()
                if data.isEmpty { atEnd = true; continue }
                block = [UInt8](data)
                position = 0
                bytesRead += data.count
            }
            let c = block[position]
            position += 1
            if let record = consume(c) { return record }
        }
        return nil
    }

    static func neverClosed(_ line: Int) -> HeraldError {
        HeraldError.invalid("FILE", "line \(line): a quoted field is never closed")
    }

    /// Whether a CSV file ends inside a quoted field, without parsing it: every quote toggles
    /// between inside and outside (a doubled quote inside toggles twice), so it does when the
    /// file has an odd number of quotes.
    static func endsInsideQuotes(_ handle: FileHandle) throws -> Bool {
        var odd = false
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            for b in data where b == quote { odd.toggle() }
        }
        return odd
    }

    private mutating func consume(_ c: UInt8) -> Record? {
        if skipLF {
            skipLF = false
            if c == Self.lf { return nil }
        }
        if quotePending {
            quotePending = false
            if c == Self.quote {
                field.append(c)
                raw.append(c)
                raw.append(c)
                previous = c
                return nil
            }
            inQuotes = false
            raw.append(Self.quote)
        }
        if inQuotes {
            if c == Self.quote {
                quotePending = true
                return nil
            }
            if c == Self.lf && previous != Self.cr { line += 1 }
            previous = c
            field.append(c)
            raw.append(c)
            return nil
        }
        switch c {
        case Self.quote:
            inQuotes = true
            previous = 0
            raw.append(c)
        case Self.comma:
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            raw.append(c)
        case Self.lf, Self.cr:
            skipLF = c == Self.cr
            return endRecord()
        default:
            field.append(c)
            raw.append(c)
        }
        return nil
    }

    private mutating func endRecord() -> Record? {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        defer {
            fields = []
            raw.removeAll(keepingCapacity: true)
            line += 1
            startLine = line
        }
        if fields.count == 1 && fields[0].isEmpty { return nil }
        return Record(line: startLine, fields: fields, raw: String(decoding: raw, as: UTF8.self))
    }
}
