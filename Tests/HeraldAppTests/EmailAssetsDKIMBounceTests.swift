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

/// Issue 4 additions: per-sender-domain DKIM (`HERALD_DKIM_KEYS`), the WELCOME logo as an
/// inline image, and SMTPUTF8. (DSNs matched by envelope id and the watched bounce folder, which
/// send through an aiosmtpd, are in HeraldAppIntegrationTests' EmailBounceTests.)
@Suite(.serialized)
struct EmailAssetsDKIMBounceTests {
    func putCustomer(_ client: some TestClientProtocol, _ id: String, email: String) async throws {
        try await EmailScenario.putCustomer(client, id, email: email)
    }

    func welcome(_ client: some TestClientProtocol, customer: String) async throws -> String {
        try await EmailScenario.welcome(client, customer: customer)
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
