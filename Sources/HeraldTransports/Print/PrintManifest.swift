import Crypto
import Foundation
import HeraldCore

/// What a print batch holds, as the bureau reads it: the batch (id, creation time, bureau,
/// postage class, envelope), one ``Letter`` per piece and the ``Control`` totals. Written as
/// CSV (``csv()``) and as XML (``xml()``), both byte-for-byte deterministic; the layouts are
/// documented in `docs/print-manifest.md`, and the XML's schema is `docs/print-manifest.xsd`.
///
/// A manifest is checked when it is made (``init(batchId:createdAt:bureau:postage:envelope:letters:)``
/// throws ``PrintManifestError``), so that every manifest written is one the schema accepts:
/// identifiers usable as file names, one to six address lines, no characters XML 1.0 cannot
/// carry, sheets consistent with pages and sides, every letter in the batch's postage class and
/// envelope.
public struct PrintManifest: Sendable, Hashable {
    /// The postage class of a letter (`letter.postage` of its comms code).
    public enum PostageClass: String, Sendable, Hashable, CaseIterable {
        case first, second, economy
    }

    /// Printed on one side of each sheet or on both.
    public enum Sides: String, Sendable, Hashable, CaseIterable {
        case simplex, duplex

        /// The sheets `pages` pages take: one per page simplex, one per two pages duplex.
        public func sheets(pages: Int) -> Int {
            self == .simplex ? pages : (pages + 1) / 2
        }
    }

    /// The manifest files a batch carries (`print.manifest`).
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case csv, xml

        /// The entry's name in the batch's ZIP: `manifest.csv` or `manifest.xml`.
        public var entryName: String { "manifest.\(rawValue)" }

