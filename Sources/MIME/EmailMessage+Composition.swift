import Foundation

extension EmailMessage {
    /// Composes the message: headers (Date, From, To, Cc, Reply-To, Subject, Message-ID,
    /// MIME-Version, List-Unsubscribe...), then the MIME tree:
    /// `mixed(alternative(text, related(html, images...)), attachments...)`, leaving out levels
    /// that would have one child.
    ///
    /// Throws ``MIMEError`` on CR/LF in any header text (no header injection) or on lines that
    /// cannot be kept within 998 octets.
    public func compose() throws -> ComposedMessage {
        let id = try messageID ?? Self.makeMessageID(domain: String(from.domain))
        // Byte checks: String.contains(String) resolves to Foundation's range(of:) (NSString on Linux).
        guard !id.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == 32 }),
              id.utf8.contains(UInt8(ascii: "@")) else {
            throw MIMEError.invalidMessage("Message-ID \(id.debugDescription) is not id-left@id-right")
        }

        var headers: [HeaderField] = [
            try HeaderField("Date", RFC5322Date.format(date ?? Date())),
            try .addresses("From", [from]),
        ]
        if !to.isEmpty { headers.append(try .addresses("To", to)) }
        if !cc.isEmpty { headers.append(try .addresses("Cc", cc)) }
        if !replyTo.isEmpty { headers.append(try .addresses("Reply-To", replyTo)) }
        headers.append(try .unstructured("Subject", subject))
        headers.append(try HeaderField("Message-ID", "<\(id)>"))
        headers.append(try HeaderField("MIME-Version", "1.0"))
        if let listUnsubscribe, !listUnsubscribe.uris.isEmpty {
            for uri in listUnsubscribe.uris where uri.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == 32 }) {
                throw MIMEError.invalidMessage("List-Unsubscribe URI \(uri.debugDescription) has <, > or space")
            }
            headers.append(try HeaderField("List-Unsubscribe", listUnsubscribe.uris.map { "<\($0)>" }.joined(separator: ", ")))
            if listUnsubscribe.oneClick {
                headers.append(try HeaderField("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
            }
        }
        headers += additionalHeaders

        var root = try bodyPart()
        root.headers = headers + root.headers
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        try root.write(into: &out)
        return ComposedMessage(bytes: out, messageID: id)
    }

    private func bodyPart() throws -> MIMEPart {
        var htmlPart: MIMEPart?
        if let html {
            htmlPart = try .text(html, subtype: "html")
            if !inlineImages.isEmpty {
                let images = try inlineImages.map {
                    try MIMEPart.binary($0.data, contentType: $0.contentType, filename: $0.filename, disposition: "inline", contentID: $0.contentID)
                }
                htmlPart = try .multipart("related", [htmlPart!] + images)
            }
        }
        let textPart = try text.map { try MIMEPart.text($0, subtype: "plain") }

        var body: MIMEPart
        switch (textPart, htmlPart) {
        case (let text?, let html?): body = try .multipart("alternative", [text, html])
        case (let text?, nil): body = text
        case (nil, let html?): body = html
        case (nil, nil): body = try .text("", subtype: "plain")
        }

        var extra = try attachments.map {
            try MIMEPart.binary($0.data, contentType: $0.contentType, filename: $0.filename, disposition: "attachment")
        }
        if html == nil {
            // Images without HTML to reference them travel as inline parts.
            extra = try inlineImages.map {
                try MIMEPart.binary($0.data, contentType: $0.contentType, filename: $0.filename, disposition: "inline", contentID: $0.contentID)
            } + extra
        }
        if !extra.isEmpty { body = try .multipart("mixed", [body] + extra) }
        return body
    }

    /// A new globally unique Message-ID (without brackets) in `domain`.
    public static func makeMessageID(domain: String) throws -> String {
        guard !domain.isEmpty, !domain.contains(where: { $0 == ">" || $0 == "<" || $0.isWhitespace }) else {
            throw MIMEError.invalidMessage("bad Message-ID domain")
        }
        let millis = UInt64(Date().timeIntervalSince1970 * 1000)
        return "\(String(millis, radix: 36)).\(randomHex(10))@\(domain)"
    }
}
