/// An e-mail address with an optional display name, formatted per RFC 5322.
///
/// The addr-spec is validated when the value is made (a dot-atom local part or a quoted one, a
/// domain of labels); non-ASCII is allowed (it then needs SMTPUTF8, see ``requiresSMTPUTF8``).
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The display name, if any (any Unicode text without CR/LF).
    public let displayName: String?
    /// The addr-spec, `local@domain`.
    public let address: String

    /// Creates an address; throws ``MIMEError`` for an invalid addr-spec or CR/LF in the display name.
    public init(_ address: String, displayName: String? = nil) throws {
        try Self.validate(address)
        if let displayName, displayName.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            throw MIMEError.headerInjection("display name")
        }
        self.address = address
        self.displayName = (displayName?.isEmpty ?? true) ? nil : displayName
    }

    /// The part before the last `@`.
    public var localPart: Substring { address[..<address.lastIndex(of: "@")!] }
    /// The part after the last `@`.
    public var domain: Substring { address[address.index(after: address.lastIndex(of: "@")!)...] }

    /// Whether the addr-spec has non-ASCII characters, so SMTP needs the SMTPUTF8 extension.
    public var requiresSMTPUTF8: Bool { address.utf8.contains { $0 >= 128 } }

    public var description: String { (try? formatted()) ?? address }

    /// The address as it appears in a header: `addr`, `Name <addr>`, `"Name, Inc." <addr>` or
    /// `=?UTF-8?B?...?= <addr>`.
    public func formatted() throws -> String {
        guard let displayName else { return address }
        return Self.phrase(displayName) + " <" + address + ">"
    }

    /// The display name as an RFC 5322 phrase: atoms as they are, a quoted-string when there
    /// are specials, encoded words when there is non-ASCII.
    static func phrase(_ text: String) -> String {
        if EncodedWord.needsEncoding(text) {
            return EncodedWord.encode(text, context: .phrase).joined(separator: " ")
        }
        let isAtoms = text.utf8.allSatisfy { $0 == 32 || isAtext($0) }
            && !text.hasPrefix(" ") && !text.hasSuffix(" ") && !zip(text.utf8, text.utf8.dropFirst()).contains { $0 == 32 && $1 == 32 }
        if isAtoms { return text }
        var quoted = "\""
        for character in text {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "?"),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Checks the addr-spec byte by byte (UTF-8; non-ASCII allowed in atoms and labels).
    static func validate(_ address: String) throws {
        let bytes = Array(address.utf8)
        guard !bytes.contains(where: { $0 == 13 || $0 == 10 }) else { throw MIMEError.headerInjection("address") }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { throw MIMEError.invalidAddress(address, "no @") }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard !local.isEmpty, local.count <= 64 else { throw MIMEError.invalidAddress(address, "bad local-part length") }
        guard !domain.isEmpty, domain.count <= 255 else { throw MIMEError.invalidAddress(address, "bad domain length") }
        guard bytes.count <= 254 else { throw MIMEError.invalidAddress(address, "longer than 254 octets") }
        let quote = UInt8(ascii: "\""), dot = UInt8(ascii: "."), hyphen = UInt8(ascii: "-")

        if local.first == quote {
            guard local.count >= 2, local.last == quote else { throw MIMEError.invalidAddress(address, "unterminated quoted local-part") }
            var escaped = false
            for byte in local.dropFirst().dropLast() {
                if escaped { escaped = false; continue }
                if byte == UInt8(ascii: "\\") { escaped = true; continue }
                if byte == quote || byte < 32 || byte == 127 {
                    throw MIMEError.invalidAddress(address, "bad character in quoted local-part")
                }
            }
            if escaped { throw MIMEError.invalidAddress(address, "dangling escape") }
        } else {
            for atom in local.split(separator: dot, omittingEmptySubsequences: false) {
                guard !atom.isEmpty else { throw MIMEError.invalidAddress(address, "empty atom in local-part") }
                guard atom.allSatisfy({ $0 >= 128 || isAtext($0) }) else {
                    throw MIMEError.invalidAddress(address, "invalid character in local-part")
                }
            }
        }

        if domain.first == UInt8(ascii: "[") {
            guard domain.last == UInt8(ascii: "]"), domain.allSatisfy({ $0 > 32 && $0 < 127 }) else {
                throw MIMEError.invalidAddress(address, "bad address literal")
            }
            return
        }
        for label in domain.split(separator: dot, omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.count <= 63, label.first != hyphen, label.last != hyphen else {
                throw MIMEError.invalidAddress(address, "bad domain label")
            }
            guard label.allSatisfy({ $0 >= 128 || $0 == hyphen || isAlnum($0) }) else {
                throw MIMEError.invalidAddress(address, "invalid character in domain")
            }
        }
    }

    private static func isAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
