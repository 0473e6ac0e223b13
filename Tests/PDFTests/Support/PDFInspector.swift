import Foundation

/// Minimal structural checks on PDF bytes that do not need external tools.
enum PDFInspector {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses the classic xref table at `startxref` and checks that every in-use entry points
    /// exactly at `n 0 obj`. Returns the number of entries.
    static func verifyCrossReference(_ pdf: [UInt8]) throws -> Int {
        let text = String(decoding: pdf, as: UTF8.self)
        guard let startRange = text.range(of: "startxref\n", options: .backwards) else { throw Failure(description: "no startxref") }
        let afterStart = text[startRange.upperBound...]
        guard let offset = Int(afterStart.prefix { $0.isNumber }) else { throw Failure(description: "no xref offset") }
        guard offset < pdf.count, pdf[offset..<min(offset + 5, pdf.count)].elementsEqual("xref\n".utf8) else {
            throw Failure(description: "startxref does not point at 'xref'")
        }
        var lines = String(decoding: pdf[offset...], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeFirst()
        let header = lines.removeFirst().split(separator: " ")
        guard header.count == 2, header[0] == "0", let count = Int(header[1]) else { throw Failure(description: "bad xref subsection header") }
        for number in 0..<count {
            let entry = lines[number]
            guard entry.count == 19 else { throw Failure(description: "xref entry \(number) is not 20 bytes") }
            let parts = entry.split(separator: " ")
            if number == 0 { continue }
            guard parts.count == 3, parts[2] == "n", let objectOffset = Int(parts[0]) else {
                throw Failure(description: "xref entry \(number) is not in use")
            }
            let expected = Array("\(number) 0 obj".utf8)
            guard objectOffset + expected.count <= pdf.count,
                  Array(pdf[objectOffset..<(objectOffset + expected.count)]) == expected else {
                throw Failure(description: "xref entry \(number) offset \(objectOffset) does not point at its object")
            }
        }
        return count
    }

    /// Counts occurrences of an ASCII pattern.
    static func count(_ pattern: String, in pdf: [UInt8]) -> Int {
        let needle = Array(pattern.utf8)
        guard !needle.isEmpty, pdf.count >= needle.count else { return 0 }
        var total = 0
        var i = 0
        while i <= pdf.count - needle.count {
            if pdf[i] == needle[0], Array(pdf[i..<(i + needle.count)]) == needle { total += 1; i += needle.count } else { i += 1 }
        }
        return total
    }
}
