import HeraldAppTestSupport
import Foundation
import HeraldApp
import HeraldCore
import HeraldSQLite
import Hummingbird
import HummingbirdTesting
import Prometheus
import Synchronization
import Testing

/// The private Postfix instance `scripts/test.sh` starts (scripts/servers/postfix.sh): a
/// production MTA on loopback, delivering every `…@herald.test` address into one maildir.
struct PostfixEnvironment {
    var port: String
    var maildir: String

    /// Reads HERALD_TEST_POSTFIX_PORT and HERALD_TEST_POSTFIX_MAILDIR; throws a clear failure when unset.
    static func require() throws -> PostfixEnvironment {
        let env = ProcessInfo.processInfo.environment
        guard let port = env["HERALD_TEST_POSTFIX_PORT"], let maildir = env["HERALD_TEST_POSTFIX_MAILDIR"] else {
            throw EmailTestFailure(message: "HERALD_TEST_POSTFIX_PORT/_MAILDIR are not set: run the tests with `bash scripts/test.sh`, "
                                   + "which starts a private Postfix instance (scripts/servers/postfix.sh)")
        }
        return PostfixEnvironment(port: port, maildir: maildir)
    }

    /// Waits (up to `seconds`) for Postfix's virtual delivery agent to put a message containing
    /// `needle` into the maildir's `new/` folder, and returns its raw bytes.
    func waitForMessage(containing needle: String, seconds: Double = 10) async throws -> [UInt8]? {
        let folder = URL(fileURLWithPath: maildir).appendingPathComponent("new")
        let deadline = Date().addingTimeInterval(seconds)
        let pattern = Data(needle.utf8)
        while Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names {
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                if data.range(of: pattern) != nil { return [UInt8](data) }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}

/// A WELCOME email through the whole runtime to a real Postfix (plain SMTP on loopback): the
/// distribution ends `sent` with Postfix's queue id in its reference, and Postfix delivers the
/// message into its maildir, where Python's `email` package reads it back.
@Suite(.serialized)
struct EmailPostfixTests {
    @Test func aWelcomeEmailIsQueuedByPostfixAndLandsInItsMaildir() async throws {
        let postfix = try PostfixEnvironment.require()
        let runtime = try await makeEmailRuntime("postfix-e2e", environment: [
            "HERALD_EMAIL_TRANSPORT": "smtp", "HERALD_SMTP_HOST": "127.0.0.1", "HERALD_SMTP_PORT": postfix.port, "HERALD_SMTP_TLS": "none",
        ])
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let address = "zoe.\(UUID().uuidString.prefix(8).lowercased())@herald.test"
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let put = try await client.call(.put, "/v1/customers/C-POSTFIX", json: """
                {"firstName": "Zoë", "lastName": "Ångström", "language": "en", "email": "\(address)"}
                """)
            #expect(put.status == .created || put.status == .ok, "\(put.text)")
            let r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "WELCOME", "customerId": "C-POSTFIX"}"#)
            #expect(r.status == .created, "\(r.text)")
            let id = try #require(r.object["id"] as? String)
            try await runtime.runUntilQuiet()

            let d = try #require(try await runtime.store.request(id: id)?.distribution)
            #expect(d.method == .email)
            #expect(d.status == .sent, "\(d.lastError ?? "")")
            let reference = try #require(d.reference)
            // `<Message-ID>,<queue id>` (then any further ids, such as the DSN envelope id).
            let parts = reference.split(separator: ",").map(String.init)
            let messageID = parts[0]
            let queueID = try #require(parts.count >= 2 && !parts[1].contains(":") ? parts[1] : nil, "no Postfix queue id in \(reference)")
            #expect(messageID == "<\(d.id)@herald.example>")
            // Postfix queue ids: hex (short ids) or base-52-ish with a 'z' (long ids).
            #expect(!queueID.isEmpty && queueID.allSatisfy { $0.isLetter || $0.isNumber }, "\(queueID)")

            let raw = try #require(try await postfix.waitForMessage(containing: messageID),
                                   "Postfix delivered no message with Message-ID \(messageID) into \(postfix.maildir) within 10 s")
            let summary = try await python(#"""
                import sys, json, email
                from email import policy
                msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
                print(json.dumps({
                    "subject": str(msg["Subject"]), "type": msg.get_content_type(),
                    "parts": [p.get_content_type() for p in msg.iter_parts()],
                    "from": msg["From"].addresses[0].addr_spec, "to": msg["To"].addresses[0].addr_spec,
                    "toName": msg["To"].addresses[0].display_name, "messageId": msg["Message-ID"],
                    "deliveredTo": msg["Delivered-To"], "returnPath": msg["Return-Path"],
                    "received": [str(r) for r in msg.get_all("Received", [])],
                    "text": msg.get_body(("plain",)).get_content(), "html": msg.get_body(("html",)).get_content(),
                    "defects": [str(d) for p in msg.walk() for d in p.defects]}))
                """#, input: raw)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
            #expect(parsed["subject"] as? String == "Welcome to Herald Telecom, Zoë")
            #expect(parsed["type"] as? String == "multipart/alternative")
            #expect(parsed["parts"] as? [String] == ["text/plain", "multipart/related"])  // WELCOME's inline logo
            #expect(parsed["from"] as? String == "care@herald.example")
            #expect(parsed["to"] as? String == address)
            #expect(parsed["toName"] as? String == "Zoë Ångström")
            #expect(parsed["messageId"] as? String == messageID)
            // Added by Postfix: proof the MTA (not a copy on our side) delivered it, with the queue id we recorded.
            #expect(parsed["deliveredTo"] as? String == address)
            #expect(parsed["returnPath"] as? String == "<care@herald.example>")
            let received = (parsed["received"] as? [String]) ?? []
            #expect(received.contains { $0.contains("(Postfix)") && $0.contains("id \(queueID)") }, "\(received)")
            #expect((parsed["text"] as? String)?.contains("Zoë") == true)
            #expect((parsed["html"] as? String)?.contains("Zoë") == true)
            #expect((parsed["defects"] as? [Any])?.isEmpty == true)
        }
    }

    /// Several emails over one session: each envelope is pipelined behind the content before
    /// it (one round trip a message), and Postfix queues and delivers every one of them.
    @Test func severalEmailsOnOneSessionAreEachQueuedAndDelivered() async throws {
        let postfix = try PostfixEnvironment.require()
        let runtime = try await makeEmailRuntime("postfix-pipelined", environment: [
            "HERALD_EMAIL_TRANSPORT": "smtp", "HERALD_SMTP_HOST": "127.0.0.1", "HERALD_SMTP_PORT": postfix.port, "HERALD_SMTP_TLS": "none",
            "HERALD_SMTP_CONNECTIONS": "1",
        ])
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let tag = UUID().uuidString.prefix(8).lowercased()
        let app = HeraldServer.application(runtime: runtime, registry: PrometheusCollectorRegistry())
        let created = Mutex<[String]>([])
        try await app.test(.router) { client in
            for i in 0..<6 {
                let put = try await client.call(.put, "/v1/customers/C-PIPE-\(i)", json: """
                    {"firstName": "Zoë", "lastName": "Number \(i)", "language": "en", "email": "pipe\(i).\(tag)@herald.test"}
                    """)
                #expect(put.status == .created || put.status == .ok, "\(put.text)")
                let r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "WELCOME", "customerId": "C-PIPE-\#(i)"}"#)
                #expect(r.status == .created, "\(r.text)")
                let id = try #require(r.object["id"] as? String)
                created.withLock { $0.append(id) }
            }
        }
        let ids = created.withLock { $0 }
        try await runtime.runUntilQuiet()
        var queueIDs: Set<String> = []
        for id in ids {
            let d = try #require(try await runtime.store.request(id: id)?.distribution)
            #expect(d.status == .sent, "\(d.lastError ?? "")")
            let parts = (d.reference ?? "").split(separator: ",").map(String.init)
            #expect(parts.count >= 2)
            if parts.count >= 2 { queueIDs.insert(parts[1]) }
            let raw = try await postfix.waitForMessage(containing: "<\(d.id)@herald.example>")
            #expect(raw != nil, "Postfix did not deliver \(d.id)")
            if let raw { #expect(String(decoding: raw, as: UTF8.self).contains("pipe") ) }
        }
        #expect(queueIDs.count == ids.count, "one Postfix queue id per message: \(queueIDs)")
    }
}
