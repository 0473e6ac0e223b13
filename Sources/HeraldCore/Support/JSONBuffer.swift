/// JSON written by hand on hot paths: byte for byte the text a `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]` writes (no whitespace, `/` unescaped, non-ASCII as
/// UTF-8, control characters as `\n`-style or `\u00XX` escapes), without the encoder's generic
/// machinery, which was the largest single cost of answering a trigger (~7% of `herald serve`'s
/// CPU under `herald bench api`, more than the trigger's SQLite writes) and of an outbox line.
///
/// The caller writes an object's members **in sorted key order** (the order `.sortedKeys`
/// gives: by UTF-8 bytes); dictionaries of user data are sorted here. Tests pin the output to
/// `JSONEncoder`'s for every representation written this way (`JSONBufferTests`, the outbox's).
public struct JSONBuffer {
    /// The JSON text written so far, UTF-8.
    public private(set) var bytes: [UInt8] = []
    /// Whether the next key or array element needs a comma before it.
    private var afterValue = false

    /// An empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    /// Whether `/` is written `\/`, as a `JSONEncoder` without `.withoutEscapingSlashes` does.
    public var escapesSlashes = false

    /// `{`: members follow, each a ``key(_:)`` and its value.
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        afterValue = false
    }

    /// `}`.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        afterValue = true
    }

    /// `[`: values follow.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        afterValue = false
    }

    /// `]`.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        afterValue = true
    }

    /// An object member's key; its value follows.
    public mutating func key(_ key: String) {
        separate()
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
        afterValue = false
    }

    /// A string value.
    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        afterValue = true
    }

    /// A string value, or `null`.
    public mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// An integer value.
    public mutating func int(_ value: Int) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        afterValue = true
    }

    /// An integer value, or `null`.
    public mutating func int(_ value: Int?) {
        if let value { int(value) } else { null() }
    }

    /// `null`.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        afterValue = true
    }

    /// A `[String: String]` object, keys sorted by their UTF-8 bytes as `.sortedKeys` sorts
    /// them (not by `String`'s `<`, which compares canonically equivalent texts as equal).
    public mutating func object(_ dictionary: [String: String]) {
        beginObject()
        for key in dictionary.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            self.key(key)
            string(dictionary[key]!)
        }
        endObject()
    }

    private mutating func separate() {
        if afterValue { bytes.append(UInt8(ascii: ",")) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// `"text"` with the escapes `JSONEncoder` writes. Runs of plain bytes are copied whole.
    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for i in utf8.indices {
                let byte = utf8[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                    || (byte == UInt8(ascii: "/") && escapesSlashes) else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                start = i + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(byte)
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
