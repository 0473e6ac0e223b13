import Crypto

/// Adds pages and drawings to a finished PDF by **incremental update**: the original bytes are
/// kept unchanged and new and changed objects, a new cross-reference section and a trailer with
/// `/Prev` are appended (ISO 32000-1 §7.5.6). Used to put production marks on letters after
/// they were rendered, without rendering them again.
///
/// It reads what ``PDFWriter`` writes: a classic `xref` table (earlier incremental updates are
/// followed through `/Prev`), uncompressed object dictionaries, no encryption. Anything else is
/// refused with a ``PDFStampError`` naming it (cross-reference streams, object streams,
/// encryption). Reading walks `startxref` → xref table → trailer → `/Root` → `/Pages` → `/Kids`.
///
/// ```swift
/// let stamper = try PDFStamper(pdf)
/// let box = stamper.mediaBoxes[0]
/// let marked = try stamper.stamped(
///     appendingBlankPages: stamper.pageCount % 2,
///     fills: [0: [PDFStamper.Rect(x: box.x + 10, y: box.y + 10, width: 5, height: 5)]])
/// ```
///
/// Fills are drawn in black (`0 0 0 rg`, like the writer's own black) on top of the page, in a
/// content stream added after the page's own, which is wrapped in `q … Q` so that whatever
/// graphics state it leaves cannot move or recolour the marks.
public struct PDFStamper: Sendable {
    /// A rectangle in a page's default user space: points, origin at the bottom-left, y upwards.
    public struct Rect: Sendable, Hashable {
        /// Left edge.
        public var x: Double
        /// Bottom edge.
        public var y: Double
        /// Width (positive).
        public var width: Double
        /// Height (positive).
        public var height: Double

        /// Creates a rectangle from its bottom-left corner and size.
        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        /// The right edge.
        public var maxX: Double { x + width }
        /// The top edge.
        public var maxY: Double { y + height }
    }

    /// The document as given.
    public let original: [UInt8]
    /// The page count before stamping.
    public var pageCount: Int { pages.count }
    /// Each page's `/MediaBox` (inherited from the page tree when the page has none), in order.
    public var mediaBoxes: [Rect] { pages.map(\.mediaBox) }

    private struct Page: Sendable {
        var number: Int
        var generation: Int
        var dictionary: PDFValue
        var mediaBox: Rect
    }

    private let pages: [Page]
    private let trailer: PDFValue
    private let startxref: Int
    private let size: Int
    private let rootPages: (number: Int, generation: Int, dictionary: PDFValue)

