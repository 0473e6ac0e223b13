import HeraldAppTestSupport
import Foundation
import HeraldTestSupport
import HTTPTypes
@testable import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldTransports
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

/// Letters leave the Letter Monitor as PDF (Letterpress) and `herald render letter` renders
/// templates from the command line.
struct LetterPDFTests {
    @Test func theLetterMonitorRendersPDFIntoTheOutbox() async throws {
        let runtime = try await makeRuntime("letter-pdf")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        let reference: String = try await app.test(.router) { client in
            var r = try await client.call(.put, "/v1/customers/C-7", json: """
                {"title": "Ms", "firstName": "Zoë", "lastName": "Ångström", "language": "en", "timeZone": "Europe/London",
                 "postalAddress": {"lines": ["Zoë Ångström", "12 Harbour Street", "Bristol"], "postcode": "BS1 4AB", "country": "GB"},
                 "preferences": {"preferredMethods": ["letter"]}}
                """)
            #expect(r.status == .created)
            r = try await client.call(.put, "/v1/accounts/A-7", json: #"{"customerId": "C-7", "currency": "GBP", "amountDue": "123.45"}"#)
            #expect(r.status == .created)
            r = try await client.call(.post, "/v1/comms-requests",
                                      json: #"{"commsCode": "PAYMENT_REMINDER", "accountId": "A-7", "deliveryMethod": "letter"}"#)
            #expect(r.status == .created, "\(r.text)")
            let id = try #require(r.object["id"] as? String)
            try await runtime.runUntilQuiet()
            r = try await client.call(.get, "/v1/comms-requests/\(id)")
            let d = try #require(r.object["distribution"] as? [String: Any], "\(r.text)")
            #expect(d["deliveryMethod"] as? String == "letter")
            #expect(d["distributionStatus"] as? String == "sent", "\(r.text)")
            return try #require(d["reference"] as? String)
        }
        #expect(reference.hasPrefix("outbox:letter/") && reference.hasSuffix(".pdf"), "\(reference)")
        let file = runtime.settings.outboxDirectory.appendingPathComponent(String(reference.dropFirst("outbox:".count)))
        let pdf = try Data(contentsOf: file)
        #expect(pdf.starts(with: Data("%PDF-1.7".utf8)))
        let text = try await pdfText(file)
        #expect(text.contains("Zoë Ångström"), "\(text)")
        #expect(text.contains("12 Harbour Street"))
        #expect(text.contains("Page 1 of 1"), "\(text)")
    }

    @Test func letterPDFAMakesArchivalLettersAndABadValueIsNamed() async throws {
        let dir = temporaryDirectory("letter-pdfa")
        defer { try? FileManager.default.removeItem(at: dir) }
        let settings = try await HeraldSettings.load(dataDir: dir.path, environment: ["HERALD_LETTER_PDFA": "true"])
        #expect(settings.letterPDFA)
        try SampleCatalog.write(to: settings.catalogDirectory)
        let runtime = try await HeraldRuntime(settings: settings, logger: Logger(label: "test"))
        let pdf = try await runtime.letterRenderer.render(html: "<title>Archive</title><p>Kept for years</p>",
                                                          code: "PAYMENT_REMINDER", date: Date(timeIntervalSince1970: 1_790_000_000))
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.contains("/OutputIntents"))
        #expect(text.contains("/Metadata"))
        await #expect {
            _ = try await HeraldSettings.load(dataDir: dir.path, environment: ["HERALD_LETTER_PDFA": "yes"])
        } throws: { "\($0)".contains("letter.pdfa") }
    }

