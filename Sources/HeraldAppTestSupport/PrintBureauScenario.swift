import Foundation
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldSQLite
import HeraldTestSupport
import Logging

/// The print bureau route's test scenario, shared by the folder-drop tests (HeraldAppTests) and
/// the SFTP ones (HeraldAppIntegrationTests): a catalog with a letter of chosen length, customers
/// with postal addresses, letters triggered and the batches read back as a bureau reads them
/// (Python's `zipfile`, `csv` and `xml.etree`, `xmllint`, `qpdf`, `pdftoppm` and `dmtxread`).
public enum PrintBureauScenario {
    /// 2026-12-07T09:00:00Z, a Monday in winter (London is on UTC): seven hours before the
    /// cut-off `16:00 Europe/London`.
    public static let start = Date(timeIntervalSince1970: 1_796_634_000)
    /// The cut-off of that day, 16:00 UTC.
    public static let cutoff = start.addingTimeInterval(7 * 3600)

    /// The sample catalog plus `STATEMENT`: a letter-only code, first class (`letter.postage`),
    /// of one page plus one for each of the fields `P2`…`P5` given.
    public static func writeCatalog(to folder: URL) throws {
        try SampleCatalog.write(to: folder)
        let code = folder.appendingPathComponent("STATEMENT")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try Data("""
            {
              "code": "STATEMENT",
              "description": "Account statement of one to five pages",
              "methods": ["letter"],
              "priority": 2,
              "category": "billing",
              "defaultFields": ["FULLNAME", "ADDRESSLINE1", "POSTCODE", "ACCOUNTNUMBER"],
              "requiredFields": [],
              "optionalFields": ["P2", "P3", "P4", "P5"],
              "letter": {"postage": "first"}
            }

            """.utf8).write(to: code.appendingPathComponent("code.json"))
        var template = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Statement - account {{ACCOUNTNUMBER}}</title>
            <style>@page { size: A4; margin: 20mm 20mm 25mm 25mm; } h1 { font-size: 14pt; } .next { break-before: page; }</style>
            </head>
            <body>
            <p>{{FULLNAME}}<br>{{ADDRESSLINE1}}<br>{{POSTCODE}}</p>
            <h1>Statement of account {{ACCOUNTNUMBER}}</h1>
            <p>Page 1 of your statement.</p>

            """
        for page in 2...5 {
            template += "{{#P\(page)}}<h1 class=\"next\">Page \(page)</h1><p>{{P\(page)}}</p>{{/P\(page)}}\n"
        }
        template += "</body>\n</html>\n"
        try Data(template.utf8).write(to: code.appendingPathComponent("letter.en.html.mustache"))
    }

    /// A runtime on a temporary folder with ``writeCatalog(to:)``, configured through the
    /// settings loader with `environment` (HERALD_* variables), on `clock`.
    public static func makeRuntime(_ name: String, environment: [String: String], clock: TestClock) async throws -> HeraldRuntime {
        let dir = temporaryDirectory(name)
        try writeCatalog(to: dir.appendingPathComponent("catalog"))
        return try await restart(dir, environment: environment, clock: clock)
    }

    /// A runtime on an existing data folder with other settings (the operator restarting).
    public static func restart(_ dataDirectory: URL, environment: [String: String], clock: TestClock) async throws -> HeraldRuntime {
        var env = environment
        env["HERALD_ADMIN_API_KEY"] = "admin-key"
        let settings = try await HeraldSettings.load(dataDir: dataDirectory.path, environment: env)
        return try await HeraldRuntime(settings: settings, logger: Logger(label: "test"), clock: clock.function)
    }

    /// The name of customer `n` (`C-P<n>`, account `A-P<n>`): the first line of their address.
    public static func name(_ n: Int) -> String { "Customer \(n) Ångström" }

    /// Stores customers `C-P1`…`C-P<count>` (postal address in GB, no email, no mobile) with
    /// accounts `A-P1`….
    public static func seedCustomers(_ store: any CommsStore, count: Int) async throws {
        for n in 1...count {
            try await store.upsertCustomer(Customer(
                id: "C-P\(n)", title: "Ms", firstName: "Customer \(n)", lastName: "Ångström", language: "en", timeZone: "UTC",
                postalAddress: PostalAddress(lines: [name(n), "\(n) Harbour Street, Flat \(n)", "Bristol"], postcode: "BS1 4AB", country: "GB")))
            try await store.upsertAccount(Account(id: "A-P\(n)", customerId: "C-P\(n)", currency: "GBP", amountDue: "\(n)0.00"))
        }
    }

    /// Triggers a letter of `code` for account `A-P<customer>`; for `STATEMENT`, `pages` pages.
    /// Returns the request id.
    public static func letter(_ runtime: HeraldRuntime, _ code: String = "PAYMENT_REMINDER", customer: Int, pages: Int = 1) async throws -> String {
        var fields: [String: String] = [:]
        if pages > 1 { for page in 2...pages { fields["P\(page)"] = "More of the statement, page \(page)." } }
        let result = try await runtime.intake.submit(
            CommsRequestInput(commsCode: code, accountId: "A-P\(customer)", deliveryMethod: "letter", fields: fields.isEmpty ? nil : fields),
            idempotency: nil, actor: "test")
        guard result.requestIds.count == 1 else { throw EmailTestFailure(message: "\(code) made \(result.requestIds.count) requests") }
        return result.requestIds[0]
    }

    /// The distribution of a request.
    public static func distribution(_ runtime: HeraldRuntime, _ requestId: String) async throws -> Distribution {
        guard let d = try await runtime.store.request(id: requestId)?.distribution else {
            throw EmailTestFailure(message: "request \(requestId) has no distribution")
        }
        return d
    }

    /// The names of the files in `folder` (not recursive; none when it does not exist), sorted.
    public static func files(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(folder)/\(name)", isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    /// Runs a query on the runtime's database with Python's `sqlite3`: the rows, each a list of
    /// its columns as text (NULL as nil).
    public static func query(_ runtime: HeraldRuntime, _ sql: String) async throws -> [[String?]] {
        let output = try await python("""
            import json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            rows = db.execute(sys.argv[2]).fetchall()
            print(json.dumps([[None if v is None else str(v) for v in row] for row in rows]))
            """, [runtime.settings.databasePath, sql])
        guard let rows = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[Any]] else {
            throw EmailTestFailure(message: "query \(sql): \(output)")
        }
        return rows.map { $0.map { $0 as? String } }
    }

    // MARK: The batch as the bureau reads it

    /// A dropped ZIP as Python read it.
    public struct Drop: Decodable, Sendable {
        /// The entries' names, in order.
        public var entries: [String]
        /// SHA-256 of each entry's bytes, by name.
        public var sha256: [String: String]
        /// `manifest.csv` read by `csv.DictReader`: one dictionary per row (`L` rows, then `C`).
        public var csv: [[String: String]]
        /// `manifest.xml` read by `xml.etree`.
        public var xml: XMLManifest
        /// Where the entries were extracted (one file per entry, by its name).
        public var folder: String

        public struct XMLManifest: Decodable, Sendable {
            public var tag: String
            public var attributes: [String: String]
            public var letters: [Letter]
            public var control: [String: String]
            public struct Letter: Decodable, Sendable {
                public var attributes: [String: String]
                public var country: String?
                public var lines: [String]
            }
        }

        /// The `L` rows.
        public var letterRows: [[String: String]] { csv.filter { $0["record_type"] == "L" } }
        /// The `C` row.
        public var controlRow: [String: String]? { csv.last { $0["record_type"] == "C" } }
        /// The path of an extracted entry.
        public func path(_ entry: String) -> String { "\(folder)/\(entry)" }
    }

    static let readZip = """
        import csv, hashlib, io, json, os, sys, zipfile
        import xml.etree.ElementTree as ET
        path, out = sys.argv[1], sys.argv[2]
        z = zipfile.ZipFile(path)
        assert z.testzip() is None, "bad CRC"
        os.makedirs(out, exist_ok=True)
        names = [i.filename for i in z.infolist()]
        digests = {}
        for name in names:
            data = z.read(name)
            digests[name] = hashlib.sha256(data).hexdigest()
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)
        rows = list(csv.DictReader(io.StringIO(z.read("manifest.csv").decode("utf-8"), newline="")))
        NS = "{urn:herald:print-manifest:1}"
        root = ET.fromstring(z.read("manifest.xml"))
        letters = []
        for l in root.findall(NS + "letter"):
            a = l.find(NS + "address")
            letters.append({"attributes": dict(l.attrib), "country": a.get("country"), "lines": [x.text or "" for x in a.findall(NS + "line")]})
        control = root.find(NS + "control")
        print(json.dumps({"entries": names, "sha256": digests, "csv": rows, "folder": out,
                          "xml": {"tag": root.tag, "attributes": dict(root.attrib), "letters": letters, "control": dict(control.attrib)}}))
        """

    /// Reads the ZIP at `path` with Python's `zipfile` (CRC checked), its CSV manifest with `csv`
    /// and its XML manifest with `xml.etree`, extracting the entries into `folder`.
    public static func read(zip path: String, into folder: URL) async throws -> Drop {
        let output = try await python(readZip, [path, folder.path])
        return try JSONDecoder().decode(Drop.self, from: Data(output.utf8))
    }

    /// `xmllint --noout --schema <schema> <file>`: nil when valid, else what it said.
    public static func schemaProblem(_ file: String, schema: URL) async throws -> String? {
        let lint = try await TestProcess.run("xmllint", ["--noout", "--schema", schema.path, file])
        return lint.status == 0 ? nil : lint.output + lint.errors
    }

    /// `qpdf --check`: nil when it finds no error or warning, else what it said.
    public static func qpdfProblem(_ file: String) async throws -> String? {
        let check = try await TestProcess.run("qpdf", ["--check", file])
        return check.status == 0 && check.output.contains("No syntax or stream encoding errors found") ? nil : check.output + check.errors
    }

    /// Each page's Data Matrix as `dmtxread` decodes it from the page rendered by `pdftoppm -r
    /// 300`, cropped to the left `strip` mm (nil: no code on that page).
    public static func sheetCodes(_ pdf: String, strip: Double = 18) async throws -> [String?] {
        let folder = temporaryDirectory("print-codes")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let width = Int((strip / 25.4 * 300).rounded(.down))
        let raster = try await TestProcess.run("pdftoppm", ["-r", "300", "-png", "-x", "0", "-y", "0", "-W", "\(width)", "-H", "3600",
                                                            pdf, folder.appendingPathComponent("page").path])
        guard raster.status == 0 else { throw EmailTestFailure(message: "pdftoppm \(pdf): \(raster.errors)") }
        let pages = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }.sorted()
        var codes: [String?] = []
        for page in pages {
            let dmtx = try await TestProcess.run("dmtxread", ["-N1", "-m", "30000", folder.appendingPathComponent(page).path])
            codes.append(dmtx.status == 0 && !dmtx.output.isEmpty ? dmtx.output : nil)
        }
        return codes
    }

    /// The codes a letter's pages must carry: on each sheet's front
    /// `HRLD|<last 12 hex of the batch id>|<5-digit letter number>|S<n>/<m>`, nothing on backs.
    public static func expectedCodes(batchId: String, number: Int, pages: Int, duplex: Bool) -> [String?] {
        let short = String(batchId.filter(\.isHexDigit).suffix(12))
        let letter = String(format: "%05d", number)
        let sheets = duplex ? (pages + 1) / 2 : pages
        return (0..<pages).map { page in
            if duplex && page % 2 == 1 { return nil }
            return "HRLD|\(short)|\(letter)|S\((duplex ? page / 2 : page) + 1)/\(sheets)"
        }
    }
}
