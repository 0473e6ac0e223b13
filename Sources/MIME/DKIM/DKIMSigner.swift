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
    public var signedHeaders: [String]
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
        self.includeTimestamp = includeTimestamp
    }

    /// Returns `message` with a `DKIM-Signature` header field prepended.
    public func sign(_ message: [UInt8], at date: Date = Date()) throws -> [UInt8] {
        try Array(signatureField(for: message, at: date).utf8) + message
    }

    /// The `DKIM-Signature` field for `message` (folded, ending with CRLF).
    public func signatureField(for message: [UInt8], at date: Date = Date()) throws -> String {
        for value in [domain, selector] where value.isEmpty || value.contains(where: { $0 == ";" || $0.isWhitespace }) {
            throw MIMEError.invalidMessage("DKIM domain and selector must be non-empty without ';' or spaces")
        }
        let (headers, body) = try DKIMCanonicalization.split(message)
        let bodyHash = Data(SHA256.hash(data: DKIMCanonicalization.relaxedBody(body))).base64EncodedString()

        // Pick header instances bottom-up for each listed name (RFC 6376 §5.4.2).
        var used = Set<Int>()
        var names: [String] = []
        var signedData: [UInt8] = []
        signedData.reserveCapacity(1024)
        var wanted = signedHeaders.map { $0.lowercased() }
        if !wanted.contains("from") { wanted.insert("from", at: 0) }
        let lowered = headers.map { $0.name.lowercased().trimmingWhitespace }
        for name in wanted {
            guard let index = lowered.indices.reversed().first(where: { !used.contains($0) && lowered[$0] == name }) else { continue }
            used.insert(index)
            names.append(name)
            signedData.append(contentsOf: DKIMCanonicalization.relaxedHeader(name: headers[index].name, value: headers[index].rawValue))
            signedData.append(13)
            signedData.append(10)
        }

        var tags = ["v=1", "a=\(key.algorithm)", "c=relaxed/relaxed", "d=\(domain)", "s=\(selector)"]
        if includeTimestamp { tags.append("t=\(Int(date.timeIntervalSince1970))") }
        tags.append("h=" + names.joined(separator: ":"))
        tags.append("bh=" + bodyHash)

        // Fold between tags so lines stay short; b= goes on its own line.
        var field = "DKIM-Signature:"
        var lineLength = field.utf8.count
        for tag in tags {
            let piece = " " + tag + ";"
            if lineLength + piece.utf8.count > 78 {
                field += "\r\n"
                lineLength = 0
            }
            field += piece
            lineLength += piece.utf8.count
        }
        field += "\r\n b="

        let unsigned = DKIMCanonicalization.relaxedHeader(
            name: "DKIM-Signature", value: Array(field.utf8.dropFirst("DKIM-Signature:".utf8.count)))
        signedData += unsigned
        let signature = Data(try key.sign(signedData)).base64EncodedString()

        var folded = ""
        var start = signature.startIndex
        var first = true
        while start < signature.endIndex {
            let end = signature.index(start, offsetBy: first ? 72 : 76, limitedBy: signature.endIndex) ?? signature.endIndex
            if !first { folded += "\r\n  " }
            folded += signature[start..<end]
            start = end
            first = false
        }
        return field + folded + "\r\n"
    }
}
