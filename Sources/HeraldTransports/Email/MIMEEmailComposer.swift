import Foundation
import HeraldCore
import MIME

/// The Email Monitor's composer on the standalone `MIME` module: `multipart/alternative`
/// (a text part derived from the HTML when the template has none), RFC 2047 encoded words,
/// quoted-printable or base64 chosen per part, `Message-ID`, `Date`, `MIME-Version`,
/// `List-Unsubscribe` (+ `List-Unsubscribe-Post` with an https URI) when the content asks for
/// it, and a DKIM signature when a signer is configured.
///
/// Header text with CR or LF (a merged subject, a display name) is refused with a
/// `HeraldError` naming the field, so merged data can never inject a header.
public struct MIMEEmailComposer: EmailComposer {
    /// Signs every composed message when set (`HERALD_DKIM_*`).
    public let signer: DKIMSigner?

    /// Creates a composer; `signer` nil sends unsigned messages.
    public init(signer: DKIMSigner? = nil) {
        self.signer = signer
    }

    /// Composes (and signs) the message.
    public func compose(_ c: EmailContent) throws -> Data {
        do {
            let from = try Mailbox.parse(c.from, field: "from")
            let to = try Mailbox.parse(c.to, field: "to")
            let replyTo = try c.replyTo.map { [try Mailbox.parse($0, field: "replyTo")] } ?? []
            var messageID = c.messageId.trimmingCharacters(in: .whitespaces)
            if messageID.hasPrefix("<") && messageID.hasSuffix(">") { messageID = String(messageID.dropFirst().dropLast()) }
            let https = c.listUnsubscribe.contains { $0.lowercased().hasPrefix("https:") }
            let message = EmailMessage(
                from: from, to: [to], replyTo: replyTo, subject: c.subject,
                text: c.text ?? HTMLText.plainText(fromHTML: c.html), html: c.html,
                messageID: messageID, date: c.date,
                listUnsubscribe: c.listUnsubscribe.isEmpty ? nil : .init(uris: c.listUnsubscribe, oneClick: https))
            let composed = try message.compose()
            let bytes = try signer?.sign(composed.bytes, at: c.date) ?? composed.bytes
            return Data(bytes)
        } catch let error as MIMEError {
            throw HeraldError.invalid("email", "cannot compose the email: \(error.reason)")
        }
    }
}
