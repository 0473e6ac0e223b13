/// The GSM 03.38 (3GPP TS 23.038) 7-bit default alphabet and its extension table.
///
/// Septets are represented one per byte (unpacked), as SMPP carries them with `data_coding` 0.
/// Characters of the extension table take two septets: the escape 0x1B and the code.
public enum GSM7 {
    /// The escape septet that introduces an extension-table character.
    public static let escape: UInt8 = 0x1B

    /// The basic table, indexed by septet value (0x1B, the escape, maps to a non-breaking space
    /// in decoding only).
    static let basic: [Unicode.Scalar] = [
        "@", "£", "$", "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
        "Δ", "_", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ", "\u{A0}", "Æ", "æ", "ß", "É",
        " ", "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
        "¡", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
        "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "Ä", "Ö", "Ñ", "Ü", "§",
        "¿", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
        "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "ä", "ö", "ñ", "ü", "à",
    ]

    /// The extension table: septet after the escape → character.
    static let extensionTable: [UInt8: Unicode.Scalar] = [
        0x0A: "\u{0C}", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
        0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
    ]

    private static let basicLookup: [Unicode.Scalar: UInt8] = {
        var lookup: [Unicode.Scalar: UInt8] = [:]
        for (index, scalar) in basic.enumerated() where index != 0x1B { lookup[scalar] = UInt8(index) }
        return lookup
    }()

    private static let extensionLookup: [Unicode.Scalar: UInt8] = {
        var lookup: [Unicode.Scalar: UInt8] = [:]
        for (code, scalar) in extensionTable { lookup[scalar] = code }
        return lookup
    }()

    /// The septets of one character: one for the basic table, two (escape + code) for the
    /// extension table, `nil` when the alphabet lacks it.
    public static func septets(for scalar: Unicode.Scalar) -> [UInt8]? {
        if let code = basicLookup[scalar] { return [code] }
        if let code = extensionLookup[scalar] { return [escape, code] }
        return nil
    }

    /// Whether every character of `text` is in the alphabet (basic or extension table).
    public static func canEncode(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { basicLookup[$0] != nil || extensionLookup[$0] != nil }
    }

    /// The number of septets `text` needs (extension characters count two), or `nil` when it
    /// cannot be encoded.
    public static func septetCount(_ text: String) -> Int? {
        var count = 0
        for scalar in text.unicodeScalars {
            if basicLookup[scalar] != nil { count += 1 } else if extensionLookup[scalar] != nil { count += 2 } else { return nil }
        }
        return count
    }

    /// Encodes `text` to unpacked septets, or returns `nil` when a character is not in the
    /// alphabet.
    public static func encode(_ text: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if let code = basicLookup[scalar] {
                result.append(code)
            } else if let code = extensionLookup[scalar] {
                result.append(escape)
                result.append(code)
            } else {
                return nil
            }
        }
        return result
    }

    /// Decodes unpacked septets. Values above 0x7F are masked to 7 bits; an escape followed by
    /// an unknown code decodes as the basic character of that code (per TS 23.038), and a
    /// trailing escape as a space.
    public static func decode(_ septets: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        var iterator = septets.makeIterator()
        while let raw = iterator.next() {
            let septet = raw & 0x7F
            if septet == escape {
                guard let next = iterator.next() else {
                    scalars.append(" ")
                    break
                }
                let code = next & 0x7F
                scalars.append(extensionTable[code] ?? basic[Int(code == escape ? 0x20 : code)])
            } else {
                scalars.append(basic[Int(septet)])
            }
        }
        return String(scalars)
    }
}
