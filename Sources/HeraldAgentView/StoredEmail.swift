import Foundation

/// The HTML an agent sees of a stored email (`.eml`): its `text/html` part (else its text part,
/// escaped, in `<pre>`), transfer encoding (base64, quoted-printable) decoded, with every
/// `cid:` reference to an inline image of the message itself replaced by a `data:` URL. A
/// small reader for the messages Herald composes, not a general MIME library; nothing in the
/// message is trusted: the page that shows it is sandboxed and its CSP allows no script.
struct StoredEmail: Sendable {
    /// The HTML to show (never executed: served with a CSP of `default-src 'none'`).
    var html: String
    /// The decoded `Subject` header (encoded words left as they are).
    var subject: String?

    init(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let top = Part(text)
        subject = top.headers["subject"]
        var htmlPart: Part?
        var textPart: Part?
        var images: [String: String] = [:]
        top.walk { part in
            let type = part.contentType
            if type == "text/html", htmlPart == nil { htmlPart = part }
            else if type == "text/plain", textPart == nil, part.disposition != "attachment" { textPart = part }
            else if type.hasPrefix("image/"), let id = part.headers["content-id"] {
                let cid = id.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
                images[cid] = "data:\(type);base64," + Data(part.decodedBytes).base64EncodedString()
            }
        }
        if let htmlPart {
            var html = String(decoding: htmlPart.decodedBytes, as: UTF8.self)
            for (cid, url) in images { html = html.replacingOccurrences(of: "cid:" + cid, with: url) }
            self.html = html
        } else if let textPart {
            var html = "<pre>"
            HTML.escape(String(decoding: textPart.decodedBytes, as: UTF8.self), into: &html)
            self.html = html + "</pre>"
        } else {
            self.html = "<p>This message has no text or HTML part.</p>"
        }
    }

    /// One MIME part: headers (names lower-cased, folded lines joined) and its raw body.
    struct Part {
        var headers: [String: String] = [:]
        var body: Substring

        init(_ text: String) {
            self.init(Substring(text))
        }

        init(_ text: Substring) {
            let end = text.range(of: "\n\n")
            let head = end.map { text[..<$0.lowerBound] } ?? text
            body = end.map { text[$0.upperBound...] } ?? ""
            var name: String?
            for line in head.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.first == " " || line.first == "\t", let name {
                    headers[name, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
                } else if let colon = line.firstIndex(of: ":") {
                    let n = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                    headers[n] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    name = n
                }
            }
        }

        /// `text/html`, lower case, without parameters (`text/plain` when absent).
        var contentType: String {
            (headers["content-type"] ?? "text/plain").split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased()
        }

        var disposition: String? {
            headers["content-disposition"].map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased() }
        }

        func parameter(_ name: String) -> String? {
            guard let type = headers["content-type"] else { return nil }
            for piece in type.split(separator: ";").dropFirst() {
                let kv = piece.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == name {
                    return kv[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            }
            return nil
        }

        /// Calls `visit` on this part and, for a multipart, on every part inside (depth first).
        func walk(_ visit: (Part) -> Void, depth: Int = 0) {
            visit(self)
            guard contentType.hasPrefix("multipart/"), let boundary = parameter("boundary"), depth < 8 else { return }
            let delimiter = "--" + boundary
            var pieces: [Substring] = []
            var current: [Substring] = []
            var inside = false
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix(delimiter) {
                    if inside { pieces.append(Substring(current.joined(separator: "\n"))) }
                    current = []
                    inside = !line.hasPrefix(delimiter + "--")
                    if !inside { break }
                } else if inside {
                    current.append(line)
                }
            }
            for piece in pieces { Part(piece).walk(visit, depth: depth + 1) }
        }

        /// The body with its transfer encoding undone.
        var decodedBytes: [UInt8] {
            switch (headers["content-transfer-encoding"] ?? "7bit").lowercased() {
            case "base64":
                let compact = body.filter { !$0.isWhitespace }
                return Data(base64Encoded: String(compact)).map { [UInt8]($0) } ?? []
            case "quoted-printable":
                return Self.quotedPrintable(body)
            default:
                return Array(body.utf8)
            }
        }

        static func quotedPrintable(_ text: Substring) -> [UInt8] {
            var out: [UInt8] = []
            let bytes = Array(text.utf8)
            var i = 0
            func hex(_ b: UInt8) -> UInt8? {
                switch b {
                case 48...57: b - 48
                case 65...70: b - 55
                case 97...102: b - 87
                default: nil
                }
            }
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "="), i + 1 < bytes.count {
                    if bytes[i + 1] == UInt8(ascii: "\n") { i += 2; continue }
                    if i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                        out.append(h << 4 | l)
                        i += 3
                        continue
                    }
                }
                out.append(b)
                i += 1
            }
            return out
        }
    }
}
