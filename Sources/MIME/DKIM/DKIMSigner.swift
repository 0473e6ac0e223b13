import Crypto
import Foundation

/// Signs composed messages with DKIM (RFC 6376), relaxed/relaxed, rsa-sha256 or ed25519-sha256 (RFC 8463).
///
/// ```swift
/// let signer = DKIMSigner(domain: "example.com", selector: "s1", key: try DKIMPrivateKey(pemFile: path))
/// let signed = try signer.sign(message.bytes)
/// ```
public struct DKIMSigner: Sendable {
    /// The headers signed by default, when present (From is always signed).
    public static let defaultSignedHeaders = [
        "from", "to", "cc", "reply-to", "subject", "date", "message-id", "mime-version",
        "content-type", "content-transfer-encoding", "list-unsubscribe", "list-unsubscribe-post",
    ]

    /// The signing domain (`d=`).
    public var domain: String
    /// The selector (`s=`).
    public var selector: String
    /// The private key; its type sets `a=`.
    public var key: DKIMPrivateKey
    /// Header names to sign when present, matched case-insensitively (`h=`).
    public var signedHeaders: [String] {
        didSet { wantedNames = Self.wantedNames(signedHeaders) }
    }
    /// `signedHeaders` in relaxed form with `from` first when missing, made once (not per message).
    private var wantedNames: [ArraySlice<UInt8>]
    /// Whether to add `t=` (the signing time).
    public var includeTimestamp: Bool

    /// Creates a signer.
    public init(
        domain: String, selector: String, key: DKIMPrivateKey,
        signedHeaders: [String] = DKIMSigner.defaultSignedHeaders, includeTimestamp: Bool = true
    ) {
        self.domain = domain
        self.selector = selector
        self.key = key
        self.signedHeaders = signedHeaders
        self.wantedNames = Self.wantedNames(signedHeaders)
        self.includeTimestamp = includeTimestamp
    }

    private static func wantedNames(_ headers: [String]) -> [ArraySlice<UInt8>] {
        var wanted = headers.map { DKIMCanonicalization.relaxedName($0.utf8) }
        if !wanted.contains(Array("from".utf8)[...]) { wanted.insert(Array("from".utf8)[...], at: 0) }
        return wanted
    }

    /// Returns `message` with a `DKIM-Signature` header field prepended.
    public func sign(_ message: [UInt8], at date: Date = Date()) throws -> [UInt8] {
        try Array(signatureField(for: message, at: date).utf8) + message
    }

    /// The `DKIM-Signature` field for `message` (folded, ending with CRLF).
    public func signatureField(for message: [UInt8], at date: Date = Date()) throws -> String {
        for value in [domain, selector] where !Self.isTagValue(value) {
            throw MIMEError.invalidMessage("DKIM domain and selector must be non-empty without ';' or spaces")
        }
        let (headers, body) = try DKIMCanonicalization.split(message)
        let bodyHash = Self.base64(SHA256.hash(data: DKIMCanonicalization.relaxedBody(body)))

        // Pick header instances bottom-up for each listed name (RFC 6376 §5.4.2).
        var used = [Bool](repeating: false, count: headers.count)
        var names: [ArraySlice<UInt8>] = []
        var signedData: [UInt8] = []
        signedData.reserveCapacity(1024)
        let lowered = headers.map { DKIMCanonicalization.relaxedName($0.name) }
        for name in wantedNames {
            guard let index = lowered.indices.reversed().first(where: { !used[$0] && lowered[$0] == name }) else { continue }
            used[index] = true
            names.append(name)
            DKIMCanonicalization.appendRelaxedHeader(name: headers[index].name, value: headers[index].rawValue, to: &signedData)
            signedData.append(13)
            signedData.append(10)
        }

        var tags: [[UInt8]] = [
            Array("v=1".utf8), Array("a=\(key.algorithm)".utf8), Array("c=relaxed/relaxed".utf8), Array("d=\(domain)".utf8),
            Array("s=\(selector)".utf8),
        ]
        if includeTimestamp { tags.append(Array("t=\(Int(date.timeIntervalSince1970))".utf8)) }
        var h = Array("h=".utf8)
        for (i, name) in names.enumerated() {
            if i > 0 { h.append(UInt8(ascii: ":")) }
            h.append(contentsOf: name)
        }
        tags.append(h)
        tags.append(Array("bh=".utf8) + bodyHash)

        // Fold between tags so lines stay short; b= goes on its own line.
        let fieldName = Array("DKIM-Signature:".utf8)
        var field = fieldName
        var lineLength = field.count
        for tag in tags {
            if lineLength + tag.count + 2 > 78 {
                field += [13, 10]
                lineLength = 0
            }
            field.append(32)
            field += tag
            field.append(UInt8(ascii: ";"))
            lineLength += tag.count + 2
        }
        field += Array("\r\n b=".utf8)

        DKIMCanonicalization.appendRelaxedHeader(name: Array("DKIM-Signature".utf8), value: field[fieldName.count...], to: &signedData)
        let signature = Self.base64(try key.sign(signedData))

        var start = 0
        while start < signature.count {
            let end = min(signature.count, start + (start == 0 ? 72 : 76))
            if start > 0 { field += [13, 10, 32, 32] }
            field += signature[start..<end]
            start = end
        }
        field += [13, 10]
        return String(decoding: field, as: UTF8.self)
    }

    /// A `d=` or `s=` value: non-empty, no `;`, no whitespace.
    static func isTagValue(_ value: String) -> Bool {
        guard !value.isEmpty else { return false }
        if value.utf8.allSatisfy({ $0 < 128 }) {
            return !value.utf8.contains { $0 == UInt8(ascii: ";") || $0 == 32 || ($0 >= 9 && $0 <= 13) }
        }
        return !value.contains { $0 == ";" || $0.isWhitespace }
    }

    /// Standard base64 (with padding) of `bytes`, no line breaks.
    static func base64(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        Base64Lines.encode(bytes, into: &out, wrapped: false)
        return out
    }
}
