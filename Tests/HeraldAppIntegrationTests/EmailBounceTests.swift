import HeraldAppTestSupport
import Foundation
import HTTPTypes
import HeraldApp
import HeraldCore
import HeraldSQLite
import HeraldTransports
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

/// Bounces of emails sent through a scripted aiosmtpd: DSNs matched by envelope id, and the
/// watched bounce folder.
@Suite(.serialized)
struct EmailBounceTests {
    func putCustomer(_ client: some TestClientProtocol, _ id: String, email: String) async throws {
        try await EmailScenario.putCustomer(client, id, email: email)
    }

    func welcome(_ client: some TestClientProtocol, customer: String) async throws -> String {
        try await EmailScenario.welcome(client, customer: customer)
    }

    static func dsn(envelopeId: String?, messageId: String?, recipient: String) -> String {
        let envid = envelopeId.map { "Original-Envelope-Id: \($0)\r\n" } ?? ""
        let returned = messageId.map { """
            --B0UND\r
            Content-Type: text/rfc822-headers\r
            \r
            From: Herald Telecom <care@herald.example>\r
            Message-ID: \($0)\r
            \r

            """ } ?? ""
        return """
            From: MAILER-DAEMON@mx.example.net\r
            To: care@herald.example\r
            Subject: Undelivered Mail Returned to Sender\r
            MIME-Version: 1.0\r
            Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"\r
            \r
            --B0UND\r
            Content-Type: message/delivery-status\r
            \r
            Reporting-MTA: dns; mx.example.net\r
            \(envid)\r
            Final-Recipient: rfc822; \(recipient)\r
            Action: failed\r
            Status: 5.1.1\r
            Diagnostic-Code: smtp; 550 5.1.1 user unknown\r
            \r
            \(returned)--B0UND--\r

            """
    }

    @Test func aDSNIsMatchedByItsEnvelopeIdAndTheBounceFolderAppliesDroppedFiles() async throws {
        let server = try ScriptedSMTPServer()
        defer { server.stop() }
        let runtime = try await makeEmailRuntime("smtp-envid", environment: [
            "HERALD_EMAIL_TRANSPORT": "smtp", "HERALD_SMTP_HOST": "127.0.0.1", "HERALD_SMTP_PORT": "\(server.port)", "HERALD_SMTP_TLS": "none",
            "HERALD_API_KEYS": "bounces:status-update:dsn-key",
        ])
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            try await putCustomer(client, "C-E1", email: "e1@example.net")
            try await putCustomer(client, "C-E2", email: "e2@example.net")
            try await putCustomer(client, "C-E3", email: "e3@example.net")
            let first = try await welcome(client, customer: "C-E1")
            let second = try await welcome(client, customer: "C-E2")
            let third = try await welcome(client, customer: "C-E3")
            try await runtime.runUntilQuiet()
            let d1 = try #require(try await runtime.store.request(id: first)?.distribution)
            #expect(d1.status == .sent)
            #expect(d1.reference?.hasSuffix(",envid:\(d1.id)") == true, "\(d1.reference ?? "")")

            // The route: the envelope id alone finds the email (no Message-ID in the report).
            var headers = HTTPFields()
            headers[.authorization] = "Bearer dsn-key"
            headers[.contentType] = "message/rfc822"
            let body = Self.dsn(envelopeId: d1.id, messageId: nil, recipient: "e1@example.net")
            let r = try await client.execute(uri: "/v1/inbound/email-dsn", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(r.status == .ok, "\(r.text)")
            #expect(r.object["result"] as? String == "applied")
            #expect(r.object["reference"] as? String == "envid:\(d1.id)")
            #expect(r.object["distributionId"] as? String == d1.id)
            #expect(try await runtime.store.request(id: first)?.distribution?.status == .undeliverable)

            // The folder: one DSN by envelope id (with a Message-ID that matches another email:
            // the envelope id wins), one by Message-ID only, one that is no DSN.
            let d2 = try #require(try await runtime.store.request(id: second)?.distribution)
            let d3 = try #require(try await runtime.store.request(id: third)?.distribution)
            let folder = runtime.settings.dataDirectory.appendingPathComponent("inbound/dsn")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(Self.dsn(envelopeId: d2.id, messageId: "<\(d3.id)@herald.example>", recipient: "e2@example.net").utf8)
                .write(to: folder.appendingPathComponent("a.eml"))
            try Data(Self.dsn(envelopeId: nil, messageId: "<\(d3.id)@herald.example>", recipient: "e3@example.net").utf8)
                .write(to: folder.appendingPathComponent("b.eml"))
            try Data("Subject: hello\r\n\r\njust a letter\r\n".utf8).write(to: folder.appendingPathComponent("c.eml"))
            try Data("not an eml".utf8).write(to: folder.appendingPathComponent("notes.txt"))

            let outcomes = await runtime.bounceFolder().scan()
            #expect(outcomes.count == 3, "\(outcomes)")
            guard outcomes.count == 3 else { return }
            if case .done("a.eml", let applied) = outcomes[0] {
                #expect(applied.result == "applied")
                #expect(applied.distributionId == d2.id)
                #expect(applied.suppressed == ["e2@example.net"])
            } else { Issue.record("a.eml: \(outcomes[0])") }
            if case .done("b.eml", let applied) = outcomes[1] {
                #expect(applied.result == "applied")
                #expect(applied.distributionId == d3.id)
            } else { Issue.record("b.eml: \(outcomes[1])") }
            guard case .failed("c.eml", _) = outcomes[2] else { Issue.record("c.eml: \(outcomes[2])"); return }

            let fm = FileManager.default
            #expect(fm.fileExists(atPath: folder.appendingPathComponent("done/a.eml").path))
            #expect(fm.fileExists(atPath: folder.appendingPathComponent("done/b.eml").path))
            #expect(fm.fileExists(atPath: folder.appendingPathComponent("failed/c.eml").path))
            let note = try String(contentsOf: folder.appendingPathComponent("failed/c.eml.error"), encoding: .utf8)
            #expect(note.contains("not a delivery status notification"), "\(note)")
            #expect(!fm.fileExists(atPath: folder.appendingPathComponent("a.eml").path))
            #expect(fm.fileExists(atPath: folder.appendingPathComponent("notes.txt").path))
            #expect(try await runtime.store.request(id: second)?.distribution?.status == .undeliverable)
            #expect(try await runtime.store.request(id: third)?.distribution?.status == .undeliverable)
            #expect(await runtime.bounceFolder().scan().isEmpty)
        }
    }
}
