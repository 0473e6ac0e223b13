import Foundation
import HeraldCatalog
import HeraldCore
import Testing
@testable import HeraldCatalog

/// Files a letter template references are checked against the code's assets/ folder at load.
struct LetterAssetCatalogTests {
    @Test func scannerFindsSrcAndURLReferencesWithLines() {
        let refs = LetterAssetScanner.references(in: """
            <style>@font-face { font-family: Brand; src: url("fonts/Brand.ttf") format("truetype") }
            .x { background: url(bg.png) }</style>
            <img src="logo.png"> <IMG SRC='sig.png'> <img src=stamp.png alt=x>
            <img src="{{PHOTO}}"> <a href="#top">top</a> <img data-src="no.png">
            """)
        #expect(refs.map(\.value) == ["fonts/Brand.ttf", "bg.png", "logo.png", "sig.png", "stamp.png"])
        #expect(refs.map(\.line) == [1, 2, 3, 3, 3])
    }

    @Test func missingRemoteAndEscapingReferencesAreLoadErrors() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-letter-assets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try SampleCatalog.write(to: root)
        let template = root.appendingPathComponent("PAYMENT_REMINDER/letter.en.html.mustache")
        var text = try String(contentsOf: template, encoding: .utf8)
        #expect(try LoadedCatalog(directory: root).codes.contains { $0.code == "PAYMENT_REMINDER" }, "the sample's logo is present")
        text = text.replacingOccurrences(of: "<img src=\"logo.png\" alt=\"\">",
                                         with: "<img src=\"letterhead.png\"><img src=\"https://cdn.example/x.png\">\n<img src=\"../WELCOME/assets/logo.png\">")
        try text.write(to: template, atomically: true, encoding: .utf8)
        let error = #expect(throws: CatalogLoadError.self) { try LoadedCatalog(directory: root) }
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(message.contains("PAYMENT_REMINDER/assets/letterhead.png does not exist"), "\(message)")
        #expect(message.contains("fetch nothing from the network"), "\(message)")
        #expect(message.contains("outside PAYMENT_REMINDER/assets/"), "\(message)")
        #expect(message.contains("letter.en.html.mustache:"), "errors carry the file and line: \(message)")
    }
}