        /// The formats a `print.manifest` setting names: `csv`, `xml` or `both` (any case,
        /// surrounding spaces ignored); nil for anything else.
        public static func formats(setting: String) -> [Format]? {
            switch setting.trimmingCharacters(in: .whitespaces).lowercased() {
            case "csv": [.csv]
            case "xml": [.xml]
            case "both": [.csv, .xml]
            default: nil
            }
        }
    }

    /// One letter (one piece of mail) of the batch.
    public struct Letter: Sendable, Hashable {
        /// The piece's id: unique in the batch, the PDF's name without `.pdf`.
        public var pieceId: String
        /// The comms request the letter was made for.
        public var commsRequestId: String
        /// Pages of the PDF as printed (blank pages added for duplex included).
        public var pages: Int
        /// Sheets of paper: ``Sides/sheets(pages:)``.
        public var sheets: Int
        public var sides: Sides
        /// The envelope's name (`print.envelopes`, e.g. `C5`).
        public var envelope: String
        public var postage: PostageClass
        /// The address as printed, one to six lines, without the country line.
        public var addressLines: [String]
        /// ISO 3166-1 alpha-2 code of the destination country (`GB`).
        public var country: String
        /// SHA-256 of the PDF, 64 lowercase hex digits.
        public var sha256: String

        /// The PDF's name in the batch's ZIP: `<piece id>.pdf`.
        public var fileName: String { "\(pieceId).pdf" }

        /// A letter whose PDF digest is known; ``sheets`` follows from `pages` and `sides`.
        public init(pieceId: String, commsRequestId: String, pages: Int, sides: Sides, envelope: String,
                    postage: PostageClass, addressLines: [String], country: String, sha256: String) {
            self.pieceId = pieceId
            self.commsRequestId = commsRequestId
            self.pages = pages
            self.sheets = sides.sheets(pages: pages)
            self.sides = sides
            self.envelope = envelope
            self.postage = postage
            self.addressLines = addressLines
            self.country = country
            self.sha256 = sha256
        }

        /// A letter with the digest of its `pdf`.
        public init(pieceId: String, commsRequestId: String, pages: Int, sides: Sides, envelope: String,
                    postage: PostageClass, addressLines: [String], country: String, pdf: some Collection<UInt8>) {
            self.init(pieceId: pieceId, commsRequestId: commsRequestId, pages: pages, sides: sides, envelope: envelope,
                      postage: postage, addressLines: addressLines, country: country, sha256: PrintManifest.sha256(pdf))
        }
    }

    /// The batch's totals, which the bureau checks against what it received.
    public struct Control: Sendable, Hashable {
        public var letters: Int
        public var pages: Int
        public var sheets: Int
    }

    /// The batch's id (the ZIP's name is made from it).
    public var batchId: String
    /// When the batch was closed, in whole seconds (``init(batchId:createdAt:bureau:postage:envelope:letters:)``
    /// drops a fraction): written in UTC, and the ZIP's entry times.
    public var createdAt: Date
    /// The bureau's name, as configured.
    public var bureau: String
    public var postage: PostageClass
    public var envelope: String
    /// The letters, in the order they are written (and printed).
    public var letters: [Letter]

    /// Totals over ``letters``.
    public var control: Control {
        Control(letters: letters.count, pages: letters.reduce(0) { $0 + $1.pages },
                sheets: letters.reduce(0) { $0 + $1.sheets })
    }

    /// A checked manifest; throws ``PrintManifestError`` naming the first field that cannot be
    /// written (and the piece it belongs to).
    public init(batchId: String, createdAt: Date, bureau: String, postage: PostageClass, envelope: String,
                letters: [Letter]) throws {
        self.batchId = batchId
        self.createdAt = Self.wholeSeconds(createdAt)
        self.bureau = bureau
        self.postage = postage
        self.envelope = envelope
        self.letters = letters
        try Self.checkHeader(batchId: batchId, bureau: bureau, envelope: envelope)
        guard !letters.isEmpty else { throw PrintManifestError.noLetters }
        var seen = Set<String>()
        for letter in letters {
            try Self.check(letter, postage: postage, envelope: envelope)
            guard seen.insert(letter.pieceId).inserted else {
                throw PrintManifestError.invalid(letter.pieceId, "pieceId", "appears twice in the batch")
            }
        }
    }

    // MARK: Checks

    static let maxIdentifierLength = 100
    static let maxAddressLines = 6

    static func checkHeader(batchId: String, bureau: String, envelope: String) throws {
        if let problem = identifierProblem(batchId) { throw PrintManifestError.invalid(nil, "batchId", problem) }
        if bureau.isEmpty || !isWritable(bureau) || bureau.contains(where: \.isNewline) {
            throw PrintManifestError.invalid(nil, "bureau", "is empty or holds control characters")
        }
        if let problem = identifierProblem(envelope) { throw PrintManifestError.invalid(nil, "envelope", problem) }
    }

    static func check(_ letter: Letter, postage: PostageClass, envelope: String) throws {
        let piece = letter.pieceId
        func fail(_ field: String, _ problem: String) -> PrintManifestError { .invalid(piece, field, problem) }
        if let problem = identifierProblem(piece) { throw fail("pieceId", problem) }
        if letter.commsRequestId.isEmpty || !isWritable(letter.commsRequestId)
            || letter.commsRequestId.contains(where: \.isNewline) {
            throw fail("commsRequestId", "is empty or holds control characters")
        }
        guard letter.pages >= 1 else { throw fail("pages", "must be at least 1") }
        guard letter.sheets == letter.sides.sheets(pages: letter.pages) else {
            throw fail("sheets", "\(letter.sheets) sheets do not hold \(letter.pages) pages \(letter.sides.rawValue)")
        }
        guard letter.envelope == envelope else { throw fail("envelope", "is \(letter.envelope), the batch's is \(envelope)") }
        guard letter.postage == postage else {
            throw fail("postage", "is \(letter.postage.rawValue), the batch's is \(postage.rawValue)")
        }
        guard (1...maxAddressLines).contains(letter.addressLines.count) else {
            throw fail("addressLines", "has \(letter.addressLines.count) lines, 1 to \(maxAddressLines) allowed")
        }
        for line in letter.addressLines where !isWritable(line) {
            throw fail("addressLines", "holds a control character other than tab, line feed or carriage return")
        }
        guard letter.country.utf8.count == 2, letter.country.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else {
            throw fail("country", "must be an ISO 3166-1 alpha-2 code in capitals")
        }
        guard letter.sha256.utf8.count == 64,
              letter.sha256.utf8.allSatisfy({ isLowerHex($0) }) else {
            throw fail("sha256", "must be 64 lowercase hex digits")
        }
    }

    /// Why `text` cannot be an id that names a file (piece, batch, envelope), or nil: 1 to 100
    /// of `A-Z a-z 0-9 . _ -`, starting with a letter or digit.
    static func identifierProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maxIdentifierLength else { return "must be 1 to \(maxIdentifierLength) characters" }
        func alnum(_ b: UInt8) -> Bool {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
        }
        guard alnum(bytes[0]), bytes.allSatisfy({ alnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }) else {
            return "must be letters, digits, '.', '_' or '-', starting with a letter or digit"
        }
        return nil
    }

    /// Whether XML 1.0 can carry `text`: no C0 control characters but tab, LF and CR, none of
    /// U+FFFE/U+FFFF.
    static func isWritable(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: true
            case 0..<0x20, 0xFFFE, 0xFFFF: false
            default: true
            }
        }
    }

    static func isLowerHex(_ b: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b)
    }

    /// SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func sha256(_ bytes: some Collection<UInt8>) -> String {
        var hasher = SHA256()
        let hashed: Void? = bytes.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        if hashed == nil { hasher.update(data: Array(bytes)) }
        return hex(hasher.finalize())
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `date` without its fraction of a second.
    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// `date` as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds, rounded down).
    public static func timestamp(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (days, rest) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = rest < 0 ? (days - 1, rest + 86_400) : (days, rest)
        let (y, m, d) = CivilDate.fromDays(day)
        func pad(_ n: Int64, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):\(pad(second % 60, 2))Z"
    }
}

/// A manifest that cannot be written: the field (and the piece it belongs to) and why.
public struct PrintManifestError: Error, Hashable, CustomStringConvertible {
    /// The piece the field belongs to; nil for the batch's own fields.
    public var pieceId: String?
    /// The field, as the manifest's CSV header or Swift property names it.
    public var field: String
    /// What is wrong with it.
    public var problem: String

    static func invalid(_ pieceId: String?, _ field: String, _ problem: String) -> Self {
        Self(pieceId: pieceId, field: field, problem: problem)
    }

    static let noLetters = Self(pieceId: nil, field: "letters", problem: "a batch holds at least one letter")

    public var description: String {
        if let pieceId { "print manifest: piece \(pieceId): \(field) \(problem)" } else { "print manifest: \(field) \(problem)" }
    }
}
