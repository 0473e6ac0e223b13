import Foundation
import HeraldTestSupport
@testable import HeraldTransports
import Testing

/// The print batch as the bureau gets it: the ZIP read back by Python's `zipfile`, the CSV
/// manifest by Python's `csv`, the XML manifest validated by `xmllint` against
/// docs/print-manifest.xsd and read by `xml.etree`; awkward addresses round-trip in both.
@Suite("PrintPackage")
struct PrintPackageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let schema = root.appendingPathComponent("docs/print-manifest.xsd")
    /// 2026-12-07T16:00:00Z, plus a fraction the manifest drops.
    static let createdAt = Date(timeIntervalSince1970: 1_796_659_200.75)

    /// Bytes that stand in for a letter's PDF: a header, then every byte value.
    static func pdf(_ seed: Int) -> [UInt8] {
        Array("%PDF-1.7\n% letter \(seed)\n".utf8) + (0..<(3000 + seed * 517)).map { UInt8(truncatingIfNeeded: $0 * 31 + seed) }
    }

    /// Addresses with commas, quotes, line feeds, CRLF, markup characters, spaces at the ends and
    /// non-ASCII text.
    static let addresses: [[String]] = [
        ["Mr J. \"Jack\" Smith", "Flat 2, 10 High Street", "London", "SW1A 1AA"],
        ["Zoë Ånström-Ødegård", "c/o Müller & Söhne <Einkauf>", "Line\nfeed, and\r\nCRLF", "東京都千代田区 1-1 🏠", "  padded  "],
        ["1", "2", "3", "4", "5", "6,\"six\""],
    ]

    static func manifest() throws -> (PrintManifest, [String: [UInt8]]) {
        var pdfs: [String: [UInt8]] = [:]
        var letters: [PrintManifest.Letter] = []
        for (index, (pages, sides)) in [(1, PrintManifest.Sides.simplex), (3, .duplex), (4, .duplex)].enumerated() {
            let piece = "P2026-\(index + 1)"
            let pdf = pdf(index)
            pdfs[piece] = pdf
            letters.append(PrintManifest.Letter(pieceId: piece, commsRequestId: "REQ\(index + 1)", pages: pages, sides: sides,
                                                envelope: "C5", postage: .first, addressLines: addresses[index],
                                                country: index == 1 ? "DE" : "GB", pdf: pdf))
        }
        let manifest = try PrintManifest(batchId: "B20261207-0001", createdAt: createdAt, bureau: "Acme, \"Print\" Ltd",
                                         postage: .first, envelope: "C5", letters: letters)
        return (manifest, pdfs)
    }

    static func withFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-print-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try await body(dir)
    }

    static func write(_ manifest: PrintManifest, _ pdfs: [String: [UInt8]], formats: [PrintManifest.Format] = [.csv, .xml],
                      to url: URL) throws -> PrintBatchPackage {
        try PrintBatchPackage.write(manifest: manifest, formats: formats, to: url) { pdfs[$0.pieceId]! }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ result: TestProcess.Result) throws -> T {
        #expect(result.status == 0, "\(result.errors)")
        return try JSONDecoder().decode(T.self, from: result.stdout)
    }

    // MARK: ZIP

    struct ZipListing: Decodable {
        struct Entry: Decodable {
            var name: String
            var sha256: String
            var size: Int
            var method: Int
            var date: [Int]
            var mode: Int
        }
        var sha256: String
        var size: Int
        var entries: [Entry]
    }

    static let listZip = """
    import hashlib, json, sys, zipfile
    path = sys.argv[1]
    z = zipfile.ZipFile(path)
    assert z.testzip() is None, "bad CRC"
    raw = open(path, "rb").read()
    out = {"sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw), "entries": []}
    for i in z.infolist():
        data = z.read(i)
        out["entries"].append({"name": i.filename, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                               "method": i.compress_type, "date": list(i.date_time), "mode": (i.external_attr >> 16) & 0o777})
    print(json.dumps(out))
    """

    @Test("the ZIP read by Python's zipfile: PDFs in order, then the manifests; bytes, methods, dates, digest")
    func zipReadByPython() async throws {
        let (manifest, pdfs) = try Self.manifest()
        try await Self.withFolder { dir in
            let url = dir.appendingPathComponent(PrintBatchPackage.zipName(batchId: manifest.batchId))
            let package = try Self.write(manifest, pdfs, to: url)
            #expect(package.name == "herald-B20261207-0001.zip")
            #expect(url.lastPathComponent == package.name)
            let listing = try Self.decode(ZipListing.self, try await TestProcess.python(Self.listZip, [url.path]))
            let names = ["P2026-1.pdf", "P2026-2.pdf", "P2026-3.pdf", "manifest.csv", "manifest.xml"]
            #expect(listing.entries.map(\.name) == names)
            #expect(package.entries == names)
            #expect(listing.sha256 == package.sha256)
            #expect(listing.size == package.size)
            let expected = manifest.letters.map { PrintManifest.sha256(pdfs[$0.pieceId]!) }
                + [PrintManifest.sha256(manifest.csv()), PrintManifest.sha256(manifest.xml())]
            #expect(listing.entries.map(\.sha256) == expected)
            #expect(listing.entries.map(\.size) == manifest.letters.map { pdfs[$0.pieceId]!.count } + [manifest.csv().count, manifest.xml().count])
            // PDFs stored, manifests deflated; every entry dated the batch's created-at (UTC), 0644.
            #expect(listing.entries.map(\.method) == [0, 0, 0, 8, 8])
            #expect(listing.entries.allSatisfy { $0.date == [2026, 12, 7, 16, 0, 0] })
            #expect(listing.entries.allSatisfy { $0.mode == 0o644 })
            #expect(package.manifest == manifest)
        }
    }

    @Test("the same batch written twice is the same bytes; a file already there is replaced")
    func deterministic() async throws {
        let (manifest, pdfs) = try Self.manifest()
        try await Self.withFolder { dir in
            let first = try Self.write(manifest, pdfs, to: dir.appendingPathComponent("a.zip"))
            try Data("stale".utf8).write(to: dir.appendingPathComponent("b.zip"))
            let second = try Self.write(manifest, pdfs, to: dir.appendingPathComponent("b.zip"))
            #expect(first.sha256 == second.sha256)
            #expect(try Data(contentsOf: first.url) == Data(contentsOf: second.url))
            #expect(manifest.csv() == manifest.csv())
            #expect(manifest.xml() == manifest.xml())
        }
    }

    @Test("print.manifest: csv, xml or both; one format gives one manifest entry")
    func formats() async throws {
        #expect(PrintManifest.Format.formats(setting: "csv") == [.csv])
        #expect(PrintManifest.Format.formats(setting: " XML ") == [.xml])
        #expect(PrintManifest.Format.formats(setting: "both") == [.csv, .xml])
        #expect(PrintManifest.Format.formats(setting: "pdf") == nil)
        let (manifest, pdfs) = try Self.manifest()
        try await Self.withFolder { dir in
            let xmlOnly = try Self.write(manifest, pdfs, formats: [.xml], to: dir.appendingPathComponent("x.zip"))
            #expect(xmlOnly.entries == ["P2026-1.pdf", "P2026-2.pdf", "P2026-3.pdf", "manifest.xml"])
            let listing = try Self.decode(ZipListing.self, try await TestProcess.python(Self.listZip, [xmlOnly.url.path]))
            #expect(listing.entries.map(\.name) == xmlOnly.entries)
        }
    }

    @Test("the writer refuses a PDF that is not the letter's, a piece twice, and an empty batch")
    func writerRefusals() async throws {
        let (manifest, pdfs) = try Self.manifest()
        try await Self.withFolder { dir in
            let writer = try PrintBatchWriter(batchId: "B1", createdAt: Self.createdAt, bureau: "Acme", postage: .first,
                                              envelope: "C5", formats: [.csv], to: dir.appendingPathComponent("w.zip"))
            let letter = manifest.letters[0]
            #expect(throws: PrintManifestError.self) { try writer.add(letter, pdf: pdfs["P2026-2"]!) }
            try writer.add(letter, pdf: pdfs[letter.pieceId]!)
            #expect(throws: PrintManifestError.self) { try writer.add(letter, pdf: pdfs[letter.pieceId]!) }
            let package = try writer.finish()
            #expect(package.manifest.letters == [letter])
            #expect(throws: PrintManifestError.self) { try writer.finish() }

            let empty = try PrintBatchWriter(batchId: "B2", createdAt: Self.createdAt, bureau: "Acme", postage: .first,
                                             envelope: "C5", formats: [.csv], to: dir.appendingPathComponent("e.zip"))
            #expect(throws: PrintManifestError.noLetters) { try empty.finish() }
            #expect(throws: PrintManifestError.self) {
                try PrintBatchWriter(batchId: "B3", createdAt: Self.createdAt, bureau: "Acme", postage: .first, envelope: "C5",
                                     formats: [], to: dir.appendingPathComponent("f.zip"))
            }
        }
    }

    @Test("a manifest that cannot be written is refused, naming the piece and field")
    func manifestRefusals() throws {
        let (manifest, _) = try Self.manifest()
        let good = manifest.letters[0]
        func refused(_ change: (inout PrintManifest.Letter) -> Void) -> PrintManifestError? {
            var letter = good
            change(&letter)
            do {
                _ = try PrintManifest(batchId: "B1", createdAt: Self.createdAt, bureau: "Acme", postage: .first, envelope: "C5",
                                      letters: [letter])
                return nil
            } catch let error as PrintManifestError {
                return error
            } catch {
                return nil
            }
        }
        #expect(refused { _ in } == nil)
        #expect(refused { $0.pieceId = "../etc/passwd" }?.field == "pieceId")
        #expect(refused { $0.pieceId = "" }?.field == "pieceId")
        #expect(refused { $0.addressLines = Array(repeating: "x", count: 7) }?.field == "addressLines")
        #expect(refused { $0.addressLines = [] }?.field == "addressLines")
        #expect(refused { $0.addressLines = ["bell\u{7}"] }?.field == "addressLines")
        #expect(refused { $0.sheets = 2 }?.field == "sheets")
        #expect(refused { $0.pages = 0; $0.sheets = 0 }?.field == "pages")
        #expect(refused { $0.envelope = "C4" }?.field == "envelope")
        #expect(refused { $0.postage = .economy }?.field == "postage")
        #expect(refused { $0.country = "gb" }?.field == "country")
        #expect(refused { $0.sha256 = String(repeating: "A", count: 64) }?.field == "sha256")
        #expect(refused { $0.commsRequestId = "two\nlines" }?.field == "commsRequestId")
        let error = refused { $0.country = "GBR" }
        #expect(error?.pieceId == good.pieceId)
        #expect(error?.description.contains("P2026-1") == true)
        #expect(throws: PrintManifestError.self) {
            try PrintManifest(batchId: "B1", createdAt: Self.createdAt, bureau: "Acme", postage: .first, envelope: "C5",
                              letters: [good, good])
        }
        #expect(throws: PrintManifestError.self) {
            try PrintManifest(batchId: "B 1", createdAt: Self.createdAt, bureau: "Acme", postage: .first, envelope: "C5",
                              letters: [good])
        }
    }

    // MARK: CSV

    static let readCSV = """
    import csv, io, json, sys
    data = sys.stdin.buffer.read()
    assert not data.startswith(b"\\xef\\xbb\\xbf"), "a BOM"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    assert all(len(r) == len(header) for r in rows), "ragged rows"
    col = {name: i for i, name in enumerate(header)}
    letters = [r for r in body if r[col["record_type"]] == "L"]
    control = [r for r in body if r[col["record_type"]] == "C"]
    assert len(control) == 1 and body[-1] is control[0], "one control row, last"
    c = control[0]
    assert int(c[col["letters"]]) == len(letters)
    assert int(c[col["pages"]]) == sum(int(r[col["pages"]]) for r in letters)
    assert int(c[col["sheets"]]) == sum(int(r[col["sheets"]]) for r in letters)
    print(json.dumps(rows))
    """

    @Test("the CSV manifest read by Python's csv: columns as documented, address lines exact, control totals right")
    func csvReadByPython() async throws {
        let (manifest, _) = try Self.manifest()
        let bytes = manifest.csv()
        #expect(bytes.starts(with: Array("record_type,batch_id,".utf8)))
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        let rows = try Self.decode([[String]].self, try await TestProcess.python(Self.readCSV, input: bytes))
        let header = ["record_type", "batch_id", "created_at", "bureau", "piece_id", "comms_request_id", "file_name", "pages",
                      "sheets", "sides", "envelope", "postage_class", "address_line_1", "address_line_2", "address_line_3",
                      "address_line_4", "address_line_5", "address_line_6", "country", "sha256", "letters"]
        #expect(rows.first == header)
        #expect(PrintManifest.csvColumns == header)
        try #require(rows.count == 5)
        for (row, letter) in zip(rows[1...3], manifest.letters) {
            let blank = Array(repeating: "", count: 6 - letter.addressLines.count)
            #expect(row == ["L", "B20261207-0001", "2026-12-07T16:00:00Z", "Acme, \"Print\" Ltd", letter.pieceId,
                            letter.commsRequestId, "\(letter.pieceId).pdf", String(letter.pages), String(letter.sheets),
                            letter.sides.rawValue, "C5", "first"] + letter.addressLines + blank
                            + [letter.country, letter.sha256, ""])
        }
        #expect(rows[2][12..<17].elementsEqual(Self.addresses[1]))
        #expect(rows[4] == ["C", "B20261207-0001", "2026-12-07T16:00:00Z", "Acme, \"Print\" Ltd", "", "", "", "8", "5", "",
                            "C5", "first", "", "", "", "", "", "", "", "", "3"])
        #expect(manifest.control == PrintManifest.Control(letters: 3, pages: 8, sheets: 5))
    }

    // MARK: XML

    struct XMLManifest: Decodable {
        struct Letter: Decodable {
            var attributes: [String: String]
            var country: String
            var lines: [String]
        }
        var tag: String
        var attributes: [String: String]
        var letters: [Letter]
        var control: [String: String]
        var order: [String]
    }

    static let readXML = """
    import json, sys
    import xml.etree.ElementTree as ET
    NS = "{urn:herald:print-manifest:1}"
    root = ET.fromstring(sys.stdin.buffer.read())
    letters = []
    for l in root.findall(NS + "letter"):
        a = l.find(NS + "address")
        letters.append({"attributes": dict(l.attrib), "country": a.get("country"),
                        "lines": [x.text or "" for x in a.findall(NS + "line")]})
    control = root.find(NS + "control")
    print(json.dumps({"tag": root.tag, "attributes": dict(root.attrib), "letters": letters,
                      "control": dict(control.attrib), "order": [c.tag.replace(NS, "") for c in root]}))
    """

    static func xmllint(_ xml: [UInt8], in dir: URL) async throws -> TestProcess.Result {
        let file = dir.appendingPathComponent("manifest-\(UUID().uuidString).xml")
        try Data(xml).write(to: file)
        return try await TestProcess.run("xmllint", ["--noout", "--schema", schema.path, file.path])
    }

    @Test("the XML manifest validates against docs/print-manifest.xsd and reads back with xml.etree, address lines exact")
    func xmlValidatedAndRead() async throws {
        let (manifest, _) = try Self.manifest()
        let xml = manifest.xml()
        try await Self.withFolder { dir in
            let lint = try await Self.xmllint(xml, in: dir)
            #expect(lint.status == 0, "\(lint.errors)")
        }
        let read = try Self.decode(XMLManifest.self, try await TestProcess.python(Self.readXML, input: xml))
        #expect(read.tag == "{urn:herald:print-manifest:1}manifest")
        #expect(read.attributes == ["batchId": "B20261207-0001", "createdAt": "2026-12-07T16:00:00Z",
                                    "bureau": "Acme, \"Print\" Ltd", "postageClass": "first", "envelope": "C5"])
        #expect(read.order == ["letter", "letter", "letter", "control"])
        try #require(read.letters.count == 3)
        for (got, letter) in zip(read.letters, manifest.letters) {
            #expect(got.attributes == ["pieceId": letter.pieceId, "commsRequestId": letter.commsRequestId,
                                       "fileName": letter.fileName, "pages": String(letter.pages),
                                       "sheets": String(letter.sheets), "sides": letter.sides.rawValue, "envelope": "C5",
                                       "postageClass": "first", "sha256": letter.sha256])
            #expect(got.country == letter.country)
            #expect(got.lines == letter.addressLines)
        }
        #expect(read.control == ["letters": "3", "pages": "8", "sheets": "5"])
    }

    @Test("the schema is not vacuous: xmllint refuses a manifest that breaks it")
    func schemaRefuses() async throws {
        let (manifest, _) = try Self.manifest()
        let xml = String(decoding: manifest.xml(), as: UTF8.self)
        let broken = [
            xml.replacingOccurrences(of: "sides=\"duplex\"", with: "sides=\"triplex\""),
            xml.replacingOccurrences(of: "country=\"DE\"", with: "country=\"Germany\""),
            xml.replacingOccurrences(of: "  <control", with: "  <!-- no control -->\n  <ignored"),
            xml.replacingOccurrences(of: "pieceId=\"P2026-3\"", with: "pieceId=\"P2026-1\""),
            xml.replacingOccurrences(of: "urn:herald:print-manifest:1", with: "urn:other"),
        ]
        try await Self.withFolder { dir in
            for document in broken {
                #expect(document != xml)
                let lint = try await Self.xmllint(Array(document.utf8), in: dir)
                #expect(lint.status != 0, "accepted: \(document.prefix(200))")
            }
        }
    }

    @Test("created-at is written in whole UTC seconds")
    func timestamps() {
        #expect(PrintManifest.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(PrintManifest.timestamp(Self.createdAt) == "2026-12-07T16:00:00Z")
        #expect(PrintManifest.timestamp(Date(timeIntervalSince1970: 951_782_399.999)) == "2000-02-28T23:59:59Z")
        #expect(PrintManifest.timestamp(Date(timeIntervalSince1970: 951_868_800)) == "2000-03-01T00:00:00Z")
        #expect(PrintManifest.timestamp(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }
    // MARK: The documentation

    @Test("docs/print-manifest.md shows what the writers write, and its XML example validates")
    func documentedExamples() async throws {
        let letters = [
            PrintManifest.Letter(pieceId: "P000001", commsRequestId: "REQ0001", pages: 1, sides: .simplex, envelope: "C5",
                                 postage: .first, addressLines: ["Mr J Smith", "Flat 2, 10 High Street", "London", "SW1A 1AA"],
                                 country: "GB", sha256: String(repeating: "0f1e2d3c4b5a69788796a5b4c3d2e1f0", count: 2)),
            PrintManifest.Letter(pieceId: "P000002", commsRequestId: "REQ0002", pages: 3, sides: .duplex, envelope: "C5",
                                 postage: .first,
                                 addressLines: ["Zoë Ånström", "c/o \"Müller\" GmbH\nEinkauf", "Hauptstraße 1", "10115 Berlin"],
                                 country: "DE", sha256: String(repeating: "9a8b7c6d5e4f30211203f4e5d6c7b8a9", count: 2)),
        ]
        let manifest = try PrintManifest(batchId: "B20261207-0001", createdAt: Self.createdAt, bureau: "Acme Print",
                                         postage: .first, envelope: "C5", letters: letters)
        let docs = try String(contentsOf: Self.root.appendingPathComponent("docs/print-manifest.md"), encoding: .utf8)
        // The page shows CRLF as LF.
        let csv = String(decoding: manifest.csv(), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(docs.contains("```csv\n" + csv + "```"))
        let xml = String(decoding: manifest.xml(), as: UTF8.self)
        #expect(docs.contains("```xml\n" + xml + "```"))
        try await Self.withFolder { dir in
            let lint = try await Self.xmllint(manifest.xml(), in: dir)
            #expect(lint.status == 0, "\(lint.errors)")
        }
    }
}
