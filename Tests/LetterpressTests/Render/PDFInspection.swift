import Foundation
import Testing

/// Reads rendered PDFs back with independent tools: poppler's text and word boxes, qpdf.
struct PDFInspection {
    struct Word: Equatable {
        var text: String
        var xMin: Double
        var yMin: Double
        var xMax: Double
        var yMax: Double
    }
    struct Page {
        var width: Double
        var height: Double
        var words: [Word]
        /// The page's words joined by single spaces, in reading order.
        var text: String { words.map(\.text).joined(separator: " ") }
    }

    let file: URL

    /// Writes `pdf` to a scratch file.
    init(_ pdf: [UInt8], name: String = "doc") throws {
        file = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).pdf")
        try Data(pdf).write(to: file)
    }

    func remove() { try? FileManager.default.removeItem(at: file) }

    /// `qpdf --check` must say the file is clean (no warnings, no errors).
    func expectQPDFClean(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await ExternalTool.run("qpdf", ["--check", file.path])
        #expect(result.status == 0, "qpdf --check failed:\n\(result.output)", sourceLocation: sourceLocation)
        #expect(result.output.contains("No syntax or stream encoding errors found"), "\(result.output)", sourceLocation: sourceLocation)
        #expect(!result.output.lowercased().contains("warning"), "qpdf warnings:\n\(result.output)", sourceLocation: sourceLocation)
    }

    /// All text, as pdftotext extracts it (UTF-8, raw order).
    func text() async throws -> String {
        let result = try await ExternalTool.run("pdftotext", ["-enc", "UTF-8", "-raw", file.path, "-"])
        #expect(result.status == 0, "pdftotext failed: \(result.output)")
        return result.output
    }

    /// Every page's words with their boxes (points, origin top-left), from `pdftotext -bbox`.
    func pages() async throws -> [Page] {
        let result = try await ExternalTool.run("pdftotext", ["-enc", "UTF-8", "-bbox", file.path, "-"])
        #expect(result.status == 0, "pdftotext -bbox failed: \(result.output)")
        var pages: [Page] = []
        for line in result.output.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("<page ") {
                pages.append(Page(width: Self.attribute("width", in: trimmed), height: Self.attribute("height", in: trimmed), words: []))
            } else if trimmed.hasPrefix("<word "), !pages.isEmpty,
                      let open = trimmed.firstIndex(of: ">"), let close = trimmed.range(of: "</word>", options: .backwards) {
                let text = String(trimmed[trimmed.index(after: open)..<close.lowerBound])
                    .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
                    .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
                pages[pages.count - 1].words.append(Word(text: text,
                                                         xMin: Self.attribute("xMin", in: trimmed), yMin: Self.attribute("yMin", in: trimmed),
                                                         xMax: Self.attribute("xMax", in: trimmed), yMax: Self.attribute("yMax", in: trimmed)))
            }
        }
        return pages
    }

    /// `pdfinfo`'s page count.
    func pageCount() async throws -> Int {
        let result = try await ExternalTool.run("pdfinfo", [file.path])
        let line = result.output.split(separator: "\n").first { $0.hasPrefix("Pages:") }
        return Int(line?.split(separator: " ").last ?? "") ?? -1
    }

    private static func attribute(_ name: String, in tag: String) -> Double {
        guard let range = tag.range(of: " \(name)=\"") else { return .nan }
        let rest = tag[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return .nan }
        return Double(rest[..<end]) ?? .nan
    }
}