    @Test func renderLetterWritesOnePDFPerNDJSONLineInOrder() async throws {
        let folder = temporaryDirectory("render-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let template = folder.appendingPathComponent("letter.html")
        try Data("""
            <html><head><style>@page { size: A5; margin: 15mm }</style></head>
            <body><p>Dear {{name}},</p>{{#items}}<p>{{label}}: {{amount}}</p>{{/items}}</body></html>
            """.utf8).write(to: template)
        let rows = folder.appendingPathComponent("rows.ndjson")
        try Data("""
            {"name": "Zoë", "items": [{"label": "Line rental", "amount": "€12.00"}]}
            {"name": "Ωμέγα", "items": []}

            {"name": "Жизнь", "items": [{"label": "Roaming", "amount": "€3.50"}, {"label": "Calls", "amount": "€1.20"}]}
            """.utf8).write(to: rows)
        let out = folder.appendingPathComponent("out")
        let summary = try await LetterBatch.renderMany(template: template, assets: nil, rows: rows, directory: out, jobs: 2)
        #expect(summary.letters == 3)
        #expect(summary.pages == 3)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == ["0000.pdf", "0001.pdf", "0002.pdf"])
        #expect(try await pdfText(out.appendingPathComponent("0000.pdf")).contains("Dear Zoë,"))
        #expect(try await pdfText(out.appendingPathComponent("0001.pdf")).contains("Dear Ωμέγα,"))
        let third = try await pdfText(out.appendingPathComponent("0002.pdf"))
        #expect(third.contains("Dear Жизнь,") && third.contains("Calls: €1.20"))

        // One letter from one JSON object.
        let one = folder.appendingPathComponent("one.json")
        try Data(#"{"name": "Ada", "items": []}"#.utf8).write(to: one)
        let single = try LetterBatch.renderOne(template: template, assets: nil, data: one, output: folder.appendingPathComponent("one.pdf"))
        #expect(single.pages == 1)
        #expect(try await pdfText(folder.appendingPathComponent("one.pdf")).contains("Dear Ada,"))
    }

    @Test func aBadLineIsNamedAndEarlierLettersAreComplete() async throws {
        let folder = temporaryDirectory("render-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let template = folder.appendingPathComponent("letter.html")
        try Data("<p>Dear {{name}},</p>".utf8).write(to: template)
        let rows = folder.appendingPathComponent("rows.ndjson")
        try Data("{\"name\": \"Zoë\"}\n{\"name\": oops}\n".utf8).write(to: rows)
        await #expect {
            _ = try await LetterBatch.renderMany(template: template, assets: nil, rows: rows,
                                                 directory: folder.appendingPathComponent("out"), jobs: 1)
        } throws: { "\($0)".contains("rows.ndjson line 2") }
        let missing = folder.appendingPathComponent("nope.html")
        #expect {
            _ = try LetterBatch.renderOne(template: missing, assets: nil, data: rows, output: folder.appendingPathComponent("x.pdf"))
        } throws: { "\($0)".contains("nope.html") }
    }
}

/// The text of a PDF by poppler's pdftotext (installed by scripts/test.sh), in reading order.
func pdfText(_ file: URL) async throws -> String {
    let result = try await TestProcess.run("pdftotext", ["-enc", "UTF-8", "-raw", file.path, "-"])
    #expect(result.status == 0, "pdftotext failed on \(file.path): \(result.errors)")
    return result.output
}

/// The merge data `herald render letter` reads from each data line.
struct MergeDataTests {
    @Test func readsWhatMustacheNeeds() throws {
        let object = try MergeData.object(from: #"""
            {"name": "Zo\u00eb \ud83d\ude00", "n": -12, "amount": 12.50, "ok": true, "no": false, "nothing": null,
             "items": [{"a": "\"q\"\\\/\n"}, []], "empty": {}}
            """#)
        #expect(object["name"] as? String == "Zoë 😀")
        #expect(object["n"] as? String == "-12")
        #expect(object["amount"] as? String == "12.50", "numbers keep their text")
        #expect(object["ok"] as? Bool == true)
        #expect(object["no"] as? Bool == false)
        #expect(object["nothing"] as? String == "")
        let items = try #require(object["items"] as? [Any])
        #expect((items[0] as? [String: Any])?["a"] as? String == "\"q\"\\/\n")
        #expect((items[1] as? [Any])?.isEmpty == true)
        #expect((object["empty"] as? [String: Any])?.isEmpty == true)
    }

    @Test(arguments: [#"{"a": }"#, #"{"a" 1}"#, #"[1, 2]"#, #"{"a": tru}"#, #"{} x"#, #"{"a": 1, "a": 2}"#, #"{"a": 1,}"#, ""])
    func refusesWhatIsNotOneObject(text: String) {
        #expect(throws: MergeData.Failure.self) { try MergeData.object(from: text) }
    }

    @Test func refusesRunawayNesting() {
        let deep = "{\"a\": " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(throws: MergeData.Failure.self) { try MergeData.object(from: deep) }
    }
}

/// `herald render letter` streams its NDJSON file instead of reading it whole.
struct LineReaderTests {
    @Test func linesAcrossBlocksWithCRLFAndNoFinalNewline() throws {
        let file = temporaryDirectory("line-reader").appendingPathExtension("ndjson")
        defer { try? FileManager.default.removeItem(at: file) }
        let long = String(repeating: "x", count: 3 << 20)  // spans several 1 MiB blocks
        try Data("a\r\n\n\(long)\nlast".utf8).write(to: file)
        var reader = try LineReader(url: file)
        var lines: [String] = []
        while let line = try reader.next() { lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines.count == 4)
        #expect(lines[0] == "a" && lines[1] == "" && lines[2].count == 3 << 20 && lines[3] == "last")
        #expect(try LineReader.countLines(file) == 4)
    }
}
