import AddrSpec
import EntropyPool
import Foundation

/// A node of the MIME tree: a leaf with an encoded body, or a multipart with children.
public struct MIMEPart: Sendable {
    /// The body of a part.
    public enum Body: Sendable {
        /// Bytes already encoded with the part's `Content-Transfer-Encoding`, CRLF line ends.
        case encoded([UInt8])
        /// Children separated by `boundary`.
        case multipart(boundary: String, parts: [MIMEPart])
    }

    /// The part's own header fields (`Content-Type`, `Content-Transfer-Encoding`, ...).
    public var headers: [HeaderField]
    /// The body.
    public var body: Body

    /// Creates a part from headers and a body.
    public init(headers: [HeaderField], body: Body) {
        self.headers = headers
        self.body = body
    }

    /// A text leaf (`text/plain` or `text/html`), UTF-8, with the transfer encoding chosen from its bytes.
    public static func text(_ text: String, subtype: String) throws -> MIMEPart {
        var bytes = ContentTransferEncoding.normalizingLineBreaks(Array(text.utf8))
        if !bytes.isEmpty && bytes.last != 10 { bytes += [13, 10] }
        let encoding = ContentTransferEncoding.forText(bytes)
        return MIMEPart(
            headers: [
                try HeaderField("Content-Type", "text/\(subtype); charset=utf-8"),
                try HeaderField("Content-Transfer-Encoding", encoding.rawValue),
            ],
            // 7bit bytes are already CRLF-normalised and end with a line break: used as they are.
            body: .encoded(encoding == .sevenBit ? bytes : encoding.encode(bytes))
        )
    }

    /// A base64 leaf for binary data; `disposition` is `inline` or `attachment`.
    public static func binary(
        _ data: [UInt8], contentType: String, filename: String?, disposition: String, contentID: String? = nil
    ) throws -> MIMEPart {
        var contentTypeValue = contentType
        var dispositionValue = disposition
        if let filename {
            guard !filename.utf8.contains(where: { $0 == 13 || $0 == 10 }) else { throw MIMEError.headerInjection("filename") }
            contentTypeValue += "; " + parameter("name", filename)
            dispositionValue += "; " + parameter("filename", filename)
        }
        var headers = [
            try HeaderField("Content-Type", contentTypeValue),
            try HeaderField("Content-Transfer-Encoding", "base64"),
            try HeaderField("Content-Disposition", dispositionValue),
        ]
        if let contentID { headers.append(try HeaderField("Content-ID", "<\(contentID)>")) }
        return MIMEPart(headers: headers, body: .encoded(Base64Lines.encode(data)))
    }

    /// A multipart node (`mixed`, `alternative`, `related`) with a fresh boundary.
    public static func multipart(_ subtype: String, _ parts: [MIMEPart]) throws -> MIMEPart {
        let boundary = "=_herald_" + randomHex(12)
        return MIMEPart(
            headers: [try HeaderField("Content-Type", "multipart/\(subtype); boundary=\"\(boundary)\"")],
            body: .multipart(boundary: boundary, parts: parts)
        )
    }

    /// A MIME parameter: a quoted-string when ASCII, RFC 2231 `name*=utf-8''...` otherwise.
    static func parameter(_ name: String, _ value: String) -> String {
        if !EncodedWord.needsEncoding(value) {
            // Backslash and quote escaped by hand (Foundation's replacingOccurrences bridges to
            // NSString on Linux, the costliest step of composing an image part).
            var escaped = ""
            escaped.reserveCapacity(value.utf8.count + 2)
            for character in value {
                if character == "\\" || character == "\"" { escaped.append("\\") }
                escaped.append(character)
            }
            return "\(name)=\"\(escaped)\""
        }
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in value.utf8 {
            if AddrSpec.isAtext(byte) && byte != UInt8(ascii: "%") && byte != UInt8(ascii: "'") && byte != UInt8(ascii: "*") || byte == UInt8(ascii: ".") {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return "\(name)*=utf-8''" + String(decoding: out, as: UTF8.self)
    }

    /// Appends the part (headers, blank line, body) to `out`.
    func write(into out: inout [UInt8]) throws {
        for header in headers { try header.write(into: &out) }
        out.append(13)
        out.append(10)
        switch body {
        case .encoded(let bytes):
            out.append(contentsOf: bytes)
        case .multipart(let boundary, let parts):
            for part in parts {
                out.append(contentsOf: "--".utf8)
                out.append(contentsOf: boundary.utf8)
                out.append(13)
                out.append(10)
                try part.write(into: &out)
                // The CRLF before the next delimiter belongs to the delimiter, not to the part.
                out.append(13)
                out.append(10)
            }
            out.append(contentsOf: "--".utf8)
            out.append(contentsOf: boundary.utf8)
            out.append(contentsOf: "--\r\n".utf8)
        }
    }
}

func randomHex(_ byteCount: Int) -> String {
    let digits: StaticString = "0123456789abcdef"
    return String(unsafeUninitializedCapacity: byteCount * 2) { buffer in
        var filled = 0
        var bits: UInt64 = 0
        var left = 0
        for _ in 0..<byteCount {
            if left == 0 {
                bits = EntropyPool.next()
                left = 8
            }
            let byte = UInt8(truncatingIfNeeded: bits)
            bits >>= 8
            left -= 1
            buffer[filled] = digits.utf8Start[Int(byte >> 4)]
            buffer[filled + 1] = digits.utf8Start[Int(byte & 0x0F)]
            filled += 2
        }
        return filled
    }
}
