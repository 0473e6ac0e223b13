import Foundation
import Letterpress
import Testing

/// Images and fonts from the assets folder, and every way they can be wrong.
@Suite struct AssetTests {
    let renderer = LetterpressRenderer()

    /// Writes test images with Pillow (an independent encoder).
    static func makeImages(in folder: URL) async throws {
        let script = """
            from PIL import Image
            import sys
            d = sys.argv[1]
            logo = Image.new('RGBA', (120, 40), (11, 61, 145, 255))
            for x in range(120):
                for y in range(40):
                    if (x // 10 + y // 10) % 2: logo.putpixel((x, y), (255, 255, 255, 0))
            logo.save(d + '/logo.png')
            Image.new('RGB', (80, 60), (200, 30, 30)).save(d + '/photo.jpg', quality=90)
            Image.new('L', (30, 30), 128).save(d + '/grey.png')
            """
        let result = try await ExternalTool.run("python3", ["-c", script, folder.path])
        #expect(result.status == 0, "Pillow could not write the test images: \(result.output)")
    }

    @Test func anImageUsedThreeTimesIsEmbeddedOnce() async throws {
        let folder = try scratchFolder("images")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.makeImages(in: folder)
        let document = try renderer.render(html: """
            <p><img src="logo.png"> <img src="logo.png" width="60"> <img src="photo.jpg"> <img src="grey.png"></p>
            <p style="page-break-before: always"><img src="logo.png"></p>
            """, options: RenderOptions(assets: folder))
        #expect(document.pageCount == 2)
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        try await pdf.expectQPDFClean()
        let list = try await ExternalTool.run("pdfimages", ["-list", pdf.file.path])
        let rows = list.output.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        // Each placement is listed, but the object number (column 11) is shared by the logo's uses.
        let logoObjects = Set(rows.filter { $0.count > 11 && $0[3] == "120" && $0[4] == "40" && $0[2] == "image" }.map { $0[10] })
        #expect(logoObjects.count == 1, "\(list.output)")
        #expect(rows.contains { $0.count > 11 && $0[2] == "smask" }, "the logo's alpha is a soft mask: \(list.output)")
        #expect(rows.contains { $0.count > 11 && $0[8] == "jpeg" }, "the JPEG is passed through: \(list.output)")
        #expect(rows.contains { $0.count > 11 && $0[5] == "gray" }, "\(list.output)")
    }

    @Test func aMissingImageIsAnErrorNamingTheFile() throws {
        let folder = try scratchFolder("missing")
        defer { try? FileManager.default.removeItem(at: folder) }
        expectFailure(containing: ["letterhead.png", "does not exist"]) {
            _ = try renderer.render(html: "<img src='letterhead.png'>", options: RenderOptions(assets: folder))
        }
    }

    @Test func aFileThatIsNotAnImageIsAnErrorNamingIt() throws {
        let folder = try scratchFolder("notimage")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("<svg>not a png</svg>".utf8).write(to: folder.appendingPathComponent("logo.png"))
        expectFailure(containing: ["logo.png"]) {
            _ = try renderer.render(html: "<img src='logo.png'>", options: RenderOptions(assets: folder))
        }
    }

    @Test func aFiftyMegabyteImageIsRefusedUnderTheLimit() throws {
        let folder = try scratchFolder("big")
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = folder.appendingPathComponent("scan.png")
        FileManager.default.createFile(atPath: big.path, contents: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 50 << 20)
        try handle.close()
        expectFailure(containing: ["scan.png", "too large"]) {
            _ = try renderer.render(html: "<img src='scan.png'>", options: RenderOptions(assets: folder))
        }
    }

    @Test(arguments: ["../secret.png", "/etc/passwd", "https://example.com/logo.png", "file:///etc/passwd"])
    func nothingOutsideTheAssetsFolderIsRead(source: String) throws {
        let folder = try scratchFolder("outside")
        defer { try? FileManager.default.removeItem(at: folder) }
        expectFailure(containing: [source]) {
            _ = try renderer.render(html: "<img src='\(source)'>", options: RenderOptions(assets: folder))
        }
    }

    @Test func aMissingFontIsAnErrorNamingTheFile() throws {
        let folder = try scratchFolder("font")
        defer { try? FileManager.default.removeItem(at: folder) }
        expectFailure(containing: ["fonts/Brand.ttf"]) {
            _ = try renderer.render(html: """
                <style>@font-face { font-family: Brand; src: url(fonts/Brand.ttf) } p { font-family: Brand }</style><p>x</p>
                """, options: RenderOptions(assets: folder))
        }
    }

    @Test func aFontFaceFromTheAssetsFolderIsUsed() async throws {
        let folder = try scratchFolder("fontface")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fonts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/Letterpress/Resources/Fonts")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("fonts"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fonts.appendingPathComponent("DejaVuSerif-Bold.ttf"),
                                         to: folder.appendingPathComponent("fonts/Brand.ttf"))
        let document = try renderer.render(html: """
            <style>@font-face { font-family: Brand; src: url(fonts/Brand.ttf) format("truetype") } p { font-family: Brand, sans-serif }</style>
            <p>Branded</p>
            """, options: RenderOptions(assets: folder))
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        let list = try await ExternalTool.run("pdffonts", [pdf.file.path])
        #expect(list.output.contains("DejaVuSerif-Bold"), "\(list.output)")
    }

    @Test func brokenMarkupIsToleratedWithWarnings() async throws {
        let document = try renderer.render(html: "<div><p>Unclosed <b>bold <i>both</b> italic?</div></span><table><td>cell")
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        try await pdf.expectQPDFClean()
        #expect(!document.warnings.isEmpty)
        let text = try await pdf.text()
        #expect(text.contains("Unclosed bold both italic?"), "\(text)")
        #expect(text.contains("cell"))
    }

    @Test func twoThousandRowsBecomePages() async throws {
        let rows = (1...2000).map { "<tr><td>\($0)</td><td>Line item \($0)</td><td>€\($0).00</td></tr>" }.joined()
        let document = try renderer.render(html: "<table><thead><tr><th>#</th><th>Item</th><th>Amount</th></tr></thead>\(rows)</table>")
        #expect(document.pageCount > 20)
        let pdf = try PDFInspection(document.pdf)
        defer { pdf.remove() }
        #expect(try await pdf.pageCount() == document.pageCount)
        let text = try await pdf.text()
        #expect(text.contains("Line item 2000"))
    }
}

/// Expects `body` to throw a `LetterpressError` whose message contains every needle.
func expectFailure(containing needles: [String], sourceLocation: SourceLocation = #_sourceLocation,
                   _ body: () throws -> Void) {
    let error = #expect(throws: LetterpressError.self, sourceLocation: sourceLocation) { try body() }
    if let error {
        for needle in needles {
            #expect(error.description.contains(needle), "\(error.description) should name \(needle)", sourceLocation: sourceLocation)
        }
    }
}
