import HeraldAppTestSupport
import Foundation
import HeraldTestSupport
import HTTPTypes
import HeraldApp
import HeraldCatalog
import HeraldCore
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

/// `email.attachLetter`: the sample PAYMENT_REMINDER's emails carry a PDF copy of its letter,
/// checked with independent tools (Python's `email` package, poppler's pdftotext).
struct EmailLetterAttachmentTests {
    /// A customer with an email address and an account with an amount due.
    func putCustomer(_ client: some TestClientProtocol) async throws {
        var r = try await client.call(.put, "/v1/customers/C-PDF", json: """
            {"title": "Ms", "firstName": "Zoë", "lastName": "Ångström", "language": "en", "timeZone": "Europe/London",
             "email": "zoe@example.net",
             "postalAddress": {"lines": ["Flat 2", "12 Harbour Street", "Bristol"], "postcode": "BS1 4AB", "country": "GB"}}
            """)
        #expect(r.status == .created, "\(r.text)")
        r = try await client.call(.put, "/v1/accounts/A-PDF", json: #"{"customerId": "C-PDF", "currency": "GBP", "amountDue": "123.45"}"#)
        #expect(r.status == .created, "\(r.text)")
    }

    /// Triggers a PAYMENT_REMINDER email, runs the pipeline and returns the request's JSON.
    func remindByEmail(_ runtime: HeraldRuntime, _ client: some TestClientProtocol) async throws -> [String: Any] {
        try await putCustomer(client)
        var r = try await client.call(.post, "/v1/comms-requests",
                                      json: #"{"commsCode": "PAYMENT_REMINDER", "accountId": "A-PDF", "deliveryMethod": "email"}"#)
        #expect(r.status == .created, "\(r.text)")
        let id = try #require(r.object["id"] as? String)
        try await runtime.runUntilQuiet()
        r = try await client.call(.get, "/v1/comms-requests/\(id)")
        #expect(r.status == .ok)
        return r.object
    }

    @Test func thePaymentReminderEmailCarriesItsLetterAsPDF() async throws {
        let runtime = try await makeRuntime("email-letter-pdf")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        let reference: String = try await app.test(.router) { client in
            let request = try await remindByEmail(runtime, client)
            let d = try #require(request["distribution"] as? [String: Any], "\(request)")
            #expect(d["deliveryMethod"] as? String == "email")
            #expect(d["distributionStatus"] as? String == "sent", "\(request)")
            return try #require(d["reference"] as? String)
        }
        #expect(reference.hasPrefix("outbox:email/") && reference.hasSuffix(".eml"), "\(reference)")
        let eml = runtime.settings.outboxDirectory.appendingPathComponent(String(reference.dropFirst("outbox:".count)))

        let work = runtime.settings.dataDirectory.appendingPathComponent("check")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let pdf = work.appendingPathComponent("attachment.pdf")
        let summary = try await runPython(#"""
            import sys, json, email
            from email import policy
            msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=policy.default)
            pdfs = [p for p in msg.walk() if p.get_content_type() == "application/pdf"]
            if pdfs:
                open(sys.argv[2], "wb").write(pdfs[0].get_content())
            html = msg.get_body(("html",))
            print(json.dumps({
                "type": msg.get_content_type(),
                "pdfs": [{"filename": p.get_filename(), "disposition": p.get_content_disposition(),
                          "encoding": p["Content-Transfer-Encoding"]} for p in pdfs],
                "html": html.get_content() if html is not None else None,
                "defects": [str(x) for p in msg.walk() for x in p.defects]}))
            """#, [eml.path, pdf.path], in: work)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any], "\(summary)")
        #expect(object["type"] as? String == "multipart/mixed", "\(summary)")
        #expect((object["defects"] as? [Any])?.isEmpty == true, "\(summary)")
        #expect((object["html"] as? String)?.contains("Please pay within 7 days") == true, "\(summary)")
        let parts = try #require(object["pdfs"] as? [[String: Any]])
        #expect(parts.count == 1, "\(summary)")
        let part = try #require(parts.first)
        #expect(part["filename"] as? String == "payment-reminder.pdf")
        #expect(part["disposition"] as? String == "attachment")
        #expect((part["encoding"] as? String)?.lowercased() == "base64")

        let bytes = try Data(contentsOf: pdf)
        #expect(bytes.starts(with: Data("%PDF-".utf8)))
        let text = try await pdfText(pdf)
        #expect(text.contains("Zoë Ångström"), "\(text)")
        #expect(text.contains("12 Harbour Street"), "\(text)")
        #expect(text.contains("Your payment is overdue"), "\(text)")
    }

    @Test func aLetterThatCannotBeRenderedFailsTheEmail() async throws {
        // The letter's letterhead image is read by the renderer when it renders: removed after the
        // catalog loaded (which checks it), the letter copy cannot be made, and the email fails
        // like any template failure.
        var settings = HeraldSettings(dataDirectory: temporaryDirectory("email-letter-fail"))
        settings.apiKeys = [.init(name: "ops", key: "admin-key", roles: ["admin"])]
        try SampleCatalog.write(to: settings.catalogDirectory)
        let runtime = try await HeraldRuntime(settings: settings, logger: Logger(label: "test"))
        try FileManager.default.removeItem(at: settings.catalogDirectory.appendingPathComponent("PAYMENT_REMINDER/assets/logo.png"))
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let request = try await remindByEmail(runtime, client)
            #expect(request["requestStatus"] as? String == "processed", "\(request)")
            let d = try #require(request["distribution"] as? [String: Any], "\(request)")
            #expect(d["distributionStatus"] as? String == "errorNoRetry", "\(request)")
            let lastError = try #require(d["lastError"] as? String, "\(request)")
            #expect(lastError.contains("payment-reminder.pdf"), "\(lastError)")
            #expect(lastError.contains("logo.png"), "\(lastError)")
            let errors = try #require(request["errors"] as? [[String: Any]], "\(request)")
            #expect(errors.contains { ($0["reason"] as? String)?.contains("payment-reminder.pdf") == true }, "\(errors)")
        }
        let sent = (try? FileManager.default.contentsOfDirectory(atPath: settings.outboxDirectory.appendingPathComponent("email").path)) ?? []
        #expect(sent.isEmpty, "\(sent)")
    }

    @Test func codesThatDoNotAskAttachNoLetter() async throws {
        let runtime = try await makeRuntime("email-no-letter")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        let reference: String = try await app.test(.router) { client in
            try await putCustomer(client)
            var r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "WELCOME", "customerId": "C-PDF", "deliveryMethod": "email"}"#)
            #expect(r.status == .created, "\(r.text)")
            let id = try #require(r.object["id"] as? String)
            try await runtime.runUntilQuiet()
            r = try await client.call(.get, "/v1/comms-requests/\(id)")
            let d = try #require(r.object["distribution"] as? [String: Any], "\(r.text)")
            #expect(d["distributionStatus"] as? String == "sent", "\(r.text)")
            return try #require(d["reference"] as? String)
        }
        let eml = try String(contentsOf: runtime.settings.outboxDirectory.appendingPathComponent(String(reference.dropFirst("outbox:".count))),
                             encoding: .utf8)
        #expect(!eml.contains("application/pdf"))
    }

    /// Runs `python3 script arguments…` (through `TestProcess`, not blocking the test pool);
    /// returns its standard output.
    func runPython(_ script: String, _ arguments: [String], in folder: URL) async throws -> String {
        let result = try await TestProcess.python(script, arguments)
        #expect(result.status == 0, "python3 failed: \(result.errors)")
        return result.output
    }
}
