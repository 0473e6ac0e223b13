import Foundation

/// The keys of a JSON object body, found by scanning its bytes: values are skipped (strings with
/// their escapes, nested objects and arrays by depth), nothing is built. For the trigger path,
/// where `JSONSerialization` parsing the whole body only to list its keys cost about as much as
/// decoding it. The scan takes only plain bodies — an object whose keys are printable ASCII
/// without escapes — and answers nil for anything else, valid or not; it does not validate
/// values (the decoder does).
enum TopLevelKeys {
    static func scan(_ data: Data) -> [String]? {
        data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            return scanner.keys()
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func keys() -> [String]? {
            var keys: [String] = []
            skipBlanks()
            guard next() == UInt8(ascii: "{") else { return nil }
            skipBlanks()
            if peek() == UInt8(ascii: "}") {
                i += 1
                return atEnd() ? keys : nil
            }
            while true {
                skipBlanks()
                guard next() == UInt8(ascii: "\""), let key = plainString() else { return nil }
                keys.append(key)
                skipBlanks()
                guard next() == UInt8(ascii: ":") else { return nil }
                skipBlanks()
                guard skipValue() else { return nil }
                skipBlanks()
                switch next() {
                case UInt8(ascii: ","): continue
                case UInt8(ascii: "}"): return atEnd() ? keys : nil
                default: return nil
                }
            }
        }

        func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func next() -> UInt8? {
            guard i < bytes.count else { return nil }
            defer { i += 1 }
            return bytes[i]
        }

        mutating func skipBlanks() {
            while let b = peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 }
        }

        mutating func atEnd() -> Bool {
            skipBlanks()
            return i == bytes.count
        }

        /// A string after its opening quote, printable ASCII without escapes; nil otherwise.
        mutating func plainString() -> String? {
            let start = i
            while let b = next() {
                if b == UInt8(ascii: "\"") {
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(i - 1)]), as: UTF8.self)
                }
                if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { return nil }
            }
            return nil
        }

        /// Skips one value: a string, an object or array (to its matching end), or a literal.
        mutating func skipValue() -> Bool {
            var depth = 0
            repeat {
                guard let b = next() else { return false }
                switch b {
                case UInt8(ascii: "\""):
                    guard skipString() else { return false }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth < 0 { return false }
                default:
                    if depth == 0 {
                        // A literal (number, true, false, null): up to the next delimiter.
                        while let c = peek(), c != UInt8(ascii: ","), c != UInt8(ascii: "}"), c != 0x20, c != 0x0A, c != 0x0D, c != 0x09 {
                            i += 1
                        }
                    }
                }
            } while depth > 0
            return true
        }

        /// Skips a string after its opening quote, escapes included.
        mutating func skipString() -> Bool {
            while let b = next() {
                if b == UInt8(ascii: "\"") { return true }
                if b == UInt8(ascii: "\\") { guard next() != nil else { return false } }
            }
            return false
        }
    }
}