    /// Reads the document's structure.
    /// - Throws: ``PDFStampError`` when it is not a PDF this stamper can update.
    public init(_ pdf: [UInt8]) throws(PDFStampError) {
        original = pdf
        startxref = try Self.findStartxref(pdf)
        var offsets: [Int: (offset: Int, generation: Int)] = [:]
        var freed: Set<Int> = []
        var trailer: PDFValue? = nil
        var sections: Set<Int> = []
        var next: Int? = startxref
        while let section = next {
            guard sections.insert(section).inserted else { throw .malformed(reason: "the /Prev chain loops at byte \(section)") }
            let sectionTrailer = try Self.readXref(pdf, at: section, into: &offsets, freed: &freed)
            if sectionTrailer["Encrypt"] != nil { throw .encrypted }
            if sectionTrailer["XRefStm"] != nil { throw .objectStreams }
            if trailer == nil { trailer = sectionTrailer }
            next = sectionTrailer["Prev"]?.integer
        }
        guard let trailer else { throw .malformed(reason: "no trailer") }
        self.trailer = trailer
        guard let size = trailer["Size"]?.integer, size > 0 else { throw .malformed(reason: "trailer has no /Size") }
        self.size = size

        func object(_ value: PDFValue?, _ what: @autoclosure () -> String) throws(PDFStampError) -> (Int, Int, PDFValue) {
            guard case .reference(let number, let generation)? = value else {
                throw .malformed(reason: "\(what()) is not an indirect reference")
            }
            guard let entry = offsets[number], !freed.contains(number) else {
                throw .malformed(reason: "\(what()) (object \(number)) is not in the cross-reference table")
            }
            var parser = PDFObjectParser(pdf, at: entry.offset)
            let found = try parser.expectInteger(context: "at the start of object \(number)")
            _ = try parser.expectInteger(context: "after object number \(number)")
            try parser.expectKeyword("obj", context: "after object number \(number)")
            guard found == number else {
                throw .malformed(reason: "the cross-reference table points object \(number) at object \(found)")
            }
            let value = try parser.parseValue()
            if value.isName("ObjStm") || value["Type"]?.isName("ObjStm") == true { throw .objectStreams }
            return (number, generation, value)
        }

        let (_, _, catalog) = try object(trailer["Root"], "/Root")
        let (pagesNumber, pagesGeneration, pagesNode) = try object(catalog["Pages"], "the catalog's /Pages")
        guard pagesNode["Type"]?.isName("Pages") == true || pagesNode["Kids"] != nil else {
            throw .malformed(reason: "the catalog's /Pages (object \(pagesNumber)) is not a page tree node")
        }
        rootPages = (pagesNumber, pagesGeneration, pagesNode)

        var pages: [Page] = []
        var visited: Set<Int> = [pagesNumber]
        func walk(_ node: PDFValue, inherited: Rect?, depth: Int) throws(PDFStampError) {
            guard depth < 32 else { throw .malformed(reason: "the page tree is nested too deeply") }
            let box = try Self.rect(node["MediaBox"]) ?? inherited
            guard case .array(let kids)? = node["Kids"] else { throw .malformed(reason: "a page tree node has no /Kids array") }
            for kid in kids {
                let (number, generation, dictionary) = try object(kid, "a page tree /Kids entry")
                guard visited.insert(number).inserted else { throw .malformed(reason: "the page tree visits object \(number) twice") }
                if dictionary["Type"]?.isName("Pages") == true {
                    try walk(dictionary, inherited: box, depth: depth + 1)
                } else {
                    guard let mediaBox = try Self.rect(dictionary["MediaBox"]) ?? box else {
                        throw .malformed(reason: "page object \(number) has no /MediaBox")
                    }
                    pages.append(Page(number: number, generation: generation, dictionary: dictionary, mediaBox: mediaBox))
                }
            }
        }
        try walk(pagesNode, inherited: nil, depth: 0)
        self.pages = pages
    }

