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
///
/// A merge stage writes its batch's documents through one ``DocumentBatch`` and calls
/// ``DocumentBatch/finish()`` **before** it commits the rows that record their locations: no
/// row points at a document a crash could lose, and a document no row points at is written
/// again when the row is merged again.
public protocol DocumentStore: Sendable {
    /// Starts the documents of one batch, created at `createdAt` (which names their folder).
    func makeBatch(createdAt: Date) -> any DocumentBatch
    /// Reads a document back.
    func read(_ location: String) async throws -> Data
    /// Reads many documents, one result per location, in order (stores that keep a batch's
    /// documents together read each place once).
    func readMany(_ locations: [String]) async -> [Result<[UInt8], any Error>]
}

extension DocumentStore {
    public func readMany(_ locations: [String]) async -> [Result<[UInt8], any Error>] {
        var results: [Result<[UInt8], any Error>] = []
        results.reserveCapacity(locations.count)
        for location in locations {
            do { results.append(.success([UInt8](try await read(location)))) } catch { results.append(.failure(error)) }
        }
        return results
    }
}

/// The documents of one batch being written. `append` may be called from several tasks at once.
public protocol DocumentBatch: Sendable {
    /// Adds a document called `name` (unique within the store, e.g. `<distribution id>.eml`)
    /// and returns its location. A failure concerns this document only.
    func append(_ data: Data, name: String) async throws -> String
    /// Makes every appended document durable; the batch takes no more documents.
    func finish() async throws
}

/// A `fileLocation` taken apart (no I/O): `<scheme>:<path>` for a document that is a file of
/// its own, `<scheme>:<path>#<name>@<offset>+<length>` for one stored in a pack file with
/// others (the bytes `offset ..< offset + length` of the file at `path`).
public struct DocumentLocation: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var path: String
    /// Where in a pack; nil for a file of its own.
    public var entry: Entry?

    public struct Entry: Sendable, Hashable {
        public var name: String
        public var offset: Int
        public var length: Int

        public init(name: String, offset: Int, length: Int) {
            self.name = name
            self.offset = offset
            self.length = length
        }
    }

    public init(scheme: String, path: String, entry: Entry? = nil) {
        self.scheme = scheme
        self.path = path
        self.entry = entry
    }

    /// Parses a location; throws naming what is wrong with it.
    public init(_ text: String) throws {
        // Searched in the UTF-8 view: the delimiters are ASCII, and a Character search walks
        // grapheme clusters (the sender parses a location per email).
        let bytes = text.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon != text.startIndex else {
            throw HeraldError.invalid("fileLocation", "'\(text)' has no scheme (e.g. fs:)")
        }
        scheme = String(text[..<colon])
        let rest = text[bytes.index(after: colon)...]
        guard let hash = rest.utf8.lastIndex(of: UInt8(ascii: "#")) else {
            path = String(rest)
            entry = nil
            return
        }
        path = String(rest[..<hash])
        let fragment = rest[rest.utf8.index(after: hash)...]
        guard let at = fragment.utf8.lastIndex(of: UInt8(ascii: "@")), let plus = fragment.utf8.lastIndex(of: UInt8(ascii: "+")), at < plus,
              let offset = Int(fragment[fragment.utf8.index(after: at)..<plus]), let length = Int(fragment[fragment.utf8.index(after: plus)...]),
              offset >= 0, length >= 0, at != fragment.startIndex else {
            throw HeraldError.invalid("fileLocation", "'\(text)' does not end in #<name>@<offset>+<length>")
        }
        entry = Entry(name: String(fragment[..<at]), offset: offset, length: length)
    }

    /// The document's own file name: the pack entry's name, else the path's last component.
    public var name: String {
        if let entry { return entry.name }
        return path.split(separator: "/").last.map(String.init) ?? path
    }

    public var description: String {
        guard let entry else { return "\(scheme):\(path)" }
        return "\(scheme):\(path)#\(entry.name)@\(entry.offset)+\(entry.length)"
    }
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
