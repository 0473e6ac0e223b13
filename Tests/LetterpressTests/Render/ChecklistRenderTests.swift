import Foundation
import Letterpress
import Testing

/// Issue 3's checklist end to end, read back with qpdf and poppler: page sizes, white space,
/// borders, the cascade, margin boxes, kerning, justification, line breaking, PNG variants,
/// font licences, links and unknown CSS.
@Suite struct ChecklistRenderTests {
    let renderer = LetterpressRenderer()

    func inspect(_ html: String, options: RenderOptions = RenderOptions()) async throws -> (RenderedDocument, PDFInspection) {
        let document = try renderer.render(html: html, options: options)
        let pdf = try PDFInspection(document.pdf)
        try await pdf.expectQPDFClean()
        return (document, pdf)
    }

    /// The page content streams, uncompressed by qpdf.
    func contentStreams(_ pdf: PDFInspection) async throws -> String {
        try await ExternalTool.run("qpdf", ["--qdf", "--object-streams=disable", pdf.file.path, "-"]).output
    }

    func word(_ text: String, in page: PDFInspection.Page, sourceLocation: SourceLocation = #_sourceLocation) throws -> PDFInspection.Word {
        try #require(page.words.first { $0.text == text }, "no \(text) in \(page.text)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [("letter", 612.0, 792.0), ("A5", 419.528, 595.276), ("100mm 200mm", 283.465, 566.929),
                      ("5in 4in", 360.0, 288.0), ("A4 landscape", 841.89, 595.276), ("letter landscape", 792.0, 612.0)])
    func pageSizes(size: String, width: Double, height: Double) async throws {
        let (document, pdf) = try await inspect("<style>@page { size: \(size); margin: 10mm }</style><p>Sized</p><p style='page-break-before: always'>Two</p>")
        defer { pdf.remove() }
        #expect(document.pageCount == 2)
        let pages = try await pdf.pages()
        #expect(pages.count == 2)
        for page in pages {
            #expect(abs(page.width - width) < 0.01 && abs(page.height - height) < 0.01, "\(size): \(page.width)x\(page.height)")
        }
    }

    @Test func preLineKeepsNewlinesAndNowrapDoesNotWrap() async throws {
        let (_, pdf) = try await inspect("""
            <style>@page { size: 300pt 600pt; margin: 20pt } body { font-size: 12pt }</style>
            <p style="white-space: pre-line">alpha   beta
               gamma</p>
            <p style="white-space: pre-line; width: 90pt">wraps when the line is too long</p>
            <p style="white-space: nowrap">one two three four five six seven eight nine ten eleven twelve</p>
            """)
        defer { pdf.remove() }
        let page = try #require(try await pdf.pages().first)
        let alpha = try word("alpha", in: page), beta = try word("beta", in: page), gamma = try word("gamma", in: page)
        #expect(abs(alpha.yMin - beta.yMin) < 0.5, "spaces collapse onto one line")
        #expect(beta.xMin - alpha.xMax < 5, "the run of spaces collapsed to one")
        #expect(gamma.yMin > alpha.yMin + 5 && abs(gamma.xMin - 20) < 0.5, "the newline breaks; leading spaces go")
        let wraps = try word("wraps", in: page), long = try word("long", in: page)
        #expect(long.yMin > wraps.yMin + 20, "pre-line still wraps at the box width")
        let one = try word("one", in: page), twelve = try word("eight", in: page)
        #expect(abs(one.yMin - twelve.yMin) < 0.5, "nowrap keeps the line whole")
    }

    @Test func dashedBordersPerSide() async throws {
        let (_, pdf) = try await inspect("""
            <style>@page { size: 400pt 600pt; margin: 0 } body { margin: 0 }</style>
            <div style="border-top: 2pt dashed red; border-bottom: 3pt solid #00f; border-left: 1pt dashed rgb(0, 128, 0); height: 50pt; width: 100pt"></div>
            """)
        defer { pdf.remove() }
        let content = try await contentStreams(pdf)
        #expect(content.contains("1 0 0 RG\n2 w\n[6 6] 0 d\n"), "top: red dashed 2pt\n\(content.prefix(600))")
        #expect(content.contains("0 0 1 RG\n3 w\n[] 0 d\n"), "bottom: blue solid 3pt")
        #expect(content.contains("0 0.502 0 RG\n1 w\n[3 3] 0 d\n"), "left: green dashed 1pt")
        #expect(content.components(separatedBy: " l S").count - 1 == 3, "no right border")
    }

    @Test func importantBeatsTheStyleAttributeAndFirstChildMatches() async throws {
        let (_, pdf) = try await inspect("""
            <style>@page { size: 400pt 600pt; margin: 0 } body { margin: 0 } p { margin: 0 }
            .rule { margin-left: 100pt !important; color: red !important }
            div > p:first-child { margin-left: 30pt }
            .hidden { display: none }
            .box { display: inline-block; width: 60pt }
            .corner { position: absolute; right: 20pt; bottom: 30pt; width: 80pt; height: 20pt }
            </style>
            <p class="rule" style="margin-left: 5pt; color: blue">Sheet</p>
            <p class="rule" style="margin-left: 200pt !important">Inline</p>
            <div><!-- a comment --> <p>First</p><p>Second</p></div>
            <p class="hidden">Hidden</p>
            <p>before <span class="box">boxed words wrap</span> after</p>
            <div class="corner">Corner</div>
            """)
        defer { pdf.remove() }
        let page = try #require(try await pdf.pages().first)
        #expect(abs(try word("Sheet", in: page).xMin - 100) < 0.5, "!important in the sheet beats style=\"\"")
        #expect(abs(try word("Inline", in: page).xMin - 200) < 0.5, "!important in style=\"\" beats the sheet's")
        #expect(abs(try word("First", in: page).xMin - 30) < 0.5)
        #expect(abs(try word("Second", in: page).xMin) < 0.5)
        #expect(!page.text.contains("Hidden"))
        let boxed = try word("boxed", in: page), wrap = try word("wrap", in: page), after = try word("after", in: page)
        #expect(wrap.yMin > boxed.yMin + 5, "the inline-block wraps inside its 60pt")
        #expect(abs(after.yMin - wrap.yMin) < 0.5, "the line's baseline is the inline-block's last line")
        #expect(after.xMin > boxed.xMin + 60)
        let corner = try word("Corner", in: page)
        #expect(abs(corner.xMin - 300) < 0.5, "right: 20pt on a 400pt page, 80pt wide")
        #expect(corner.yMin >= 550 - 0.5 && corner.yMax <= 570 + 0.5, "bottom: 30pt, 20pt tall")
        let content = try await contentStreams(pdf)
        #expect(content.contains("1 0 0 rg"), "the sheet's !important colour")
        #expect(!content.contains("0 0 1 rg"))
    }

    @Test func firstPageMarginBoxesCountAllPages() async throws {
        let (document, pdf) = try await inspect("""
            <style>
            @page { size: A5; margin: 20mm; @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt } }
            @page :first { margin-top: 40mm; @top-center { content: "First " counter(page) "/" counter(pages); font-size: 14pt; font-family: sans-serif } }
            .next { page-break-before: always }
            </style><p>one</p><p class="next">two</p><p class="next">three</p>
            """)
        defer { pdf.remove() }
        #expect(document.pageCount == 3)
        let pages = try await pdf.pages()
        let first = try word("First", in: pages[0])
        #expect(try word("1/3", in: pages[0]).yMin < 40 * 72 / 25.4)
        #expect(first.yMax - first.yMin > 14, "the margin box's own 14pt font")
        for (index, page) in pages.enumerated() {
            #expect(page.text.hasSuffix("Page \(index + 1) of 3"), "page \(index + 1): \(page.text)")
            #expect(index == 0 || !page.text.contains("First"))
        }
    }

    @Test func kerningIsWrittenAsTJAdjustments() async throws {
        let (_, pdf) = try await inspect("<p style='font-family: DejaVu Sans; font-size: 20pt'>AV</p>")
        defer { pdf.remove() }
        let content = try await contentStreams(pdf)
        // DejaVu Sans keeps its glyph ids in the subset: A is 36 (0x24), V is 57 (0x39).
        let pattern = #"\[<0024>(-?[0-9.]+)<0039>\] TJ"#
        let match = try #require(content.range(of: pattern, options: .regularExpression), "no kerned TJ in\n\(content.prefix(2000))")
        let adjustment = String(content[match]).dropFirst(7).prefix { $0 != "<" }
        #expect((Double(adjustment) ?? 0) > 0, "A and V move closer: \(adjustment)")
        #expect(try await pdf.text().contains("AV"))
    }

    @Test func justifiedLinesAreFlushAndTheLastIsNot() async throws {
        let (_, pdf) = try await inspect("""
            <style>@page { size: 300pt 600pt; margin: 20pt } body { font-size: 12pt }</style>
            <p style="text-align: justify; width: 200pt">Justified text should stretch each line except the last one so
            the right edge is flush, here is more text to wrap.</p>
            """)
        defer { pdf.remove() }
        let page = try #require(try await pdf.pages().first)
        var lines: [[PDFInspection.Word]] = []
        for word in page.words {
            if let last = lines.last?.last, abs(last.yMin - word.yMin) < 0.5 { lines[lines.count - 1].append(word) } else { lines.append([word]) }
        }
        #expect(lines.count >= 3)
        for line in lines.dropLast() {
            #expect(abs((line.first?.xMin ?? 0) - 20) < 0.5)
            #expect(abs((line.last?.xMax ?? 0) - 220) < 0.5, "flush right: \(line.map(\.text))")
        }
        #expect((lines.last?.last?.xMax ?? 999) < 210, "the last line is not stretched")
    }

    @Test func hyphensAndOverlongWordsBreak() async throws {
        let long = "Supercalifragilisticexpialidociousandevenlongerwordhere"
        let (_, pdf) = try await inspect("""
            <style>@page { size: 300pt 600pt; margin: 20pt } body { font-size: 12pt }</style>
            <p style="width: 100pt">\(long) end</p>
            <p style="width: 100pt">well-known self-employed</p>
            """)
        defer { pdf.remove() }
        let page = try #require(try await pdf.pages().first)
        for word in page.words { #expect(word.xMax <= 120.5, "\(word.text) overflows its 100pt box") }
        let pieces = page.words.prefix { $0.text != "end" }.map(\.text)
        #expect(pieces.count >= 3 && pieces.joined() == long, "\(pieces)")
        #expect(page.words.contains { $0.text == "self-" }, "a break after the hyphen: \(page.text)")
        #expect(page.words.contains { $0.text == "employed" })
        #expect(try await pdf.text().contains("self-employed") == false)
    }

    @Test func palettedAndInterlacedPNGsRenderExactly() async throws {
        let folder = try scratchFolder("pngs")
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = """
            import sys, zlib, struct
            from PIL import Image
            d = sys.argv[1]
            p = Image.new('P', (40, 20)); p.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 759)
            for x in range(40):
                for y in range(20): p.putpixel((x, y), (x // 10) % 3)
            p.save(d + '/palette.png')
            W, H = 33, 17
            px = [[((x * 7) % 256, (y * 13) % 256, 100) for x in range(W)] for y in range(H)]
            raw = b''
            for sx, sy, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
                xs = list(range(sx, W, dx)); ys = list(range(sy, H, dy))
                if xs and ys:
                    for y in ys: raw += b'\\0' + b''.join(bytes(px[y][x]) for x in xs)
            def chunk(t, b): return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b) & 0xffffffff)
            png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 2, 0, 0, 1)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
            open(d + '/interlaced.png', 'wb').write(png)
            assert Image.open(d + '/interlaced.png').info.get('interlace') == 1
            """
        let made = try await ExternalTool.run("python3", ["-c", script, folder.path])
        try #require(made.status == 0, "Pillow could not write the test images: \(made.output)")
        let (_, pdf) = try await inspect("<p><img src='palette.png'> <img src='interlaced.png'> <img src='palette.png'></p>",
                                         options: RenderOptions(assets: folder))
        defer { pdf.remove() }
        let list = try await ExternalTool.run("pdfimages", ["-list", pdf.file.path])
        let rows = list.output.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(Set(rows.filter { $0.count > 10 && $0[3] == "40" }.map { $0[10] }).count == 1, "the palette image once: \(list.output)")
        #expect(rows.contains { $0.count > 10 && $0[3] == "33" && $0[4] == "17" })
        let prefix = folder.appendingPathComponent("out").path
        let extracted = try await ExternalTool.run("pdfimages", ["-png", pdf.file.path, prefix])
        #expect(extracted.status == 0)
        let compare = """
            import sys
            from PIL import Image
            d = sys.argv[1]
            def px(path): return list(Image.open(path).convert('RGB').tobytes())
            assert px(d + '/out-000.png') == px(d + '/palette.png'), 'palette'
            assert px(d + '/out-001.png') == px(d + '/interlaced.png'), 'interlaced'
            print('same')
            """
        let same = try await ExternalTool.run("python3", ["-c", compare, folder.path])
        #expect(same.output.contains("same"), "the embedded pixels differ from the PNGs': \(same.output)")
    }

    @Test func aFontWhoseLicenceForbidsEmbeddingIsRefusedByName() throws {
        let folder = try scratchFolder("restricted")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fonts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/Letterpress/Resources/Fonts")
        var bytes = [UInt8](try Data(contentsOf: fonts.appendingPathComponent("DejaVuSans.ttf")))
        // Find the OS/2 table and set fsType to 0x0002 (restricted licence embedding).
        let tables = Int(bytes[4]) << 8 | Int(bytes[5])
        var patched = false
        for index in 0..<tables {
            let record = 12 + 16 * index
            if Array(bytes[record..<record + 4]) == Array("OS/2".utf8) {
                let offset = Int(bytes[record + 8]) << 24 | Int(bytes[record + 9]) << 16 | Int(bytes[record + 10]) << 8 | Int(bytes[record + 11])
                bytes[offset + 8] = 0
                bytes[offset + 9] = 2
                patched = true
            }
        }
        try #require(patched)
        try Data(bytes).write(to: folder.appendingPathComponent("Licensed.ttf"))
        expectFailure(containing: ["Licensed.ttf", "fsType"]) {
            _ = try renderer.render(html: """
                <style>@font-face { font-family: Licensed; src: url(Licensed.ttf) } p { font-family: Licensed }</style><p>Hi</p>
                """, options: RenderOptions(assets: folder))
        }
    }

    @Test func linkAnnotationsCoverTheirWords() async throws {
        let (document, pdf) = try await inspect("""
            <style>@page { size: 400pt 400pt; margin: 20pt } body { font-size: 12pt }</style>
            <p>Pay at <a href="https://herald.example/pay">herald.example/pay</a> today.</p>
            <p>Or <a href="javascript:alert(1)">not this</a>.</p>
            """)
        defer { pdf.remove() }
        let page = try #require(try await pdf.pages().first)
        let target = try word("herald.example/pay", in: page)
        let content = try await contentStreams(pdf)
        let pattern = #"/Rect \[\s*([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s*\]"#
        let rects = content.matches(of: try Regex(pattern)).map { match in
            String(content[match.range]).split(whereSeparator: { " \n[]".contains($0) }).dropFirst().compactMap { Double($0) }
        }
        #expect(rects.count == 1, "one link; javascript: is dropped: \(rects)")
        let rect = try #require(rects.first)
        try #require(rect.count == 4)
        // PDF rectangles are bottom-up; poppler's boxes top-down.
        #expect(abs(rect[0] - target.xMin) < 0.5 && abs(rect[2] - target.xMax) < 0.5, "\(rect) vs \(target)")
        #expect(rect[1] <= 400 - target.yMax + 0.5 && rect[3] >= 400 - target.yMin - 0.5, "\(rect) vs \(target)")
        #expect(content.contains("/URI (https://herald.example/pay)"))
        #expect(document.warnings.contains { $0.contains("javascript:") })
    }

    @Test func unknownCSSAndMisnestedTagsWarnButRender() async throws {
        let (document, pdf) = try await inspect("""
            <style>p { colr: red; display: flex; transform: rotate(3deg) } p::before { content: "x" } @keyframes k { from {} }</style>
            <p style="foo: bar; width: 10furlongs">Styled</p><div><span><p>Misnested</span></div></b><table><tr><td>A<td>B</table>
            """)
        defer { pdf.remove() }
        let warnings = document.warnings.joined(separator: "\n")
        for needle in ["colr", "flex", "transform", "::before", "@keyframes", "foo", "furlongs", "</b>"] {
            #expect(warnings.contains(needle), "no warning about \(needle):\n\(warnings)")
        }
        let text = try await pdf.text()
        #expect(text.contains("Styled") && text.contains("Misnested") && text.contains("A") && text.contains("B"))
    }
}
