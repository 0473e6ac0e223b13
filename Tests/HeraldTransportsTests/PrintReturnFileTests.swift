import Foundation
@testable import HeraldTransports
import Testing

/// The bureau's return files: CSV and JSON lines, BOM and CRLF, and every bad line named with
/// its line number while the good ones around it are read.
@Suite("PrintReturnFile")
struct PrintReturnFileTests {
    typealias Line = PrintReturnFile.Line
    typealias Bad = PrintReturnFile.BadLine

    static func time(_ text: String) -> Date { PrintReturnFile.parseTime(text)! }
    static func read(_ text: String, _ format: PrintReturnFile.Format? = nil) -> PrintReturnFile {
        PrintReturnFile(parsing: Array(text.utf8), format: format)
    }

    /// The same five answers, each status once.
    static let csv = #"""
    pieceId,status,at,reason
    P1,accepted,,
    P2,printed,2026-12-08T06:15:00Z,
    P3,posted,2026-12-08,
    P4,returned,2026-12-20T10:00:00+01:00,"Addressee unknown, ""gone away"""
    P5,rejected,,Address incomplete

    """#
    static let jsonLines = #"""
    {"pieceId":"P1","status":"accepted"}
    {"pieceId":"P2","status":"printed","at":"2026-12-08T06:15:00Z","reason":null}
    {"pieceId":"P3","status":"posted","at":"2026-12-08","extra":{"tray":4}}
    {"pieceId":"P4","status":"returned","at":"2026-12-20T10:00:00+01:00","reason":"Addressee unknown, \"gone away\""}
    {"reason":"Address incomplete","status":"rejected","pieceId":"P5","at":""}

    """#
    static let expected: [Line] = [
        Line(number: 2, pieceId: "P1", status: .accepted),
        Line(number: 3, pieceId: "P2", status: .printed, at: time("2026-12-08T06:15:00Z")),
        Line(number: 4, pieceId: "P3", status: .posted, at: time("2026-12-08T00:00:00Z")),
        Line(number: 5, pieceId: "P4", status: .returned, at: time("2026-12-20T09:00:00Z"),
             reason: "Addressee unknown, \"gone away\""),
        Line(number: 6, pieceId: "P5", status: .rejected, reason: "Address incomplete"),
    ]

    /// `expected` numbered from line 1 (JSON lines have no header).
    static var expectedJSON: [Line] {
        expected.map { var line = $0; line.number -= 1; return line }
    }

    @Test("a good CSV file: every status, times with Z, an offset and a date alone, quoted reasons")
    func goodCSV() {
        let file = Self.read(Self.csv)
        #expect(file.format == .csv)
        #expect(file.bad == [])
        #expect(file.lines == Self.expected)
    }

    @Test("a good JSON lines file: nulls, absent and extra keys, keys in any order")
    func goodJSONLines() {
        let file = Self.read(Self.jsonLines)
        #expect(file.format == .jsonLines)
        #expect(file.bad == [])
        #expect(file.lines == Self.expectedJSON)
    }

    @Test("CRLF line ends and a byte order mark change nothing, in both formats")
    func crlfAndBOM() {
        for (text, expected) in [(Self.csv, Self.expected), (Self.jsonLines, Self.expectedJSON)] {
            let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
            for bytes in [Array(crlf.utf8), [0xEF, 0xBB, 0xBF] + Array(text.utf8), [0xEF, 0xBB, 0xBF] + Array(crlf.utf8)] {
                let file = PrintReturnFile(parsing: bytes)
                #expect(file.bad == [])
                #expect(file.lines == expected)
            }
        }
    }

    @Test("empty, header-only and blank files are files with no lines")
    func empty() {
        for text in ["", "\n\n", "pieceId,status,at,reason\n", "\u{FEFF}pieceId,status,at,reason\r\n\r\n", "  \n"] {
            let file = Self.read(text)
            #expect(file.lines == [] && file.bad == [], "\(text.debugDescription)")
        }
        #expect(Self.read("", .jsonLines).lines == [])
        #expect(PrintReturnFile(parsing: [0xEF, 0xBB, 0xBF]).bad == [])
    }

    @Test("bad CSV lines are named by line and skipped; the good ones around them are read")
    func badCSVLines() {
        let text = """
        pieceId,status,at,reason
        P1,printed,,
        P2,lost,,
        P3,posted,yesterday,
        ,accepted,,
        P5,posted,,
        P6,accepted
        P7,returned,2026-12-20T10:00:00Z,"Moved away,
        no forwarding address"
        P8,,,
        P9,rejected,,"Bad" address

