/// A growable byte buffer with fast formatting of PDF tokens (numbers, names, strings, hex glyph codes).
///
/// Numbers are formatted without Foundation: integers directly, reals rounded to at most three
/// decimals, never in exponent notation, as PDF syntax requires.
struct PDFBuffer {
    /// The bytes written so far.
    var bytes: [UInt8]

    init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(bytes other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    mutating func append<S: Sequence>(contentsOf other: S) where S.Element == UInt8 {
        bytes.append(contentsOf: other)
    }

    /// Appends the UTF-8 bytes of a string as they are (no escaping).
    mutating func append(raw text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends an integer in decimal.
    mutating func append(int value: Int) {
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        if magnitude < 10 {
            bytes.append(48 &+ UInt8(truncatingIfNeeded: magnitude))
            return
        }
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(48 &+ UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    /// Appends a real number rounded to at most three decimals, without exponent and without
    /// trailing zeros (`12`, `0.5`, `-3.125`). Non-finite values are written as `0`.
    mutating func append(number value: Double) {
        guard value.isFinite else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        let scaled = (value * 1000).rounded()
        // Clamp far outside any meaningful PDF value (the implementation limit is about ±3.4e38,
        // but real-world coordinates stay below 1e9); avoids Int64 overflow.
        let clamped = Swift.min(Swift.max(scaled, -9.0e15), 9.0e15)
        var milli = Int64(clamped)
        if milli < 0 {
            bytes.append(UInt8(ascii: "-"))
            milli = -milli
        }
        let integral = milli / 1000
        let fraction = Int(milli % 1000)
        append(int: Int(integral))
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            let d1 = fraction / 100, d2 = (fraction / 10) % 10, d3 = fraction % 10
            bytes.append(48 &+ UInt8(truncatingIfNeeded: d1))
            if d2 != 0 || d3 != 0 { bytes.append(48 &+ UInt8(truncatingIfNeeded: d2)) }
            if d3 != 0 { bytes.append(48 &+ UInt8(truncatingIfNeeded: d3)) }
        }
    }

    /// Appends an indirect reference `n 0 R`.
    mutating func append(reference object: Int) {
        append(int: object)
        append(" 0 R")
    }

    /// Appends `/Name`, escaping bytes outside the regular-character range as `#xx`.
    mutating func append(name: String) {
        bytes.append(UInt8(ascii: "/"))
        for byte in name.utf8 {
            if byte > 0x20, byte < 0x7F, !PDFBuffer.isDelimiter(byte), byte != UInt8(ascii: "#") {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "#"))
                bytes.append(PDFBuffer.hexDigits[Int(byte >> 4)])
                bytes.append(PDFBuffer.hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    /// Appends four uppercase hex digits for a two-byte code (no angle brackets).
    @inline(__always)
    mutating func append(hex16 value: UInt16) {
        bytes.append(PDFBuffer.hexDigits[Int(value >> 12)])
        bytes.append(PDFBuffer.hexDigits[Int((value >> 8) & 0xF)])
        bytes.append(PDFBuffer.hexDigits[Int((value >> 4) & 0xF)])
        bytes.append(PDFBuffer.hexDigits[Int(value & 0xF)])
    }

    /// Appends bytes as uppercase hex digits (no angle brackets).
    mutating func append(hex data: some Sequence<UInt8>) {
        for byte in data {
            bytes.append(PDFBuffer.hexDigits[Int(byte >> 4)])
            bytes.append(PDFBuffer.hexDigits[Int(byte & 0x0F)])
        }
    }

    /// Appends a literal string `( … )` of raw bytes, escaping `(`, `)`, `\` and control bytes.
    mutating func append(literal data: some Sequence<UInt8>) {
        bytes.append(UInt8(ascii: "("))
        for byte in data {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0..<0x20, 0x7F...:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(48 &+ (byte >> 6))
                bytes.append(48 &+ ((byte >> 3) & 7))
                bytes.append(48 &+ (byte & 7))
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: ")"))
    }

    /// Appends a PDF text string: an (escaped) literal string when the text is ASCII, otherwise a
    /// hex string in UTF-16BE with a byte-order mark.
    mutating func append(textString text: String) {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            append(literal: text.utf8)
            return
        }
        append("<FEFF")
        for unit in text.utf16 { append(hex16: unit) }
        bytes.append(UInt8(ascii: ">"))
    }

    static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    @inline(__always)
    static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
             UInt8(ascii: "/"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }
}
