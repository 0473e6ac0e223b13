import Foundation

/// The details of one e-mail to compose: envelope-independent headers, bodies, images, attachments.
///
/// ``compose()`` turns it into RFC 5322 bytes (CRLF line ends, lines ≤ 998 octets).
public struct EmailMessage: Sendable {
    /// An image referenced from the HTML body as `cid:<contentID>`, sent in `multipart/related`.
    public struct InlineImage: Sendable {
        /// The Content-ID without angle brackets, as used in `cid:` URLs.
        public var contentID: String
        /// e.g. `image/png`.
        public var contentType: String
        /// An optional file name.
        public var filename: String?
        /// The image bytes.
        public var data: [UInt8]

        /// Creates an inline image.
        public init(contentID: String, contentType: String, filename: String? = nil, data: [UInt8]) {
            self.contentID = contentID
            self.contentType = contentType
            self.filename = filename
            self.data = data
        }
    }

    /// A file attached to the message (`multipart/mixed`, `Content-Disposition: attachment`).
    public struct Attachment: Sendable {
        /// The file name shown to the recipient (RFC 2231-encoded when not ASCII).
        public var filename: String
        /// e.g. `application/pdf`.
        public var contentType: String
        /// The file bytes.
        public var data: [UInt8]

        /// Creates an attachment.
        public init(filename: String, contentType: String, data: [UInt8]) {
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    /// `List-Unsubscribe` targets; with `oneClick` also `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
    public struct ListUnsubscribe: Sendable {
        /// URIs such as `https://example.com/u/123` or `mailto:unsubscribe@example.com`.
        public var uris: [String]
        /// Whether to add the RFC 8058 one-click header (needs an https URI).
        public var oneClick: Bool

        /// Creates the unsubscribe targets.
        public init(uris: [String], oneClick: Bool = true) {
            self.uris = uris
            self.oneClick = oneClick
        }
    }

    /// The author (`From`).
    public var from: EmailAddress
    /// `To` recipients.
    public var to: [EmailAddress]
    /// `Cc` recipients.
    public var cc: [EmailAddress]
    /// `Reply-To` addresses.
    public var replyTo: [EmailAddress]
    /// The subject, any Unicode text (encoded as RFC 2047 when needed).
    public var subject: String
    /// The plain-text body.
    public var text: String?
    /// The HTML body.
    public var html: String?
    /// Images for the HTML body.
    public var inlineImages: [InlineImage]
    /// Attachments.
    public var attachments: [Attachment]
    /// The Message-ID without angle brackets; generated from the From domain when nil.
    public var messageID: String?
    /// The `Date` header; now when nil.
    public var date: Date?
    /// Unsubscribe headers for marketing mail.
    public var listUnsubscribe: ListUnsubscribe?
    /// Further header fields (e.g. `X-Herald-Comm`), appended after the standard ones.
    public var additionalHeaders: [HeaderField]

    /// Creates a message.
    public init(
        from: EmailAddress, to: [EmailAddress], cc: [EmailAddress] = [], replyTo: [EmailAddress] = [],
        subject: String, text: String? = nil, html: String? = nil,
        inlineImages: [InlineImage] = [], attachments: [Attachment] = [],
        messageID: String? = nil, date: Date? = nil, listUnsubscribe: ListUnsubscribe? = nil,
        additionalHeaders: [HeaderField] = []
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.inlineImages = inlineImages
        self.attachments = attachments
        self.messageID = messageID
        self.date = date
        self.listUnsubscribe = listUnsubscribe
        self.additionalHeaders = additionalHeaders
    }
}

/// A composed message: the bytes to send and store, and its Message-ID.
public struct ComposedMessage: Sendable {
    /// The full RFC 5322 message, CRLF line ends.
    public var bytes: [UInt8]
    /// The Message-ID without angle brackets.
    public var messageID: String
}
