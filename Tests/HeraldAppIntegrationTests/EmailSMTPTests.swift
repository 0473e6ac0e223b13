import HeraldAppTestSupport
import Foundation
import HTTPTypes
import HeraldApp
import HeraldCore
import HeraldSQLite
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

/// Emails through the whole runtime to real SMTP servers: the aiosmtpd `scripts/test.sh` starts
/// (STARTTLS, AUTH, a private CA) and a scripted aiosmtpd for refusals; bounces through
/// `POST /v1/inbound/email-dsn`.
@Suite(.serialized)
struct EmailSMTPTests {
    func putCustomer(_ client: some TestClientProtocol, _ id: String, email: String, mobile: String?, firstName: String = "Zoë") async throws {
        let mobileJSON = mobile.map { #", "mobile": "\#($0)""# } ?? ""
        let r = try await client.call(.put, "/v1/customers/\(id)", json: """
            {"firstName": "\(firstName)", "lastName": "Ångström", "language": "en", "email": "\(email)"\(mobileJSON)}
            """)
        #expect(r.status == .created || r.status == .ok, "\(r.text)")
    }

    func welcome(_ client: some TestClientProtocol, customer: String) async throws -> String {
        let r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "WELCOME", "customerId": "\#(customer)"}"#)
        #expect(r.status == .created, "\(r.text)")
        return try #require(r.object["id"] as? String)
    }