        P10,POSTED,2026-12-09T08:00:00.250-05:00,
        P11,posted,2026-02-30,
        P12,printed,2026-12-08T25:00:00Z,
        P13,printed,2026-12-08T10:00:00,
        P14,"accepted",,
        """
        let file = Self.read(text)
        #expect(file.bad == [
            Bad(number: 3, problem: .unknownStatus("lost")),
            Bad(number: 4, problem: .badTime("yesterday")),
            Bad(number: 5, problem: .missingPieceId),
            Bad(number: 6, problem: .postedWithoutTime),
            Bad(number: 7, problem: .malformed("2 fields, the header has 4")),
            Bad(number: 10, problem: .missingStatus),
            Bad(number: 11, problem: .malformed("text after a closing quote")),
            Bad(number: 14, problem: .badTime("2026-02-30")),
            Bad(number: 15, problem: .badTime("2026-12-08T25:00:00Z")),
            Bad(number: 16, problem: .badTime("2026-12-08T10:00:00")),
        ])
        #expect(file.lines == [
            Line(number: 2, pieceId: "P1", status: .printed),
            Line(number: 8, pieceId: "P7", status: .returned, at: Self.time("2026-12-20T10:00:00Z"),
                 reason: "Moved away,\nno forwarding address"),
            Line(number: 13, pieceId: "P10", status: .posted, at: Date(timeIntervalSince1970: Self.time("2026-12-09T13:00:00Z").timeIntervalSince1970 + 0.25)),
            Line(number: 17, pieceId: "P14", status: .accepted),
        ])
        #expect(file.bad[0].description == "line 3: unknown status \"lost\" (accepted, printed, posted, returned or rejected)")
    }

    @Test("bad JSON lines are named by line and skipped; the good ones around them are read")
    func badJSONLines() {
        let text = """
        {"pieceId":"P1","status":"printed"}
        {"pieceId":"P2","status":"lost"}
        not json
        ["P3","printed"]
        {"pieceId":4,"status":"printed"}
        {"pieceId":"P5","status":"posted","at":"08/12/2026"}
        {"pieceId":"P6","status":"posted"}
        {"status":"accepted"}

