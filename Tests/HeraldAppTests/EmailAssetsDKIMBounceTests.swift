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

/// Issue 4 additions: per-sender-domain DKIM (`HERALD_DKIM_KEYS`), the WELCOME logo as an
/// inline image, DSNs matched by envelope id, the watched bounce folder, and SMTPUTF8.
@Suite(.serialized)
struct EmailAssetsDKIMBounceTests {
    func putCustomer(_ client: some TestClientProtocol, _ id: String, email: String) async throws {
        let r = try await client.call(.put, "/v1/customers/\(id)", json: """
            {"firstName": "Zoë", "lastName": "Ångström", "language": "en", "email": "\(email)"}
            """)
        #expect(r.status == .created || r.status == .ok, "\(r.text)")
    }

    func welcome(_ client: some TestClientProtocol, customer: String) async throws -> String {
        let r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "WELCOME", "customerId": "\#(customer)"}"#)
        #expect(r.status == .created, "\(r.text)")
        return try #require(r.object["id"] as? String)
    }

    static func rsaKey(_ path: String) async throws {
        _ = try await python("import subprocess, sys; subprocess.check_call(['openssl', 'genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', sys.argv[1]], stderr=subprocess.DEVNULL)", [path])
    }

    /// dkimpy's verdict on `raw` with `keyFile`'s public key as the DNS record; also the d= and s= tags.
    static func verify(_ raw: [UInt8], keyFile: String) async throws -> [String: Any] {
        let summary = try await python(#"""
            import sys, json, base64, subprocess, dkim, email
            raw = sys.stdin.buffer.read()
            der = subprocess.check_output(["openssl", "pkey", "-in", sys.argv[1], "-pubout", "-outform", "DER"])
            record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)
            msg = email.message_from_bytes(raw)
            sig = msg.get("DKIM-Signature")
            tags = {}
            if sig:
                for item in "".join(sig.split()).split(";"):
                    if "=" in item:
                        k, v = item.split("=", 1); tags[k] = v
            print(json.dumps({"dkim": dkim.verify(raw, dnsfunc=lambda name, timeout=5: record) if sig else False,
                              "signed": sig is not None, "d": tags.get("d"), "s": tags.get("s")}))
            """#, [keyFile], input: raw)
        return try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
    }

    @Test func eachSenderDomainIsSignedWithItsOwnKeyAndOthersGoUnsigned() async throws {
        let work = temporaryDirectory("dkim-keys")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let heraldKey = work.appendingPathComponent("herald.pem").path
        let otherKey = work.appendingPathComponent("other.pem").path
        await try Self.rsaKey(heraldKey)
        await try Self.rsaKey(otherKey)
        let runtime = try await makeEmailRuntime("dkim-keys-runtime", environment: [
            "HERALD_DKIM_DOMAIN": "herald.example", "HERALD_DKIM_SELECTOR": "s1", "HERALD_DKIM_KEY_FILE": heraldKey,
            "HERALD_DKIM_KEYS": "other.example:s2:\(otherKey)",
        ])
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        func compose(from: String) throws -> [UInt8] {
            [UInt8](try runtime.emailComposer.compose(EmailContent(
                from: from, to: "zoe@example.net", subject: "Hi", html: "<p>Hi</p>", text: nil,
                messageId: "<\(UUID().uuidString)@herald.example>", date: Date())))
        }
        let herald = await try Self.verify(try compose(from: "Herald <care@herald.example>"), keyFile: heraldKey)
        #expect(herald["dkim"] as? Bool == true)
        #expect(herald["d"] as? String == "herald.example")
        #expect(herald["s"] as? String == "s1")
        // A subdomain is signed with its parent domain's key.
        let other = await try Self.verify(try compose(from: "Other <news@mail.other.example>"), keyFile: otherKey)
        #expect(other["dkim"] as? Bool == true)
        #expect(other["d"] as? String == "other.example")
        #expect(other["s"] as? String == "s2")
        // The other key does not verify the first domain's mail.
        await #expect(try Self.verify(try compose(from: "care@herald.example"), keyFile: otherKey)["dkim"] as? Bool == false)
        let unsigned = await try Self.verify(try compose(from: "x@unrelated.example"), keyFile: heraldKey)
        #expect(unsigned["signed"] as? Bool == false)
    }

    @Test func badDKIMKeyListsAreRefusedNamingTheSetting() async throws {
        for value in ["other.example:s2", "a.example:s:/no/such/key.pem"] {
            let dir = temporaryDirectory("dkim-bad")
            defer { try? FileManager.default.removeItem(at: dir) }
            let error = await #expect(throws: HeraldError.self) {
                _ = try await HeraldSettings.load(dataDir: dir.path, environment: ["HERALD_DKIM_KEYS": value, "HERALD_ADMIN_API_KEY": "k"])
            }
            #expect(error?.field == "dkim.keys", "\(String(describing: error))")
        }
    }

    @Test func theWelcomeEmailCarriesItsLogoAsAnInlineImage() async throws {
        let runtime = try await makeEmailRuntime("inline-logo", environment: [:])
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            try await putCustomer(client, "C-LOGO", email: "logo@example.net")
            let id = try await welcome(client, customer: "C-LOGO")
            try await runtime.runUntilQuiet()
            let d = try #require(try await runtime.store.request(id: id)?.distribution)
            let raw = [UInt8](try await runtime.documents.read(try #require(d.fileLocation)))
            let summary = try await python(#"""
                import sys, json, email
                from email import policy
                msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
                related = [p for p in msg.walk() if p.get_content_type() == "multipart/related"]
                images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
                print(json.dumps({
                    "type": msg.get_content_type(), "parts": [p.get_content_type() for p in msg.iter_parts()],
                    "related": [p.get_content_type() for p in related[0].iter_parts()] if related else [],
                    "cid": images[0]["Content-ID"] if images else None,
                    "png": images[0].get_content()[:8].hex() if images else None,
                    "html": msg.get_body(("html",)).get_content(),
                    "defects": [str(x) for p in msg.walk() for x in p.defects]}))
                """#, input: raw)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
            #expect(parsed["type"] as? String == "multipart/alternative")
            #expect(parsed["parts"] as? [String] == ["text/plain", "multipart/related"])
            #expect(parsed["related"] as? [String] == ["text/html", "image/png"])
            #expect(parsed["cid"] as? String == "<logo>")
            #expect(parsed["png"] as? String == "89504e470d0a1a0a")
            #expect((parsed["html"] as? String)?.contains("cid:logo") == true)
            #expect((parsed["defects"] as? [Any])?.isEmpty == true)
        }
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

    @Test func aNonASCIILocalPartIsNotSentUnlessSMTPUTF8IsEnabled() async throws {
        for (enabled, env) in [(false, [String: String]()), (true, ["HERALD_SMTP_SMTPUTF8": "true"])] {
            let runtime = try await makeEmailRuntime("smtputf8-\(enabled)", environment: env)
            defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
            #expect(runtime.settings.email.smtpUTF8 == enabled)
            let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
            try await app.test(.router) { client in
                try await putCustomer(client, "C-U", email: "jürgen@example.net")
                let id = try await welcome(client, customer: "C-U")
                try await runtime.runUntilQuiet()
                let detail = try #require(try await runtime.store.request(id: id))
                if enabled {
                    #expect(detail.distribution?.method == .email)
                } else {
                    #expect(detail.request.status == .notSent)
                    #expect(detail.problems.first?.reason
                            == "email address has a non-ASCII local part and SMTPUTF8 is not enabled; no valid mobile number")
                }
            }
        }
    }
}
