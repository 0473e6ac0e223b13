import Foundation
import HeraldCatalog
import HeraldCore
import HeraldTestSupport
import Letterpress
import Testing

/// Letters rendered by Letterpress for the stamping tests, and the command-line checkers.
enum Letters {
    static let renderer = LetterpressRenderer()

    /// A letter of `pages` A4 pages: one heading and a page break before each later page.
    static func letter(pages: Int, profile: RenderOptions.Profile = .standard) throws -> [UInt8] {
        var html = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>Test letter</title>
            <style>@page { size: A4; margin: 20mm 20mm 25mm 25mm; } h1 { font-size: 14pt; } .next { break-before: page; }</style>
            </head><body>
            """
        for page in 1...pages {
            html += "<h1\(page > 1 ? " class=\"next\"" : "")>Page \(page) of the letter</h1>"
            html += "<p>Dear customer, this is paragraph \(page) of \(pages). Your account number is 4100\(page).</p>"
        }
        html += "</body></html>"
        let document = try renderer.render(html: html, options: RenderOptions(profile: profile))
        #expect(document.pageCount == pages)
        return document.pdf
    }

    /// The sample catalog's PAYMENT_REMINDER letter, merged with typical fields.
    static func paymentReminder() throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-marks-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try SampleCatalog.write(to: folder)
        let catalog = try LoadedCatalog(directory: folder)
        let html = try catalog.render(code: "PAYMENT_REMINDER", method: .letter, part: .html, language: "en", fields: [
            "FULLNAME": "Ada Lovelace", "ADDRESSLINE1": "12 Analytical Row", "POSTCODE": "EC1A 1BB",
            "ACCOUNTNUMBER": "41000017", "ACCOUNTAMOUNTDUE": "£42.10", "TODAY": "7 December 2026", "DEARSIRMADAM": "Dear Ms Lovelace",
        ])
        let options = RenderOptions(assets: folder.appendingPathComponent("PAYMENT_REMINDER/assets"))
        return try renderer.render(html: html, options: options).pdf
    }
}

/// A scratch folder with files written by the tests, removed by `remove()`.
struct Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-printmarks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The independent checkers: qpdf, poppler.
enum Checkers {
    /// `qpdf --check` exits 0 (no errors, no warnings).
    static func expectValid(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let check = try await TestProcess.run("qpdf", ["--check", path])
        #expect(check.status == 0, "qpdf --check: \(check.output) \(check.errors)", sourceLocation: sourceLocation)
        #expect(check.output.contains("No syntax or stream encoding errors found"), "\(check.output)", sourceLocation: sourceLocation)
    }

    /// The page count `pdfinfo` reports.
    static func pages(_ path: String) async throws -> Int? {
        let info = try await TestProcess.run("pdfinfo", [path])
        try #require(info.status == 0, "pdfinfo: \(info.errors)")
        let line = info.output.split(separator: "\n").first { $0.hasPrefix("Pages:") }
        return line.flatMap { Int($0.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) }
    }

    /// The text `pdftotext -layout` extracts, per page.
    static func text(_ path: String) async throws -> [String] {
        let text = try await TestProcess.run("pdftotext", ["-layout", path, "-"])
        try #require(text.status == 0, "pdftotext: \(text.errors)")
        var pages = text.output.components(separatedBy: "\u{0C}")
        if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        return pages
    }
}
