import AddrSpec

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
    public var requiresSMTPUTF8: Bool { AddrSpec.needsSMTPUTF8(address) }

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
        let isAtoms = text.utf8.allSatisfy { $0 == 32 || AddrSpec.isAtext($0) }
            && !text.hasPrefix(" ") && !text.hasSuffix(" ") && !zip(text.utf8, text.utf8.dropFirst()).contains { $0 == 32 && $1 == 32 }
        if isAtoms { return text }
        var quoted = "\""
        for character in text {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// Checks the addr-spec with the shared rules (``AddrSpec``).
    static func validate(_ address: String) throws {
        switch AddrSpec.problem(in: address) {
        case nil: return
        case .lineBreak: throw MIMEError.headerInjection("address")
        case let problem?: throw MIMEError.invalidAddress(address, problem.description)
        }
    }
}
