import Foundation
import HeraldCore
import Logging
import MIME

/// The Email Monitor's composer on the standalone `MIME` module: `multipart/alternative`
/// (a text part derived from the HTML when the template has none), inline images in
/// `multipart/related` (`cid:`), attachments in `multipart/mixed`, RFC 2047 encoded words,
/// quoted-printable or base64 chosen per part, `Message-ID`, `Date`, `MIME-Version`,
/// `List-Unsubscribe` (+ `List-Unsubscribe-Post` with an https URI) when the content asks for
/// it, and a DKIM signature when a signer for the sender's domain is configured.
///
/// DKIM is per sender domain: the message is signed with the signer whose domain equals the
/// From address's domain or is a parent of it (the most specific one); a From domain no signer
/// covers is sent unsigned (logged at debug).
///
/// Header text with CR or LF (a merged subject, a display name) is refused with a
/// `HeraldError` naming the field, so merged data can never inject a header.
public struct MIMEEmailComposer: EmailComposer {
    /// The DKIM signers, one per signing domain (`HERALD_DKIM_*`, `HERALD_DKIM_KEYS`).
    public let signers: [DKIMSigner]
    let logger: Logger

    /// The first signer, if any (the single-domain configuration).
    public var signer: DKIMSigner? { signers.first }

    /// Creates a composer; `signer` nil sends unsigned messages.
    public init(signer: DKIMSigner? = nil) {
        self.init(signers: signer.map { [$0] } ?? [])
    }

    /// Creates a composer signing with the signer matching each message's From domain.
    public init(signers: [DKIMSigner], logger: Logger = Logger(label: "herald.email")) {
        self.signers = signers
        self.logger = logger
    }

    /// The signer for a From domain: its own, else the closest parent domain's; nil when none.
    public func signer(forDomain domain: String) -> DKIMSigner? {
        let from = domain.lowercased().trimmingScalars { $0 == "." }
        return signers
            .filter { s in
                let d = s.domain.lowercased()
                return from == d || from.hasSuffix("." + d)
            }
            .max { $0.domain.count < $1.domain.count }
    }

    /// Composes (and signs) the message.
    public func compose(_ c: EmailContent) throws -> Data {
        do {
            let from = try Mailbox.parse(c.from, field: "from")
            let to = try Mailbox.parse(c.to, field: "to")
            let replyTo = try c.replyTo.map { [try Mailbox.parse($0, field: "replyTo")] } ?? []
            var messageID = c.messageId.trimmingBlanks
            if messageID.hasPrefix("<") && messageID.hasSuffix(">") { messageID = String(messageID.dropFirst().dropLast()) }
            let https = c.listUnsubscribe.contains { $0.lowercased().hasPrefix("https:") }
            let images = c.inlineImages.map {
                EmailMessage.InlineImage(contentID: $0.contentId ?? $0.filename, contentType: $0.contentType, filename: $0.filename,
                                         data: [UInt8]($0.data))
            }
            let attachments = c.attachments.map {
                EmailMessage.Attachment(filename: $0.filename, contentType: $0.contentType, data: [UInt8]($0.data))
            }
            let message = EmailMessage(
                from: from, to: [to], replyTo: replyTo, subject: c.subject,
                text: c.text ?? HTMLText.plainText(fromHTML: c.html), html: c.html,
                inlineImages: images, attachments: attachments,
                messageID: messageID, date: c.date,
                listUnsubscribe: c.listUnsubscribe.isEmpty ? nil : .init(uris: c.listUnsubscribe, oneClick: https))
            let composed = try message.compose()
            guard !signers.isEmpty else { return Data(composed.bytes) }
            guard let signer = signer(forDomain: String(from.domain)) else {
                logger.debug("no DKIM key for the sender's domain; sent unsigned", metadata: ["email.from_domain": "\(from.domain)"])
                return Data(composed.bytes)
            }
            return Data(try signer.sign(composed.bytes, at: c.date))
        } catch let error as MIMEError {
            throw HeraldError.invalid("email", "cannot compose the email: \(error.reason)")
        }
    }
}
