import Foundation
import HeraldCatalog
import Letterpress
import Mustache

/// `herald render letter`: merges letter data into an HTML template with Mustache and renders
/// PDFs with Letterpress — one letter from a JSON object, or one per line of an NDJSON file.
public enum LetterBatch {
    /// What a batch did.
    public struct Summary: Sendable {
        public var letters: Int
        public var pages: Int
        public var bytes: Int
        public var seconds: Double
        public var warnings: [String]
        public var lettersPerSecond: Double { seconds > 0 ? Double(letters) / seconds : 0 }
        public var pagesPerSecond: Double { seconds > 0 ? Double(pages) / seconds : 0 }
    }

    /// Why a letter could not be produced; names the file and line.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Renders one letter: `data` holds one JSON object; the PDF is written to `output`.
    public static func renderOne(template: URL, assets: URL?, data: URL, output: URL,
                                 renderer: LetterpressRenderer = LetterpressRenderer()) throws -> Summary {
        let compiled = try compile(template)
        let object = try parseObject(try read(data), source: data.path)
        let start = ContinuousClock.now
        let document = try render(compiled, object, assets: assets ?? template.deletingLastPathComponent(),
                                  renderer: renderer, context: data.path)
        try save(document.pdf, to: output)
        return Summary(letters: 1, pages: document.pageCount, bytes: document.pdf.count,
                       seconds: seconds(since: start), warnings: document.warnings)
    }

    /// Renders one PDF per line of `rows` (NDJSON) into `directory` as `0000.pdf`, `0001.pdf`, …
    /// in line order, `jobs` letters at a time. Stops at the first bad line, naming it; every
    /// PDF already written is complete (written to a temporary name, then renamed).
    public static func renderMany(template: URL, assets: URL?, rows: URL, directory: URL, jobs: Int,
                                  renderer: LetterpressRenderer = LetterpressRenderer(),
                                  progress: (Int) -> Void = { _ in }) async throws -> Summary {
        let compiled = try compile(template)
        let folder = assets ?? template.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // File names are as wide as the largest line number needs, so they sort in line order.
        let width = max(4, String(max(try LineReader.countLines(rows) - 1, 0)).count)
        var reader = try LineReader(url: rows)
        var lineNumber = 0
        var summary = Summary(letters: 0, pages: 0, bytes: 0, seconds: 0, warnings: [])
        let start = ContinuousClock.now
        let chunk = max(1, jobs) * 8
        var index = 0
        while true {
            // The next chunk of non-blank lines, with their line numbers (1-based).
            var slice: [(offset: Int, element: Data)] = []
            while slice.count < chunk, let line = try reader.next() {
                lineNumber += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                slice.append((lineNumber - 1, Data(line)))
            }
            if slice.isEmpty { break }
            let base = index
            let results = try await withThrowingTaskGroup(of: (Int, Int, Int, [String]).self) { group in
                let perJob = (slice.count + max(1, jobs) - 1) / max(1, jobs)
                for jobStart in stride(from: 0, to: slice.count, by: perJob) {
                    let part = Array(slice[jobStart..<min(jobStart + perJob, slice.count)])
                    group.addTask {
                        var pages = 0, bytes = 0
                        var warnings: [String] = []
                        for (offset, entry) in part.enumerated() {
                            let context = "\(rows.path) line \(entry.offset + 1)"
                            let object = try parseObject(entry.element, source: context)
                            let document = try render(compiled, object, assets: folder, renderer: renderer, context: context)
                            let name = String(repeating: "0", count: max(0, width - String(base + jobStart + offset).count))
                                + String(base + jobStart + offset)
                            try save(document.pdf, to: directory.appendingPathComponent("\(name).pdf"))
                            pages += document.pageCount
                            bytes += document.pdf.count
                            warnings += document.warnings.map { "\(context): \($0)" }
                        }
                        return (part.count, pages, bytes, warnings)
                    }
                }
                var totals: [(Int, Int, Int, [String])] = []
                for try await result in group { totals.append(result) }
                return totals
            }
            for (letters, pages, bytes, warnings) in results {
                summary.letters += letters
                summary.pages += pages
                summary.bytes += bytes
                if summary.warnings.count < 100 { summary.warnings += warnings.prefix(100 - summary.warnings.count) }
            }
            index += slice.count
            progress(summary.letters)
        }
        summary.seconds = seconds(since: start)
        return summary
    }

    static func compile(_ template: URL) throws -> MustacheTemplate {
        let text = String(decoding: try read(template), as: UTF8.self)
        do {
            return try MustacheTemplate(string: text)
        } catch {
            throw Failure(description: "\(template.path): not a valid Mustache template: \(error)")
        }
    }

    static func render(_ template: MustacheTemplate, _ object: [String: Any], assets: URL,
                       renderer: LetterpressRenderer, context: String) throws -> RenderedDocument {
        let html = template.render(object)
        do {
            return try renderer.render(html: html, options: RenderOptions(assets: assets))
        } catch {
            throw Failure(description: "\(context): \(error)")
        }
    }

    static func read(_ url: URL) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Failure(description: "\(url.path) does not exist or cannot be read")
        }
        return data
    }

    static func parseObject(_ data: Data, source: String) throws -> [String: Any] {
        do {
            return try MergeData.object(from: String(decoding: data, as: UTF8.self))
        } catch {
            throw Failure(description: "\(source): not valid merge data: \(error)")
        }
    }

    static func save(_ bytes: [UInt8], to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        do {
            try writeFile(bytes, to: temporary.path)
            guard rename(temporary.path, url.path) == 0 else {
                throw Failure(description: "cannot rename \(temporary.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw Failure(description: "cannot write \(url.path): \(error)")
        }
    }

    /// One open/write/close (Foundation's `Data.write` costs more than the letter's painting).
    static func writeFile(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
