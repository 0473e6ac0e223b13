import Foundation
import Testing
@testable import PDF

@Suite struct PDFWriterImageTests {
    /// Renders page 1 at `dpi` with pdftoppm.
    private func render(_ pdf: [UInt8], dpi: Int = 20) async throws -> PixelMap {
        let directory = try TemporaryDirectory()
        let path = try directory.write(pdf, to: "image.pdf")
        let check = try await ExternalTool.run("qpdf", ["--check", path])
        #expect(check.status == 0, "qpdf --check: \(check.text) \(check.stderr)")
        let output = try await ExternalTool.run("pdftoppm", ["-r", "\(dpi)", "-singlefile", path, directory.path("render")])
        #expect(output.status == 0, "pdftoppm: \(output.stderr)")
        return try PixelMap(ppm: [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.path("render.ppm")))))
    }

    @Test func imagesRenderWithTheExpectedColours() async throws {
        let writer = PDFWriter(options: PDFOptions())
        let gray = writer.register(image: PDFImage(width: 2, height: 2, bitsPerComponent: 8, colorSpace: .gray, data: .raw([64, 64, 64, 64])))
        // Red, 2×1 pixels; the soft mask makes the right pixel fully transparent.
        let masked = writer.register(image: PDFImage(
            width: 2, height: 1, bitsPerComponent: 8, colorSpace: .rgb, data: .raw([255, 0, 0, 255, 0, 0]),
            softMask: PDFImage(width: 2, height: 1, bitsPerComponent: 8, colorSpace: .gray, data: .raw([255, 0]))))
        let jpeg = writer.register(image: PDFImage(width: 16, height: 16, bitsPerComponent: 8, colorSpace: .rgb, data: .jpeg(TinyJPEG.solid(red: 30, green: 120, blue: 200))))
        let grayJPEG = writer.register(image: PDFImage(width: 16, height: 16, bitsPerComponent: 8, colorSpace: .gray, data: .jpeg(TinyJPEG.solid(gray: 180))))
        // Inverted (Adobe-style) CMYK: stored 255-C… so C=0 M=1 Y=1 K=0 (red) is stored as 255 0 0 255.
        let cmyk = writer.register(image: PDFImage(width: 1, height: 1, bitsPerComponent: 8, colorSpace: .cmyk, data: .raw([255, 0, 0, 255]), invertedCMYK: true))
        let flate = writer.register(image: PDFImage(width: 1, height: 1, bitsPerComponent: 8, colorSpace: .rgb, data: .flate(try Deflater(level: 6).deflate([0, 160, 0]))))
        let bilevel = writer.register(image: PDFImage(width: 8, height: 1, bitsPerComponent: 1, colorSpace: .gray, data: .raw([0b1111_0000])))

        let page = writer.beginPage(width: 720, height: 360)
        page.fill(x: 120, y: 0, width: 120, height: 120, color: PDFColor(red: 0, green: 0, blue: 1))  // behind the masked image
        page.image(gray, x: 0, y: 0, width: 120, height: 120)
        page.image(masked, x: 120, y: 0, width: 120, height: 120)
        page.image(jpeg, x: 240, y: 0, width: 120, height: 120)
        page.image(grayJPEG, x: 360, y: 0, width: 120, height: 120)
        page.image(cmyk, x: 480, y: 0, width: 120, height: 120)
        page.image(flate, x: 600, y: 0, width: 120, height: 120)
        page.image(bilevel, x: 0, y: 180, width: 240, height: 120)
        page.fill(x: 360, y: 180, width: 240, height: 120, color: PDFColor(red: 1, green: 0, blue: 0, alpha: 0.5))
        writer.end(page: page)
        let map = try await render(try writer.finish())

        let dpi = 20.0
        #expect(PixelMap.close(map.rgb(atPoint: 60, 60, dpi: dpi), (64, 64, 64)), "gray \(map.rgb(atPoint: 60, 60, dpi: dpi))")
        #expect(PixelMap.close(map.rgb(atPoint: 150, 60, dpi: dpi), (255, 0, 0)), "opaque half \(map.rgb(atPoint: 150, 60, dpi: dpi))")
        #expect(PixelMap.close(map.rgb(atPoint: 210, 60, dpi: dpi), (0, 0, 255)), "transparent half \(map.rgb(atPoint: 210, 60, dpi: dpi))")
        #expect(PixelMap.close(map.rgb(atPoint: 300, 60, dpi: dpi), (30, 120, 200), tolerance: 4), "JPEG \(map.rgb(atPoint: 300, 60, dpi: dpi))")
        #expect(PixelMap.close(map.rgb(atPoint: 420, 60, dpi: dpi), (180, 180, 180), tolerance: 2), "gray JPEG \(map.rgb(atPoint: 420, 60, dpi: dpi))")
        #expect(PixelMap.close(map.rgb(atPoint: 540, 60, dpi: dpi), (255, 0, 0), tolerance: 40), "CMYK \(map.rgb(atPoint: 540, 60, dpi: dpi))")
        #expect(map.rgb(atPoint: 540, 60, dpi: dpi).0 > 200 && map.rgb(atPoint: 540, 60, dpi: dpi).1 < 60)
        #expect(PixelMap.close(map.rgb(atPoint: 660, 60, dpi: dpi), (0, 160, 0)), "flate \(map.rgb(atPoint: 660, 60, dpi: dpi))")
        #expect(PixelMap.close(map.rgb(atPoint: 30, 240, dpi: dpi), (255, 255, 255)), "1-bit white")
        #expect(PixelMap.close(map.rgb(atPoint: 210, 240, dpi: dpi), (0, 0, 0)), "1-bit black")
        #expect(PixelMap.close(map.rgb(atPoint: 480, 240, dpi: dpi), (255, 128, 128), tolerance: 3), "alpha fill \(map.rgb(atPoint: 480, 240, dpi: dpi))")
        #expect(PixelMap.close(map.rgb(atPoint: 660, 240, dpi: dpi), (255, 255, 255)), "untouched background")
    }

    @Test func anImageDrawnOnSeveralPagesIsEmbeddedOnce() async throws {
        let writer = PDFWriter(options: PDFOptions())
        let image = writer.register(image: PDFImage(width: 1, height: 1, bitsPerComponent: 8, colorSpace: .rgb, data: .raw([1, 2, 3])))
        let unused = writer.register(image: PDFImage(width: 1, height: 1, bitsPerComponent: 8, colorSpace: .rgb, data: .raw([4, 5, 6])))
        #expect(image != unused)
        for _ in 0..<3 {
            let page = writer.beginPage(width: 100, height: 100)
            page.image(image, x: 0, y: 0, width: 10, height: 10)
            page.image(image, x: 20, y: 0, width: 10, height: 10)
            writer.end(page: page)
        }
        let pdf = try writer.finish()
        #expect(PDFInspector.count("/Subtype /Image", in: pdf) == 1)
        #expect(PDFInspector.count("/Im1 Do", in: try await uncompressedContent(pdf)) == 6)
        _ = try PDFInspector.verifyCrossReference(pdf)
    }

    private func uncompressedContent(_ pdf: [UInt8]) async throws -> [UInt8] {
        let directory = try TemporaryDirectory()
        let path = try directory.write(pdf, to: "in.pdf")
        let output = try await ExternalTool.run("qpdf", ["--qdf", "--object-streams=disable", path, directory.path("out.pdf")])
        #expect(output.status == 0)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.path("out.pdf"))))
    }

    @Test func invalidImagesMakeFinishThrowNamingTheProblem() async throws {
        let writer = PDFWriter(options: PDFOptions())
        let short = writer.register(image: PDFImage(width: 10, height: 10, bitsPerComponent: 8, colorSpace: .rgb, data: .raw([1, 2, 3])))
        let page = writer.beginPage(width: 100, height: 100)
        page.image(short, x: 0, y: 0, width: 10, height: 10)
        writer.end(page: page)
        #expect {
            try writer.finish()
        } throws: { error in
            guard case PDFError.invalidImage(let index, let reason) = error else { return false }
            return index == 0 && reason.contains("needs 300")
        }
    }

    @Test(arguments: [
        PDFImage(width: 0, height: 1, bitsPerComponent: 8, colorSpace: .gray, data: .raw([0])),
        PDFImage(width: 1, height: 1, bitsPerComponent: 3, colorSpace: .gray, data: .raw([0])),
        PDFImage(width: 1, height: 1, bitsPerComponent: 8, colorSpace: .rgb, data: .jpeg([1, 2, 3, 4])),
        PDFImage(width: 1, height: 1, bitsPerComponent: 8, colorSpace: .rgb, data: .raw([1, 2, 3]),
                 softMask: PDFImage(width: 1, height: 1, bitsPerComponent: 8, colorSpace: .rgb, data: .raw([1, 2, 3]))),
    ])
    func malformedImagesAreRejected(image: PDFImage) async throws {
        let writer = PDFWriter(options: PDFOptions())
        let ref = writer.register(image: image)
        let page = writer.beginPage(width: 100, height: 100)
        page.image(ref, x: 0, y: 0, width: 10, height: 10)
        writer.end(page: page)
        #expect(throws: PDFError.self) { try writer.finish() }
    }
}