    /// Returns the document with `blankPages` blank pages appended (each the size of the last
    /// page) and black `fills` drawn on the pages they name (page indexes count from 0 and may
    /// include the appended pages). The original bytes are the prefix of the result.
    /// - Throws: ``PDFStampError/pageOutOfRange(page:pageCount:)`` for a fill on a page that
    ///   does not exist; ``PDFStampError/malformed(reason:)`` when adding a page to an empty document.
    public func stamped(appendingBlankPages blankPages: Int = 0, fills: [Int: [Rect]] = [:]) throws(PDFStampError) -> [UInt8] {
        let blankPages = max(0, blankPages)
        let total = pages.count + blankPages
        for page in fills.keys where page < 0 || page >= total {
            throw .pageOutOfRange(page: page, pageCount: total)
        }
        let fills = fills.filter { !$0.value.isEmpty }
        if blankPages == 0 && fills.isEmpty { return original }
        guard blankPages == 0 || !pages.isEmpty else { throw .malformed(reason: "no last page to take the blank pages' size from") }

        var out = PDFBuffer(capacity: original.count + 4096 + 1024 * fills.count)
        out.append(bytes: original)
        if let last = original.last, last != 0x0A, last != 0x0D { out.append("\n") }
        let appendedFrom = out.count
        var entries: [(number: Int, generation: Int, offset: Int)] = []
        var nextObject = size

        func begin(_ number: Int, _ generation: Int) {
            entries.append((number, generation, out.count))
            out.append(int: number)
            out.append(" ")
            out.append(int: generation)
            out.append(" obj\n")
        }
        func allocate() -> Int {
            nextObject += 1
            return nextObject - 1
        }
        func writeStream(_ data: [UInt8]) -> Int {
            let number = allocate()
            begin(number, 0)
            out.append("<< /Length ")
            out.append(int: data.count)
            out.append(" >>\nstream\n")
            out.append(bytes: data)
            out.append("\nendstream\nendobj\n")
            return number
        }

        // One shared "q" stream opens a graphics state around each stamped page's own content.
        let save = fills.keys.contains { $0 < pages.count } ? writeStream(Array("q".utf8)) : nil

        for (index, page) in pages.enumerated() {
            guard let rects = fills[index], let save else { continue }
            let marks = writeStream(Self.content(rects, restoringFirst: true))
            var contents: [PDFValue] = [.reference(number: save, generation: 0)]
            switch page.dictionary["Contents"] {
            case .array(let items)?: contents += items
            case .some(let single) where single != .null: contents.append(single)
            default: break
            }
            contents.append(.reference(number: marks, generation: 0))
            begin(page.number, page.generation)
            page.dictionary.setting("Contents", to: .array(contents)).write(to: &out)
            out.append("\nendobj\n")
        }

        if blankPages > 0, let last = pages.last {
            var kids: [PDFValue] = []
            if case .array(let items)? = rootPages.dictionary["Kids"] { kids = items }
            for offset in 0..<blankPages {
                let contents = fills[pages.count + offset].map { writeStream(Self.content($0, restoringFirst: false)) }
                let number = allocate()
                begin(number, 0)
                out.append("<< /Type /Page /Parent ")
                out.append(int: rootPages.number)
                out.append(" ")
                out.append(int: rootPages.generation)
                out.append(" R /MediaBox [")
                for (i, value) in [last.mediaBox.x, last.mediaBox.y, last.mediaBox.maxX, last.mediaBox.maxY].enumerated() {
                    if i > 0 { out.append(" ") }
                    out.append(number: value)
                }
                out.append("] /Resources << >>")
                if let contents {
                    out.append(" /Contents ")
                    out.append(reference: contents)
                }
                out.append(" >>\nendobj\n")
                kids.append(.reference(number: number, generation: 0))
            }
            let count = (rootPages.dictionary["Count"]?.integer ?? pages.count) + blankPages
            begin(rootPages.number, rootPages.generation)
            rootPages.dictionary
                .setting("Kids", to: .array(kids))
                .setting("Count", to: .number(Array(String(count).utf8)))
                .write(to: &out)
            out.append("\nendobj\n")
        }

        // The new ID's second half changes with the update; the first stays (§14.4).
        let updateID = Array(Insecure.MD5.hash(data: out.bytes[appendedFrom...]))

        let xref = out.count
        out.append("xref\n")
        let sorted = entries.sorted { $0.number < $1.number }
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count, sorted[end].number == sorted[end - 1].number + 1 { end += 1 }
            out.append(int: sorted[start].number)
            out.append(" ")
            out.append(int: end - start)
            out.append("\n")
            for entry in sorted[start..<end] {
                Self.appendPadded(entry.offset, width: 10, to: &out)
                out.append(" ")
                Self.appendPadded(entry.generation, width: 5, to: &out)
                out.append(" n \n")
            }
            start = end
        }

