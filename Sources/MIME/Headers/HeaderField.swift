/// One header field of a message or body part: a name and an already-structured value.
///
/// The value is kept unfolded; ``rendered()`` folds it into lines of at most 78 characters
/// where there is whitespace to fold at. Values are checked for CR and LF so that merged text
/// can never inject another header field.
public struct HeaderField: Sendable, Hashable {
    /// The field name, e.g. `Subject`.
    public let name: String
    /// The field value, ASCII only, unfolded.
    public let value: String

    /// Creates a header field with an ASCII value; throws on CR/LF (header injection), on non-ASCII
    /// values and on invalid names. Use ``unstructured(_:_:)`` for free text that may need RFC 2047.
    public init(_ name: String, _ value: String) throws {
        try Self.validate(name: name)
        guard !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) else { throw MIMEError.headerInjection(name) }
        guard !EncodedWord.needsEncoding(value) else {
            throw MIMEError.invalidMessage("the value of \(name) has non-ASCII characters; use an unstructured field")
        }
        self.name = name
        self.value = value
    }

    /// Creates a field whose value may hold raw UTF-8 (RFC 6532 addresses); still refuses CR/LF.
    init(utf8Name name: String, _ value: String) throws {
        try Self.validate(name: name)
        guard !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) else { throw MIMEError.headerInjection(name) }
        self.name = name
        self.value = value
    }

    /// Creates an address-list field (`From`, `To`, `Cc`, `Reply-To`) from addresses.
    public static func addresses(_ name: String, _ addresses: [EmailAddress]) throws -> HeaderField {
        try HeaderField(utf8Name: name, addresses.map { try $0.formatted() }.joined(separator: ", "))
    }

    /// Creates an unstructured field (such as `Subject`): non-ASCII text becomes RFC 2047 encoded words.
    public static func unstructured(_ name: String, _ text: String) throws -> HeaderField {
        try validate(name: name)
        guard !text.utf8.contains(where: { $0 == 13 || $0 == 10 }) else { throw MIMEError.headerInjection(name) }
        if EncodedWord.needsEncoding(text) {
            return try HeaderField(name, EncodedWord.encode(text, context: .text, firstWordLimit: 78 - name.utf8.count - 2).joined(separator: " "))
        }
        return try HeaderField(name, text)
    }

    static func validate(name: String) throws {
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }) else {
            throw MIMEError.invalidHeaderName(name)
        }
    }

    /// The field as it goes on the wire, folded at spaces into lines of at most 78 characters
    /// where possible (never above 998), ending with CRLF.
    public func rendered() throws -> String {
        var out: [UInt8] = []
        try write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``rendered()`` to `out` without building strings.
    func write(into out: inout [UInt8]) throws {
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: ":"))
        var lineLength = name.utf8.count + 1
        var value = value
        // Split on single spaces, keeping empty pieces so runs of spaces survive unfolding.
        try value.withUTF8 { v in
            var pieceStart = 0
            for i in 0...v.count where i == v.count || v[i] == 32 {
                let count = i - pieceStart
                if count > 0 && lineLength + 1 + count > 78 {
                    guard lineLength <= 998 else { throw MIMEError.lineTooLong(name) }
                    out.append(13)
                    out.append(10)
                    lineLength = 0
                }
                out.append(32)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: v[pieceStart..<i]))
                lineLength += 1 + count
                pieceStart = i + 1
            }
        }
        guard lineLength <= 998 else { throw MIMEError.lineTooLong(name) }
        out.append(13)
        out.append(10)
    }
}
