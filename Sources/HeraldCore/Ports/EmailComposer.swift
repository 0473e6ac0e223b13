import Foundation

/// The content of an email before MIME composition.
public struct EmailContent: Sendable, Hashable {
    public var from: String
    public var to: String
    public var replyTo: String?
    public var subject: String
    public var html: String
    public var text: String?
    public var messageId: String
    public var date: Date
    /// `List-Unsubscribe` URIs (RFC 2369) for marketing comms: `mailto:` and/or `https:`; with an
    /// `https:` URI the composer also adds `List-Unsubscribe-Post` (RFC 8058 one-click). Empty: none.
    public var listUnsubscribe: [String]
    /// Images referenced from the HTML as `cid:<contentId>` (`multipart/related`). Empty: none.
    public var inlineImages: [EmailAsset]
    /// Attached files (`multipart/mixed`). Empty: none.
    public var attachments: [EmailAsset]

    public init(from: String, to: String, replyTo: String? = nil, subject: String, html: String, text: String?, messageId: String, date: Date,
                listUnsubscribe: [String] = [], inlineImages: [EmailAsset] = [], attachments: [EmailAsset] = []) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.html = html
        self.text = text
        self.messageId = messageId
        self.date = date
        self.listUnsubscribe = listUnsubscribe
        self.inlineImages = inlineImages
        self.attachments = attachments
    }
}

/// Turns email content into an RFC 5322 message. Throws for content that cannot be sent as
/// is (CR/LF in a header field, an invalid address): that one email ends `errorNoRetry`.
public protocol EmailComposer: Sendable {
    func compose(_ content: EmailContent) throws -> Data
}
