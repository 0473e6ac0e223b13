/// The syntax of an e-mail address: one set of rules for every part of Herald that judges an
/// address (the Comms Monitor choosing a target, the customer-data intake, the MIME composer,
/// bounce handling). No dependencies, no Foundation.
///
/// Two levels:
/// - ``isPlausible(_:)``: the light test for a contact point (`local@domain.tld`: one `@`, no
///   blanks or angle brackets, a dot inside the domain). A customer's email must pass it.
/// - ``problem(in:)``: the addr-spec of RFC 5321/5322 with UTF-8 (RFC 6531): lengths, a dot-atom
///   or quoted local part, domain labels or an address literal. Nil when the address can be
///   written into a header and an SMTP envelope.
///
/// Non-ASCII is allowed in atoms and labels; whether it can be sent is ``needsSMTPUTF8(_:)``.
public enum AddrSpec {
    /// What is wrong with an addr-spec. ``description`` is the readable reason (shown in the
    /// API and in history rows, e.g. "email address refused: bad domain label").
    public enum Problem: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case lineBreak
        case noAt
        case emptyLocalPart
        case emptyDomain
        case localPartTooLong
        case tooLong
        case controlCharacter
        case unterminatedQuotedLocalPart
        case badQuotedCharacter
        case danglingEscape
        case emptyAtom
        case invalidLocalPartCharacter
        case badAddressLiteral
        case badDomainLabel
        case invalidDomainCharacter

        public var description: String {
            switch self {
            case .lineBreak: "CR or LF in the address"
            case .noAt: "no @"
            case .emptyLocalPart: "empty local part"
            case .emptyDomain: "empty domain"
            case .localPartTooLong: "local part longer than 64 octets"
            case .tooLong: "longer than 254 octets"
            case .controlCharacter: "control characters"
            case .unterminatedQuotedLocalPart: "unterminated quoted local part"
            case .badQuotedCharacter: "bad character in quoted local part"
            case .danglingEscape: "dangling escape in the local part"
            case .emptyAtom: "empty atom in the local part (leading, trailing or double dot)"
            case .invalidLocalPartCharacter: "invalid character in the local part"
            case .badAddressLiteral: "bad address literal"
            case .badDomainLabel: "bad domain label"
            case .invalidDomainCharacter: "invalid character in the domain"
            }
        }
    }

    /// The first problem of `address` as an addr-spec, or nil when it is one. The split is at the
    /// last `@` (a quoted local part may hold `@`).
    public static func problem(in address: String) -> Problem? {
        let bytes = address.utf8
        if bytes.contains(where: { $0 == 13 || $0 == 10 }) { return .lineBreak }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return .noAt }
        let local = bytes[..<at]
        let domain = bytes[bytes.index(after: at)...]
        if local.isEmpty { return .emptyLocalPart }
        if domain.isEmpty { return .emptyDomain }
        if local.count > 64 { return .localPartTooLong }
        if domain.count > 255 || bytes.count > 254 { return .tooLong }
        if bytes.contains(where: { $0 < 32 || $0 == 127 }) { return .controlCharacter }
        let quote = UInt8(ascii: "\""), dot = UInt8(ascii: "."), hyphen = UInt8(ascii: "-")
        if local.first == quote {
            guard local.count >= 2, local.last == quote else { return .unterminatedQuotedLocalPart }
            var escaped = false
            for byte in local.dropFirst().dropLast() {
                if escaped { escaped = false; continue }
                if byte == UInt8(ascii: "\\") { escaped = true; continue }
                if byte == quote { return .badQuotedCharacter }
            }
            if escaped { return .danglingEscape }
        } else {
            for atom in local.split(separator: dot, omittingEmptySubsequences: false) {
                guard !atom.isEmpty else { return .emptyAtom }
                guard atom.allSatisfy({ $0 >= 128 || isAtext($0) }) else { return .invalidLocalPartCharacter }
            }
        }
        if domain.first == UInt8(ascii: "[") {
            guard domain.count >= 2, domain.last == UInt8(ascii: "]"), domain.allSatisfy({ $0 > 32 && $0 < 127 }) else {
                return .badAddressLiteral
            }
            return nil
        }
        for label in domain.split(separator: dot, omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.count <= 63, label.first != hyphen, label.last != hyphen else { return .badDomainLabel }
            guard label.allSatisfy({ $0 >= 128 || $0 == hyphen || isAlnum($0) }) else { return .invalidDomainCharacter }
        }
        return nil
    }

    /// Whether `s` looks like a contact point: `local@domain.tld`, exactly one `@` with text
    /// before it, no blanks or `<`/`>`, and a dot inside the domain (not first or last).
    public static func isPlausible(_ s: String) -> Bool {
        // ASCII (nearly every address): the checks on bytes, without grapheme breaking.
        let bytes = s.utf8
        if bytes.allSatisfy({ $0 < 128 }) {
            guard !bytes.contains(where: { $0 == 32 || (9...13).contains($0) || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }),
                  let at = bytes.firstIndex(of: UInt8(ascii: "@")), bytes.lastIndex(of: UInt8(ascii: "@")) == at,
                  at != bytes.startIndex else { return false }
            let domain = bytes[bytes.index(after: at)...]
            return domain.contains(UInt8(ascii: ".")) && domain.first != UInt8(ascii: ".") && domain.last != UInt8(ascii: ".")
        }
        return isPlausibleByCharacters(s)
    }

    /// ``isPlausible(_:)`` read by characters (any text; the byte reading must agree with it).
    public static func isPlausibleByCharacters(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].utf8.contains(UInt8(ascii: ".")),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !s.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) else { return false }
        return true
    }

    /// Whether the local part (before the last `@`) has non-ASCII bytes, so that SMTP needs the
    /// SMTPUTF8 extension to deliver to it (a non-ASCII domain can go as IDNA A-labels).
    public static func hasNonASCIILocalPart(_ address: String) -> Bool {
        let bytes = address.utf8
        let local = bytes.lastIndex(of: UInt8(ascii: "@")).map { bytes[..<$0] } ?? bytes[...]
        return local.contains(where: { $0 >= 128 })
    }

    /// Whether the address has any non-ASCII byte (SMTP then needs SMTPUTF8 to send it as is).
    public static func needsSMTPUTF8(_ address: String) -> Bool {
        address.utf8.contains { $0 >= 128 }
    }

    /// RFC 5322 `atext`: ASCII letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    public static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "?"),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"),
            UInt8(ascii: "~"):
            return true
        default:
            return isAlnum(byte)
        }
    }

    /// ASCII letters and digits.
    public static func isAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