        {"pieceId":"P9","status":"returned","at":"2026-12-20T10:00:00Z","reason":"Refused"}
        {"pieceId":"P10","status":"printed"
        """
        let file = Self.read(text)
        #expect(file.format == .jsonLines)
        #expect(file.bad == [
            Bad(number: 2, problem: .unknownStatus("lost")),
            Bad(number: 3, problem: .malformed("not JSON")),
            Bad(number: 4, problem: .malformed("not a JSON object")),
            Bad(number: 5, problem: .malformed("pieceId is not a string")),
            Bad(number: 6, problem: .badTime("08/12/2026")),
            Bad(number: 7, problem: .postedWithoutTime),
            Bad(number: 8, problem: .missingPieceId),
            Bad(number: 11, problem: .malformed("not JSON")),
        ])
        #expect(file.lines == [
            Line(number: 1, pieceId: "P1", status: .printed),
            Line(number: 10, pieceId: "P9", status: .returned, at: Self.time("2026-12-20T10:00:00Z"), reason: "Refused"),
        ])
    }

    @Test("a bad CSV header is named, and every line after it too (none can be read)")
    func badHeader() {
        let file = Self.read("piece,state,when\nP1,printed,\n\nP2,posted,2026-12-08\n")
        #expect(file.lines == [])
        #expect(file.bad == [
            Bad(number: 1, problem: .badHeader("no pieceId or status column (expected pieceId,status,at,reason)")),
            Bad(number: 2, problem: .noHeader),
            Bad(number: 4, problem: .noHeader),
        ])
        let twice = Self.read("pieceId,status,pieceId\nP1,printed,P1\n")
        #expect(twice.bad.map(\.number) == [1, 2])
    }

    @Test("the header's columns in any order and case; at and reason may be left out; others ignored")
    func headerVariants() {
        let file = Self.read("Status,Tray,PIECEID,Reason,At\nrejected,4,P1,Torn,\nposted,5,P2,,2026-12-08T12:00:00Z\n")
        #expect(file.bad == [])
        #expect(file.lines == [
            Line(number: 2, pieceId: "P1", status: .rejected, reason: "Torn"),
            Line(number: 3, pieceId: "P2", status: .posted, at: Self.time("2026-12-08T12:00:00Z")),
        ])
        let minimal = Self.read("pieceId,status\nP1,printed\nP2,posted\n")
        #expect(minimal.lines == [Line(number: 2, pieceId: "P1", status: .printed)])
        #expect(minimal.bad == [Bad(number: 3, problem: .postedWithoutTime)])
    }

    @Test("a line that is not UTF-8 is named; the others are read")
    func notUTF8() {
        let csv = Array("pieceId,status,at,reason\nP1,printed,,\nP2,returned,,Caf".utf8) + [0xE9] + Array("\nP3,printed,,\n".utf8)
        let file = PrintReturnFile(parsing: csv)
        #expect(file.bad == [Bad(number: 3, problem: .notUTF8)])
        #expect(file.lines.map(\.pieceId) == ["P1", "P3"])
        let json = Array("{\"pieceId\":\"P1\",\"status\":\"printed\"}\n{\"pieceId\":\"P".utf8) + [0xFF] + Array("\"}\n".utf8)
        #expect(PrintReturnFile(parsing: json).bad == [Bad(number: 2, problem: .notUTF8)])
    }

    @Test("an unclosed quote makes the rest of the file one bad record")
    func unclosedQuote() {
        let file = Self.read("pieceId,status,at,reason\nP1,printed,,\nP2,rejected,,\"never closed\nP3,printed,,\n")
        #expect(file.lines.map(\.pieceId) == ["P1"])
        #expect(file.bad == [Bad(number: 3, problem: .malformed("a quote is not closed"))])
    }

    @Test("the format by file name, or by the first character")
    func formatDetection() {
        #expect(PrintReturnFile.Format(fileName: "returns-20261208.CSV") == .csv)
        #expect(PrintReturnFile.Format(fileName: "returns.jsonl") == .jsonLines)
        #expect(PrintReturnFile.Format(fileName: "returns.ndjson") == .jsonLines)
        #expect(PrintReturnFile.Format(fileName: "returns.txt") == nil)
        #expect(PrintReturnFile.Format(sniffing: Array("\u{FEFF}\n  {\"pieceId\":1}".utf8)) == .jsonLines)
        #expect(PrintReturnFile.Format(sniffing: Array("pieceId,status\n".utf8)) == .csv)
        #expect(PrintReturnFile.Format(sniffing: [UInt8]()) == .csv)
        // A format given wins over the content.
        #expect(Self.read(Self.jsonLines, .csv).format == .csv)
    }

    @Test("ISO 8601 times", arguments: [
        ("2026-12-08T09:30:00Z", 1_796_722_200.0),
        ("2026-12-08t09:30:00z", 1_796_722_200.0),
        ("2026-12-08T09:30Z", 1_796_722_200.0),
        ("2026-12-08T10:30:00+01:00", 1_796_722_200.0),
        ("2026-12-08T04:30:00-0500", 1_796_722_200.0),
        ("2026-12-08T09:30:00.5Z", 1_796_722_200.5),
        ("2026-12-08", 1_796_688_000.0),
        ("2024-02-29", 1_709_164_800.0),
    ])
    func goodTimes(text: String, seconds: Double) {
        #expect(PrintReturnFile.parseTime(text)?.timeIntervalSince1970 == seconds)
    }

    @Test("not times", arguments: [
        "", "yesterday", "2026-12-08T09:30:00", "2026-13-01", "2025-02-29", "2026-12-08 09:30:00Z", "2026-12-08T24:00:00Z",
        "2026-12-08T09:60:00Z", "2026-12-08T09:30:00.Z", "2026-12-08T09:30:00+1", "2026-12-08T09:30:00Zjunk", "26-12-08",
    ])
    func badTimes(text: String) {
        #expect(PrintReturnFile.parseTime(text) == nil)
    }
}