    @Test func aWelcomeEmailGoesOverSTARTTLSWithAUTHAndDKIMToAiosmtpd() async throws {
        let smtp = try AiosmtpdEnvironment.require()
        let work = temporaryDirectory("dkim")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let keyFile = work.appendingPathComponent("dkim.pem").path
        _ = try await python("import subprocess, sys; subprocess.check_call(['openssl', 'genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', sys.argv[1]], stderr=subprocess.DEVNULL)", [keyFile])
        let passwordFile = work.appendingPathComponent("smtp-password").path
        try Data((smtp.password + "\n").utf8).write(to: URL(fileURLWithPath: passwordFile))

        let runtime = try await makeEmailRuntime("smtp-e2e", environment: [
            "HERALD_EMAIL_TRANSPORT": "smtp", "HERALD_SMTP_HOST": "127.0.0.1", "HERALD_SMTP_PORT": smtp.port,
            "HERALD_SMTP_TLS": "starttls", "HERALD_SMTP_USERNAME": smtp.user, "HERALD_SMTP_PASSWORD_FILE": passwordFile,
            "HERALD_SMTP_CA_FILE": smtp.caFile,
            "HERALD_DKIM_DOMAIN": "herald.example", "HERALD_DKIM_SELECTOR": "s2026", "HERALD_DKIM_KEY_FILE": keyFile,
        ])
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let address = "zoe.\(UUID().uuidString.prefix(8).lowercased())@example.net"
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            try await putCustomer(client, "C-MAIL", email: address, mobile: nil)
            let id = try await welcome(client, customer: "C-MAIL")
            try await runtime.runUntilQuiet()
            let detail = try #require(try await runtime.store.request(id: id))
            let d = try #require(detail.distribution)
            #expect(d.method == .email)
            #expect(d.status == .sent, "\(d.lastError ?? "")")
            let reference = try #require(d.reference)
            #expect(reference.hasPrefix("<\(d.id)@herald.example>,"), "\(reference)")
            #expect(reference.split(separator: ",").count == 3)
            #expect(reference.hasSuffix(",envid:\(d.id)"), "\(reference)")

            let raw = try #require(try smtp.message(to: address), "aiosmtpd's maildir has no message for \(address)")
            let summary = try await python(#"""
                import sys, json, email, base64, subprocess, dkim
                from email import policy
                raw = sys.stdin.buffer.read()
                msg = email.message_from_bytes(raw, policy=policy.default)
                der = subprocess.check_output(["openssl", "pkey", "-in", sys.argv[1], "-pubout", "-outform", "DER"])
                record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)
                print(json.dumps({
                    "subject": str(msg["Subject"]), "type": msg.get_content_type(),
                    "parts": [p.get_content_type() for p in msg.iter_parts()],
                    "from": msg["From"].addresses[0].addr_spec, "to": msg["To"].addresses[0].addr_spec,
                    "toName": msg["To"].addresses[0].display_name, "messageId": msg["Message-ID"],
                    "text": msg.get_body(("plain",)).get_content(),
                    "dkim": dkim.verify(raw, dnsfunc=lambda name, timeout=5: record),
                    "defects": [str(d) for p in msg.walk() for d in p.defects]}))
                """#, [keyFile], input: raw)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
            #expect(parsed["subject"] as? String == "Welcome to Herald Telecom, Zoë")
            #expect(parsed["type"] as? String == "multipart/alternative")
            // WELCOME's logo travels with the HTML in multipart/related.
            #expect(parsed["parts"] as? [String] == ["text/plain", "multipart/related"])
            #expect(parsed["from"] as? String == "care@herald.example")
            #expect(parsed["to"] as? String == address)
            #expect(parsed["toName"] as? String == "Zoë Ångström")
            #expect(parsed["messageId"] as? String == "<\(d.id)@herald.example>")
            #expect((parsed["text"] as? String)?.contains("Zoë") == true)
            #expect(parsed["dkim"] as? Bool == true, "dkimpy did not verify the DKIM signature")
            #expect((parsed["defects"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func refusalsMapToRetryAndNoRetryAndHeaderInjectionIsRefused() async throws {
        let server = try ScriptedSMTPServer()
        defer { server.stop() }
        let runtime = try await makeEmailRuntime("smtp-faults", environment: [
            "HERALD_EMAIL_TRANSPORT": "smtp", "HERALD_SMTP_HOST": "127.0.0.1", "HERALD_SMTP_PORT": "\(server.port)", "HERALD_SMTP_TLS": "none",
        ])
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            try await putCustomer(client, "C-FULL", email: "full@example.net", mobile: nil)
            try await putCustomer(client, "C-NOBODY", email: "nobody@example.net", mobile: nil)
            try await putCustomer(client, "C-OK", email: "ok@example.net", mobile: nil)
            let full = try await welcome(client, customer: "C-FULL")
            let nobody = try await welcome(client, customer: "C-NOBODY")
            let ok = try await welcome(client, customer: "C-OK")
            // Merged text with CR/LF cannot inject a header: that one email is refused, the rest go on.
            let injected = CommsRequestInput(commsCode: "WELCOME", customerId: "C-OK", fields: ["FIRSTNAME": "Eve\r\nBcc: victim@example.org"])
            let evil = try await runtime.intake.submit(injected, idempotency: nil, actor: "test").requestIds[0]
            try await runtime.runUntilQuiet()

            let f = try #require(try await runtime.store.request(id: full)?.distribution)
            #expect(f.status == .errorRetry)
            #expect(f.lastError?.contains("452 4.2.2 mailbox full, try later") == true, "\(f.lastError ?? "")")
            let n = try #require(try await runtime.store.request(id: nobody)?.distribution)
            #expect(n.status == .errorNoRetry)
            #expect(n.lastError?.contains("550 5.1.1 no such user here") == true, "\(n.lastError ?? "")")
            let o = try #require(try await runtime.store.request(id: ok)?.distribution)
            #expect(o.status == .sent)
            #expect(o.reference?.contains(",Q1,") == true || o.reference?.contains(",Q2,") == true, "\(o.reference ?? "")")
            let e = try #require(try await runtime.store.request(id: evil)?.distribution)
            #expect(e.status == .errorNoRetry)
            #expect(e.lastError?.contains("CR or LF") == true, "\(e.lastError ?? "")")
        }
    }

    @Test func aHardBounceMarksTheEmailUndeliverableAndSuppressesTheAddress() async throws {
        let server = try ScriptedSMTPServer()
        defer { server.stop() }
        let runtime = try await makeEmailRuntime("smtp-dsn", environment: [
            "HERALD_EMAIL_TRANSPORT": "smtp", "HERALD_SMTP_HOST": "127.0.0.1", "HERALD_SMTP_PORT": "\(server.port)", "HERALD_SMTP_TLS": "none",
            "HERALD_API_KEYS": "bounces:status-update:dsn-key",
        ])
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            try await putCustomer(client, "C-B1", email: "gone@example.net", mobile: "+447700900123")
            try await putCustomer(client, "C-B2", email: "gone@example.net", mobile: nil)
            let first = try await welcome(client, customer: "C-B1")
            try await runtime.runUntilQuiet()
            let sent = try #require(try await runtime.store.request(id: first)?.distribution)
            #expect(sent.status == .sent)
            let messageId = "<\(sent.id)@herald.example>"

            let dsn = """
                From: MAILER-DAEMON@mx.example.net\r
                To: care@herald.example\r
                Subject: Undelivered Mail Returned to Sender\r
                MIME-Version: 1.0\r
                Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"\r
                \r
                --B0UND\r
                Content-Type: text/plain\r
                \r
                Your message could not be delivered.\r
                --B0UND\r
                Content-Type: message/delivery-status\r
                \r
                Reporting-MTA: dns; mx.example.net\r
                \r
                Final-Recipient: rfc822; gone@example.net\r
                Action: failed\r
                Status: 5.1.1\r
                Diagnostic-Code: smtp; 550 5.1.1 <gone@example.net>:\r
                 Recipient address rejected: User unknown\r
                \r
                --B0UND\r
                Content-Type: text/rfc822-headers\r
                \r
                From: Herald Telecom <care@herald.example>\r
                Message-ID: \(messageId)\r
                Subject: Welcome\r
                \r
                --B0UND--\r

                """
            var headers = HTTPFields()
            headers[.authorization] = "Bearer dsn-key"
            headers[.contentType] = "message/rfc822"
            let r = try await client.execute(uri: "/v1/inbound/email-dsn", method: .post, headers: headers, body: ByteBuffer(string: dsn))
            #expect(r.status == .ok, "\(r.text)")
            #expect(r.object["result"] as? String == "applied")
            #expect(r.object["reference"] as? String == messageId)
            #expect(r.object["suppressed"] as? [String] == ["gone@example.net"])

            let bounced = try #require(try await runtime.store.request(id: first)?.distribution)
            #expect(bounced.status == .undeliverable)
            #expect(bounced.lastError?.contains("User unknown") == true, "\(bounced.lastError ?? "")")

            // The next WELCOME: SMS for the customer with a mobile, notSent for the one without.
            let second = try await welcome(client, customer: "C-B1")
            let third = try await welcome(client, customer: "C-B2")
            try await runtime.runUntilQuiet()
            #expect(try await runtime.store.request(id: second)?.distribution?.method == .sms)
            let notSent = try #require(try await runtime.store.request(id: third))
            #expect(notSent.request.status == .notSent)
            // WELCOME allows email and SMS: the reason names both.
            #expect(notSent.problems.first?.reason == "email address suppressed after a hard bounce; no valid mobile number")
        }
    }
}
