import Crypto
import OpenType

/// Writes one PDF 1.7 document: register fonts and images, draw pages, then ``finish()``.
///
/// Text uses embedded TrueType subsets (Type0 / Identity-H / CIDFontType2 with a ToUnicode CMap),
/// images become XObjects written once, links become URI annotations. Output is deterministic:
/// the same calls produce the same bytes (the `/ID` is the MD5 of the content).
public final class PDFWriter {
    private let document: PDFDocument
    private var pageObjects: [Int] = []
    private var openPages: [PDFPage] = []
    private var result: [UInt8]?

    /// Creates a writer for one document.
    public init(options: PDFOptions) {
        var options = options
        if options.conformance == .pdfA2b {
            // Info and XMP must agree; XML cannot carry most control characters (and folds CR).
            options.title = options.title.map(Self.sanitized)
            options.author = options.author.map(Self.sanitized)
            options.subject = options.subject.map(Self.sanitized)
            options.keywords = options.keywords.map(Self.sanitized)
            options.creator = options.creator.map(Self.sanitized)
            options.producer = Self.sanitized(options.producer)
        }
        document = PDFDocument(options: options)
    }

    /// Registers a font for embedding; the same font object always yields the same reference.
    /// Only the glyphs drawn are embedded (unless the font forbids subsetting).
    /// - Throws: ``PDFError/fontNotEmbeddable(font:)`` when the licence forbids embedding.
    public func register(font: OpenTypeFont) throws -> PDFFontRef {
        let identity = ObjectIdentifier(font)
        if let index = document.fontIndexByIdentity[identity] { return PDFFontRef(index: index) }
        guard font.embedding.isEmbeddable else {
            throw PDFError.fontNotEmbeddable(font: font.postScriptName.isEmpty ? font.familyName : font.postScriptName)
        }
        let index = document.fonts.count
        document.fonts.append(EmbeddedFont(font: font, index: index))
        document.fontIndexByIdentity[identity] = index
        return PDFFontRef(index: index)
    }

    /// Registers an image. It is validated and written when a page first draws it (an invalid
    /// image makes ``finish()`` throw); register each distinct image once and reuse the reference.
    public func register(image: PDFImage) -> PDFImageRef {
        document.images.append(ImageSlot(pending: image))
        return PDFImageRef(index: document.images.count - 1)
    }

    /// Starts a new page of the given size in points; pages appear in the order they are begun.
    /// A non-finite or non-positive size falls back to A4 (595.276 × 841.89).
    public func beginPage(width: Double, height: Double) -> PDFPage {
        let object = document.allocateObject()
        let page = PDFPage(document: document, object: object, width: width, height: height)
        pageObjects.append(object)
        openPages.append(page)
        return page
    }

    /// Finishes a page: its content is compressed and written, and further drawing on it is ignored.
    public func end(page: PDFPage) {
        guard page.document === document, !page.ended else { return }
        do {
            try page.finish()
        } catch let error as PDFError {
            document.record(error)
        } catch {
            document.record(.compressionFailed(stream: "page", reason: "\(error)"))
        }
        openPages.removeAll { $0 === page }
    }

    /// Ends any open pages, writes fonts, metadata, the cross-reference table and trailer, and
    /// returns the document. Calling it again returns the same bytes.
    /// - Throws: the first error met while writing (invalid image, font subsetting, compression).
    public func finish() throws -> [UInt8] {
        if let result { return result }
        for page in openPages { try page.finish() }
        openPages = []
        if let error = document.deferredError { throw error }
        try document.writeFonts()
        try writeTrailerObjects()
        let bytes = document.out.bytes
        result = bytes
        document.out = PDFBuffer()
        return bytes
    }

    // MARK: Document structure

    private func writeTrailerObjects() throws {
        let document = self.document
        let options = document.options
        let pageObjects = self.pageObjects
        document.writeObject(PDFDocument.pageTreeObject) { out in
            out.append("<< /Type /Pages /Kids [")
            for (i, page) in pageObjects.enumerated() {
                if i > 0 { out.append(" ") }
                out.append(reference: page)
            }
            out.append("] /Count ")
            out.append(int: pageObjects.count)
            out.append(" >>")
        }

        let info = document.allocateObject()
        document.writeObject(info) { out in
            out.append("<<")
            let entries: [(StaticString, String?)] = [
                (" /Title ", options.title), (" /Author ", options.author), (" /Subject ", options.subject),
                (" /Keywords ", options.keywords), (" /Creator ", options.creator), (" /Producer ", options.producer),
            ]
            for (key, value) in entries {
                guard let value else { continue }
                out.append(key)
                out.append(textString: value)
            }
            if let date = options.creationDate {
                let stamp = CivilDate(date).pdfString
                out.append(" /CreationDate ")
                out.append(textString: stamp)
                out.append(" /ModDate ")
                out.append(textString: stamp)
            }
            out.append(" >>")
        }

        var metadata: Int? = nil
        var profile: Int? = nil
        if options.conformance == .pdfA2b {
            let xmp = document.allocateObject()
            try document.writeStream(xmp, data: XMPPacket.build(options: options), filter: .none, name: "XMP metadata") { out in
                out.append(" /Type /Metadata /Subtype /XML")
            }
            metadata = xmp
            let icc = document.allocateObject()
            try document.writeStream(icc, data: SRGBProfile.bytes, filter: .deflate, name: "sRGB output profile") { out in
                out.append(" /N 3")
            }
            profile = icc
        }

        document.writeObject(PDFDocument.catalogObject) { out in
            out.append("<< /Type /Catalog /Pages ")
            out.append(reference: PDFDocument.pageTreeObject)
            if let metadata {
                out.append(" /Metadata ")
                out.append(reference: metadata)
            }
            if let profile {
                out.append(" /OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier ")
                out.append(textString: SRGBProfile.name)
                out.append(" /Info ")
                out.append(textString: SRGBProfile.name)
                out.append(" /RegistryName (http://www.color.org) /DestOutputProfile ")
                out.append(reference: profile)
                out.append(" >>]")
            }
            out.append(" >>")
        }

        // Cross-reference table; every allocated object has been written exactly once.
        let id = Insecure.MD5.hash(data: document.out.bytes)
        let xref = document.out.count
        var out = document.out
        document.out = PDFBuffer()
        out.append("xref\n0 ")
        out.append(int: document.offsets.count)
        out.append("\n0000000000 65535 f \n")
        for number in 1..<document.offsets.count {
            let offset = max(document.offsets[number], 0)
            var digits = PDFBuffer(capacity: 10)
            digits.append(int: offset)
            out.append(bytes: [UInt8](repeating: UInt8(ascii: "0"), count: max(0, 10 - digits.count)))
            out.append(bytes: digits.bytes)
            out.append(" 00000 n \n")
        }
        out.append("trailer\n<< /Size ")
        out.append(int: document.offsets.count)
        out.append(" /Root ")
        out.append(reference: PDFDocument.catalogObject)
        out.append(" /Info ")
        out.append(reference: info)
        out.append(" /ID [<")
        out.append(hex: id)
        out.append("> <")
        out.append(hex: id)
        out.append(">] >>\nstartxref\n")
        out.append(int: xref)
        out.append("\n%%EOF\n")
        document.out = out
    }

    /// Removes characters that XMP cannot represent faithfully (controls other than tab and LF).
    private static func sanitized(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" }))
    }
}
