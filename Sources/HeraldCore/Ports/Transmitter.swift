import Foundation

/// One distribution handed to a transmitter.
public struct Transmission: Sendable, Hashable {
    public var request: CommsRequest
    public var distribution: Distribution

    public init(request: CommsRequest, distribution: Distribution) {
        self.request = request
        self.distribution = distribution
    }
}

/// What became of one transmission.
public enum TransmissionOutcome: Sendable, Hashable {
    /// Handed over; `reference` is the provider's id (SMSC message id, queue id, file name).
    case sent(reference: String?)
    /// Made available to the customer without a send (online inbox).
    case published(reference: String?)
    /// Failed. `retryable` failures are tried again with backoff until the limit.
    case failed(retryable: Bool, reason: String)
}

/// Sends distributions of one delivery method. One protocol for every method: the outbox
/// transport implements it for all of them; SMTP, SMPP, push and webhooks plug in the same way.
public protocol Transmitter: Sendable {
    /// Sends a batch; returns one outcome per transmission, in order. Must not throw for a
    /// single bad item: that item's outcome is `.failed`.
    func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome]
}

/// Where generated documents (emails, letters) are written.
public protocol DocumentStore: Sendable {
    /// Writes `data` as a document called `name` and returns its location. The document need
    /// not be durable until ``flush()`` returns.
    func write(_ data: Data, name: String, createdAt: Date) async throws -> String
    /// Reads a document back.
    func read(_ location: String) async throws -> Data
    /// Makes every document written so far durable. Stages call it once per batch, before
    /// they record the documents' locations (one sync per batch instead of one per document).
    func flush() async throws
}

extension DocumentStore {
    /// Stores whose writes are durable at once need not flush.
    public func flush() async throws {}
}

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

/// Turns a merged letter (HTML) into the document sent to print (a PDF, by
/// `PDFLetterRenderer`). Throws for a letter that cannot be rendered (a missing image or
/// font): rendering is deterministic, so that letter ends `errorNoRetry`.
public protocol LetterRenderer: Sendable {
    /// File extension of the output (`pdf`).
    var fileExtension: String { get }
    /// - Parameters:
    ///   - html: the merged letter template.
    ///   - code: its comms code (images and fonts resolve against that code's `assets/` folder).
    ///   - date: the document's date (written into the PDF; the output is otherwise deterministic).
    func render(html: String, code: String, date: Date) async throws -> Data
}