        var newTrailer: PDFValue = .dictionary([])
        if case .dictionary(let old) = trailer {
            newTrailer = .dictionary(old.filter { !["Prev", "Size", "ID", "XRefStm"].map { Array($0.utf8) }.contains($0.key) })
        }
        newTrailer = newTrailer.setting("Size", to: .number(Array(String(nextObject).utf8)))
        if case .array(let ids)? = trailer["ID"], let first = ids.first {
            var hex = PDFBuffer()
            hex.append("<")
            hex.append(hex: updateID)
            hex.append(">")
            newTrailer = newTrailer.setting("ID", to: .array([first, .string(hex.bytes)]))
        }
        newTrailer = newTrailer.setting("Prev", to: .number(Array(String(startxref).utf8)))
        out.append("trailer\n")
        newTrailer.write(to: &out)
        out.append("\nstartxref\n")
        out.append(int: xref)
        out.append("\n%%EOF\n")
        return out.bytes
    }

    // MARK: Writing

    /// The marks' content stream: `Q` closes the `q` opened before the page's own content.
    private static func content(_ rects: [Rect], restoringFirst: Bool) -> [UInt8] {
        var out = PDFBuffer(capacity: 32 * rects.count + 32)
        if restoringFirst { out.append("Q\n") }
        out.append("q\n0 0 0 rg\n")
        for rect in rects where rect.width.isFinite && rect.height.isFinite && rect.width > 0 && rect.height > 0 {
            out.append(number: rect.x)
            out.append(" ")
            out.append(number: rect.y)
            out.append(" ")
            out.append(number: rect.width)
            out.append(" ")
            out.append(number: rect.height)
            out.append(" re\n")
        }
        out.append("f\nQ\n")
        return out.bytes
    }

    private static func appendPadded(_ value: Int, width: Int, to out: inout PDFBuffer) {
        var digits = PDFBuffer(capacity: width)
        digits.append(int: value)
        out.append(bytes: [UInt8](repeating: UInt8(ascii: "0"), count: max(0, width - digits.count)))
        out.append(bytes: digits.bytes)
    }

    // MARK: Reading

    private static func findStartxref(_ pdf: [UInt8]) throws(PDFStampError) -> Int {
        let keyword = Array("startxref".utf8)
        guard pdf.count > keyword.count else { throw .notPDF(reason: "too short") }
        guard pdf.starts(with: Array("%PDF-".utf8)) else { throw .notPDF(reason: "no %PDF- header") }
        var index = pdf.count - keyword.count
        let limit = max(0, pdf.count - 4096)
        while index >= limit {
            if pdf[index] == keyword[0], Array(pdf[index..<(index + keyword.count)]) == keyword {
                var parser = PDFObjectParser(pdf, at: index + keyword.count)
                guard let offset = try? parser.expectInteger(context: "after startxref"), offset < pdf.count else {
                    throw .notPDF(reason: "startxref does not point into the file")
                }
                return offset
            }
            index -= 1
        }
        throw .notPDF(reason: "no startxref in the last 4 KB")
    }

    /// Reads one classic xref section and its trailer; older entries never replace newer ones.
    private static func readXref(
        _ pdf: [UInt8], at offset: Int, into offsets: inout [Int: (offset: Int, generation: Int)], freed: inout Set<Int>
    ) throws(PDFStampError) -> PDFValue {
        guard offset >= 0, offset < pdf.count else { throw .malformed(reason: "a cross-reference offset (\(offset)) is outside the file") }
        var parser = PDFObjectParser(pdf, at: offset)
        parser.skipWhitespace()
        if parser.position < pdf.count, pdf[parser.position] >= 0x30, pdf[parser.position] <= 0x39 {
            throw .crossReferenceStream
        }
        try parser.expectKeyword("xref", context: "at the startxref offset \(offset)")
        while true {
            let saved = parser.position
            if parser.regularToken() == Array("trailer".utf8) { break }
            parser.position = saved
            let first = try parser.expectInteger(context: "as a cross-reference subsection start")
            let count = try parser.expectInteger(context: "as a cross-reference subsection count")
            for number in first..<(first + count) {
                let entryOffset = try parser.expectInteger(context: "as the offset of object \(number)")
                let generation = try parser.expectInteger(context: "as the generation of object \(number)")
                let kind = parser.regularToken()
                guard kind == [UInt8(ascii: "n")] || kind == [UInt8(ascii: "f")] else {
                    throw .malformed(reason: "cross-reference entry of object \(number) is neither 'n' nor 'f'")
                }
                guard offsets[number] == nil, !freed.contains(number) else { continue }
                if kind == [UInt8(ascii: "n")] {
                    offsets[number] = (entryOffset, generation)
                } else {
                    freed.insert(number)
                }
            }
        }
        let trailer = try parser.parseValue()
        guard case .dictionary = trailer else { throw .malformed(reason: "the trailer is not a dictionary") }
        return trailer
    }

    private static func rect(_ value: PDFValue?) throws(PDFStampError) -> Rect? {
        guard let value else { return nil }
        guard case .array(let items) = value, items.count == 4,
              let x0 = items[0].real, let y0 = items[1].real, let x1 = items[2].real, let y1 = items[3].real else {
            throw .malformed(reason: "a /MediaBox is not an array of four numbers")
        }
        return Rect(x: min(x0, x1), y: min(y0, y1), width: abs(x1 - x0), height: abs(y1 - y0))
    }
}
