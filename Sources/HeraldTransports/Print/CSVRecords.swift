import Foundation

/// RFC 4180 records over bytes, each with the line it starts on; tolerant: a record that
/// cannot be read says why (``Record/problem``) and reading goes on after it.
struct CSVRecords {
    struct Record {
        var line: Int
        var fields: [ArraySlice<UInt8>]
        /// Fields whose quotes were doubled (`""`): they need unescaping.
        var quoted: [Bool]
        var problem: String?

        var isBlank: Bool {
            fields.count == 1 && !quoted[0] && fields[0].allSatisfy { $0 == 0x20 || $0 == 0x09 } && problem == nil
        }

        /// The fields as text; nil when one is not UTF-8.
        func strings() -> [String]? {
            var out: [String] = []
            for (field, quoted) in zip(fields, quoted) {
                guard var text = String(validating: field, as: UTF8.self) else { return nil }
                if quoted { text = text.replacingOccurrences(of: "\"\"", with: "\"") }
                out.append(text)
            }
            return out
        }
    }

    private let bytes: ArraySlice<UInt8>
    private var index: Int
    private var line = 1

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    mutating func next() -> Record? {
        guard index < bytes.endIndex else { return nil }
        var record = Record(line: line, fields: [], quoted: [], problem: nil)
        while true {
            // One field.
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                let start = index
                var closed = false
                while index < bytes.endIndex {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\"") {
                        if index + 1 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: "\"") {
                            index += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    if byte == 0x0A { line += 1 }
                    index += 1
                }
                record.fields.append(bytes[start..<index])
                record.quoted.append(true)
                if !closed {
                    record.problem = "a quote is not closed"
                    return record
                }
                index += 1  // the closing quote
                // Only a separator or the end of the record may follow.
                if index < bytes.endIndex, ![UInt8(ascii: ","), 0x0A, 0x0D].contains(bytes[index]) {
                    record.problem = record.problem ?? "text after a closing quote"
                    while index < bytes.endIndex, ![UInt8(ascii: ","), 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
                }
            } else {
                let start = index
                while index < bytes.endIndex, ![UInt8(ascii: ","), 0x0A, 0x0D].contains(bytes[index]) {
                    if bytes[index] == UInt8(ascii: "\"") { record.problem = record.problem ?? "a quote inside an unquoted field" }
                    index += 1
                }
                record.fields.append(bytes[start..<index])
                record.quoted.append(false)
            }
            // After the field.
            guard index < bytes.endIndex else { return record }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case 0x0D:
                index += 1
                if index < bytes.endIndex, bytes[index] == 0x0A { index += 1 }
                line += 1
                return record
            default:  // LF
                index += 1
                line += 1
                return record
            }
        }
    }
}
