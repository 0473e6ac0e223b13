import OpenType

/// The mutable state of one document shared by ``PDFWriter`` and its ``PDFPage``s: the output
/// buffer, object offsets, registered fonts, images and graphics states.
///
/// Objects are serialized as soon as they are complete (images on first use, pages when ended),
/// so large sample data is not kept in memory; object numbers are handed out in call order,
/// which keeps the output deterministic.
final class PDFDocument {
    let options: PDFOptions
    var out: PDFBuffer
    /// Byte offset of each object, indexed by object number (index 0 unused, -1 = not yet written).
    var offsets: [Int] = [0]
    let deflater: Deflater
    /// The first deferred error (from non-throwing page calls), thrown by `finish`.
    var deferredError: PDFError?

    var fonts: [EmbeddedFont] = []
    var fontIndexByIdentity: [ObjectIdentifier: Int] = [:]
    var images: [ImageSlot] = []
    /// Alpha (thousandths) of each ExtGState, in creation order, and their object numbers.
    var graphicsStates: [(alpha: Int, object: Int)] = []
    var graphicsStateByAlpha: [Int: Int] = [:]
    /// The ICC CMYK profile stream (PDF/A only), written when a CMYK image is first drawn.
    var cmykProfile: Int?

    static let catalogObject = 1
    static let pageTreeObject = 2

    init(options: PDFOptions) {
        self.options = options
        out = PDFBuffer(capacity: 64 * 1024)
        deflater = Deflater(level: options.compressionLevel)
        _ = allocateObject()  // 1: catalog
        _ = allocateObject()  // 2: page tree
        out.append("%PDF-1.7\n")
        out.append(bytes: [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A])  // binary marker comment
    }

    var compresses: Bool { options.compressionLevel != 0 }

    // MARK: Objects

    func allocateObject() -> Int {
        offsets.append(-1)
        return offsets.count - 1
    }

    func beginObject(_ number: Int) {
        offsets[number] = out.count
        out.append(int: number)
        out.append(" 0 obj\n")
    }

    func endObject() {
        out.append("\nendobj\n")
    }

    /// Writes a complete dictionary object.
    func writeObject(_ number: Int, _ body: (inout PDFBuffer) -> Void) {
        beginObject(number)
        body(&out)
        endObject()
    }

    /// Stream filters the writer emits.
    enum StreamFilter {
        /// Deflate the given bytes if compression is enabled.
        case deflate
        /// The bytes are already zlib data.
        case alreadyFlate
        /// The bytes are a JPEG file.
        case dct
        /// Write the bytes as they are.
        case none
    }

    /// Writes a stream object; `dictionary` appends extra entries (each preceded by a space or newline).
    func writeStream(
        _ number: Int, data: [UInt8], filter: StreamFilter, name: @autoclosure () -> String,
        dictionary: (inout PDFBuffer) -> Void = { _ in }
    ) throws {
        var payload = data
        var filterName: StaticString? = nil
        switch filter {
        case .deflate:
            if compresses {
                do { payload = try deflater.deflate(data) } catch {
                    throw PDFError.compressionFailed(stream: name(), reason: "\(error)")
                }
                filterName = "/FlateDecode"
            }
        case .alreadyFlate: filterName = "/FlateDecode"
        case .dct: filterName = "/DCTDecode"
        case .none: break
        }
        beginObject(number)
        out.append("<<")
        dictionary(&out)
        if let filterName {
            out.append(" /Filter ")
            out.append(filterName)
        }
        out.append(" /Length ")
        out.append(int: payload.count)
        out.append(" >>\nstream\n")
        out.append(bytes: payload)
        out.append("\nendstream\nendobj\n")
    }

    /// `data` deflated at the document's level, or as it is when compression is off.
    func compressed(_ data: [UInt8], name: @autoclosure () -> String) throws -> [UInt8] {
        guard compresses else { return data }
        do {
            return try deflater.deflate(data)
        } catch {
            throw PDFError.compressionFailed(stream: name(), reason: "\(error)")
        }
    }

    func record(_ error: PDFError) {
        if deferredError == nil { deferredError = error }
    }

    // MARK: Resources used by pages

    /// The ExtGState index for an opacity in thousandths, creating it on first use.
    func graphicsState(alpha: Int) -> Int {
        if let index = graphicsStateByAlpha[alpha] { return index }
        let object = allocateObject()
        writeObject(object) { out in
            out.append("<< /Type /ExtGState /ca ")
            out.append(number: Double(alpha) / 1000)
            out.append(" /CA ")
            out.append(number: Double(alpha) / 1000)
            out.append(" >>")
        }
        graphicsStates.append((alpha, object))
        let index = graphicsStates.count - 1
        graphicsStateByAlpha[alpha] = index
        return index
    }

    /// The Type0 font object of a registered font, allocated on first use.
    func fontObject(_ index: Int) -> Int {
        let font = fonts[index]
        if let object = font.object { return object }
        let object = allocateObject()
        font.object = object
        return object
    }
}
