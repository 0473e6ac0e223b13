import Foundation
import Letterpress
import Mustache
import Testing

/// The three sample letters of `Fixtures/letters` (welcome, dunning with a long invoice table,
/// bill), merged with their data and rendered, then read back by poppler and qpdf and compared
/// with committed low-resolution page images.
@Suite struct SampleLetterTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let letters = fixtures.appendingPathComponent("letters")
    static let golden = fixtures.appendingPathComponent("golden")
    static let mm = 72.0 / 25.4
    static let renderer = LetterpressRenderer()

    static func render(_ kind: String) throws -> RenderedDocument {
        let template = try String(contentsOf: letters.appendingPathComponent("\(kind).html"), encoding: .utf8)
        let data = try Data(contentsOf: letters.appendingPathComponent("data/\(kind).json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let html = try MustacheTemplate(string: template).render(object)
        return try renderer.render(html: html, options: RenderOptions(
            assets: letters, creationDate: Date(timeIntervalSince1970: 1_741_000_000)))
    }

    @Test(arguments: [("welcome", 1), ("dunning", 3), ("bill", 2)])
    func rendersCleanWithItsPageCountAndPageNumbers(kind: String, pages: Int) async throws {
        let document = try Self.render(kind)
        #expect(document.pageCount == pages)
        let pdf = try PDFInspection(document.pdf, name: kind)
        defer { pdf.remove() }
        try await pdf.expectQPDFClean()
        let read = try await pdf.pages()
        #expect(read.count == pages)
        for (index, page) in read.enumerated() {
            let words = page.words
            let at = try #require(words.lastIndex { $0.text == "Page" }, "no page number on page \(index + 1) of \(kind)")
            #expect(words.count > at + 3)
            #expect(words[at + 1].text == "\(index + 1)" && words[at + 2].text == "of" && words[at + 3].text == "\(pages)")
            #expect(abs(words[at + 3].xMax - (page.width - 20 * Self.mm)) < 3, "right edge of the content box")
        }
    }

    @Test func theWelcomeLetterExtractsExactlyAndItsAddressIsInTheWindow() async throws {
        let document = try Self.render("welcome")
        let pdf = try PDFInspection(document.pdf, name: "welcome")
        defer { pdf.remove() }
        let text = try await pdf.text()
        for expected in ["Ms Zoë Åkesson-Lefèvre", "Kurfürstendamm 213", "Καλωσορίσατε", "Добро пожаловать", "😀", "Jürgen Weiß", "€ 29.99"] {
            #expect(text.contains(expected), "\(expected) not extracted from:\n\(text)")
        }
        let page = try #require(try await pdf.pages().first)
        // The window is 20–105 mm across and 45–90 mm down the page (see Fixtures/letters/README.md).
        let window = (x: 20 * Self.mm, y: 45 * Self.mm, maxX: 105 * Self.mm, maxY: 90 * Self.mm)
        let address = ["Zoë", "Åkesson-Lefèvre", "Kurfürstendamm", "213", "10719", "Berlin", "Germany"]
        let inWindow = page.words.filter { address.contains($0.text) && $0.yMin < window.maxY + 20 }
        #expect(Set(inWindow.map(\.text)) == Set(address), "\(page.text)")
        for word in inWindow {
            #expect(word.xMin >= window.x && word.xMax <= window.maxX && word.yMin >= window.y && word.yMax <= window.maxY, "\(word)")
        }
    }

    @Test func theDunningTableRepeatsItsHeaderOnEveryPageItSpans() async throws {
        let document = try Self.render("dunning")
        let pdf = try PDFInspection(document.pdf, name: "dunning")
        defer { pdf.remove() }
        let pages = try await pdf.pages()
        #expect(pages.count == 3)
        var invoices: [String] = []
        var pagesWithRows = 0
        for page in pages {
            let texts = page.words.map(\.text)
            let rows = texts.filter { $0.hasPrefix("R-202") }
            guard let firstRow = texts.firstIndex(where: { $0.hasPrefix("R-202") }) else { continue }
            pagesWithRows += 1
            // The header (Invoice, Invoice date, Due date, …) comes right before the first row.
            let header = texts[..<firstRow].suffix(12)
            #expect(header.contains("Invoice") && header.contains("Due"), "no header above the rows: \(page.text)")
            invoices += rows
        }
        #expect(pagesWithRows >= 2, "the invoice table spans pages")
        // Every invoice appears exactly once (no row lost or split across pages).
        #expect(invoices.count == 56, "\(invoices)")
        #expect(Set(invoices).count == 56)
    }

    /// Page images at 20 dpi, grey, against committed references: a layout regression moves
    /// many pixels; antialiasing differences move a few. `HERALD_RECORD_GOLDEN=1` rewrites them.
    @Test(arguments: [("welcome", 1), ("dunning", 3), ("bill", 2)])
    func pagesMatchTheirGoldenImages(kind: String, pages: Int) async throws {
        let document = try Self.render(kind)
        let pdf = try PDFInspection(document.pdf, name: kind)
        defer { pdf.remove() }
        let folder = try scratchFolder("golden-\(kind)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await ExternalTool.run("pdftoppm", ["-r", "20", "-gray", pdf.file.path, folder.appendingPathComponent(kind).path])
        #expect(result.status == 0, "\(result.output)")
        let record = ProcessInfo.processInfo.environment["HERALD_RECORD_GOLDEN"] == "1"
        for page in 1...pages {
            let name = "\(kind)-\(page).pgm"
            let rendered = try #require(FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
                ?? FileManager.default.contents(atPath: folder.appendingPathComponent("\(kind)-\(String(format: "%02d", page)).pgm").path),
                "pdftoppm wrote no \(name)")
            let reference = Self.golden.appendingPathComponent(name)
            if record {
                try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
                try rendered.write(to: reference)
                continue
            }
            let expected = try #require(FileManager.default.contents(atPath: reference.path), "no golden image \(name)")
            let a = try GreyImage(pgm: rendered), b = try GreyImage(pgm: expected)
            #expect(a.width == b.width && a.height == b.height, "\(name): size \(a.width)x\(a.height) vs \(b.width)x\(b.height)")
            guard a.width == b.width, a.height == b.height else { continue }
            var different = 0
            var total = 0
            for i in a.pixels.indices {
                let delta = abs(Int(a.pixels[i]) - Int(b.pixels[i]))
                total += delta
                if delta > 64 { different += 1 }
            }
            let share = Double(different) / Double(a.pixels.count)
            let mean = Double(total) / Double(a.pixels.count)
            #expect(share < 0.005 && mean < 2.0, "\(name): \(different) pixels differ (\(share * 100)%), mean delta \(mean)")
        }
    }
}

/// A binary PGM (P5, 8-bit), as pdftoppm -gray writes.
struct GreyImage {
    var width: Int
    var height: Int
    var pixels: [UInt8]

    init(pgm: Data) throws {
        let bytes = [UInt8](pgm)
        var fields: [Int] = []
        var index = 2
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "5") else { throw Bad() }
        while fields.count < 3, index < bytes.count {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
            var value = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            fields.append(value)
        }
        index += 1
        guard fields.count == 3, bytes.count >= index + fields[0] * fields[1] else { throw Bad() }
        width = fields[0]
        height = fields[1]
        pixels = Array(bytes[index..<(index + width * height)])
    }

    struct Bad: Error {}
}
