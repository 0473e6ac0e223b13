import Foundation
import HeraldTestSupport
import MIME
import NIOSSL
import SMTP
import Testing

/// The aiosmtpd server started by scripts/servers/smtp.sh (STARTTLS with a private CA, AUTH, maildir).
struct AiosmtpdEnvironment {
    var port: Int
    var caFile: String
    var user: String
    var password: String
    var maildir: String

    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String {
            "\(name) is not set: run these tests with `bash scripts/test.sh --filter SMTPIntegrationTests`, which starts aiosmtpd (scripts/servers/smtp.sh)"
        }
    }

    static func load() throws -> AiosmtpdEnvironment {
        let env = ProcessInfo.processInfo.environment
        func value(_ name: String) throws -> String {
            guard let value = env[name], !value.isEmpty else { throw Missing(name: name) }
            return value
        }
        guard let port = Int(try value("HERALD_TEST_SMTP_PORT")) else { throw Missing(name: "HERALD_TEST_SMTP_PORT (a number)") }
        return AiosmtpdEnvironment(
            port: port, caFile: try value("HERALD_TEST_SMTP_CA_FILE"), user: try value("HERALD_TEST_SMTP_USER"),
            password: try value("HERALD_TEST_SMTP_PASSWORD"), maildir: try value("HERALD_TEST_SMTP_MAILDIR"))
    }

    func configuration(tls: SMTPClient.Configuration.TLSMode = .startTLS, password: String? = nil, trustCA: Bool = true) -> SMTPClient.Configuration {
        var configuration = SMTPClient.Configuration(
            host: "127.0.0.1", port: port, tls: tls,
            credentials: .init(username: user, password: password ?? self.password),
            clientHostname: "herald.test", timeouts: .uniform(.seconds(10)))
        if trustCA { configuration.setTrustRoots(caFile: caFile) }
        return configuration
    }

    /// The raw bytes aiosmtpd saved for the message whose queue id is `id`.
    func message(queueID id: String) throws -> [UInt8] {
        let path = maildir + "/new/" + id
        guard let data = FileManager.default.contents(atPath: path) else { throw Missing(name: "maildir file \(path)") }
        return Array(data)
    }
}

@Suite("SMTPClient against a real aiosmtpd (STARTTLS, AUTH)")
struct AiosmtpdIntegrationTests {
    static func signedMessage() async throws -> (bytes: [UInt8], record: String) {
        let dir = NSTemporaryDirectory() + "herald-smtp-dkim-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try await tool(["openssl", "genpkey", "-algorithm", "ED25519", "-out", dir + "/key.pem"])
        _ = try await tool(["openssl", "pkey", "-in", dir + "/key.pem", "-pubout", "-outform", "DER", "-out", dir + "/pub.der"])
        let record = try await tool(["python3", "-c", "import sys, base64; print('v=DKIM1; k=ed25519; p=' + base64.b64encode(open(sys.argv[1], 'rb').read()[-32:]).decode(), end='')", dir + "/pub.der"])
        let message = EmailMessage(
            from: try EmailAddress("billing@example.com", displayName: "Stadtwerke Köln"),
            to: [try EmailAddress("anna@example.org", displayName: "Anna Müller"), try EmailAddress("ben@example.org")],
            subject: "Ihre Rechnung für März",
            text: "Guten Tag,\n.\n.. two dots\nIhre Rechnung liegt bei.\n",
            html: "<p>Guten Tag, Ihre Rechnung liegt bei.</p>",
            listUnsubscribe: .init(uris: ["https://example.com/u/1"]))
        let signer = DKIMSigner(domain: "example.com", selector: "herald", key: try DKIMPrivateKey(pemFile: dir + "/key.pem"))
        return (try signer.sign(try message.compose().bytes), record)
    }

    @Test func startTLSAuthAndDelivery() async throws {
        let env = try AiosmtpdEnvironment.load()
        let (bytes, record) = try await Self.signedMessage()
        let client = SMTPClient(configuration: env.configuration())
        let results = try await client.withConnection { connection in
            #expect(connection.capabilities.authMechanisms.contains("PLAIN"))
            let first = try await connection.send(from: "billing@example.com", to: ["anna@example.org", "ben@example.org"], data: bytes)
            let second = try await connection.send(from: "billing@example.com", to: ["carl@example.org"], data: bytes)
            return [first, second]
        }
        for result in results {
            let reply = try #require(result.finalReply)
            #expect(reply.code == 250)
            let queueID = try #require(reply.text.components(separatedBy: "queued as ").last)
            let received = try env.message(queueID: queueID)
            #expect(received == bytes)  // byte for byte, dot-stuffing undone by the server
            // dkimpy verifies the received bytes against the public key.
            let verified = try await tool(
                ["python3", "-c", "import sys, dkim; rec = sys.argv[1].encode(); print(dkim.verify(sys.stdin.buffer.read(), dnsfunc=lambda n, timeout=5: rec), end='')", record],
                input: received)
            #expect(verified == "True")
            let subject = try await tool(
                ["python3", "-c", "import sys, email; from email import policy; print(email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)['Subject'], end='')"],
                input: received)
            #expect(subject == "Ihre Rechnung für März")
        }
        #expect(results[0].acceptedRecipients == ["anna@example.org", "ben@example.org"])
        #expect(results[1].acceptedRecipients == ["carl@example.org"])
    }

    @Test func wrongPasswordIsPermanent() async throws {
        let env = try AiosmtpdEnvironment.load()
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: env.configuration(password: "wrong")).withConnection { _ in }
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.isPermanent == true)
        #expect(error?.reply?.code == 535)
    }

    @Test func untrustedCertificateFailsVerification() async throws {
        let env = try AiosmtpdEnvironment.load()
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: env.configuration(trustCA: false)).withConnection { _ in }
        }
        #expect(error?.code == .tlsFailed)
    }

    @Test func plaintextIsRefusedByTheServer() async throws {
        let env = try AiosmtpdEnvironment.load()
        var configuration = env.configuration(tls: .none)
        configuration.credentials = nil
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: configuration).send(from: "a@example.com", to: ["b@example.org"], data: Array("Subject: x\r\n\r\nx\r\n".utf8))
        }
        #expect(error?.code == .senderRejected)
        #expect(error?.reply?.code == 530)
    }

    @Test func overTheAdvertisedSizeIsRefusedBeforeSending() async throws {
        let env = try AiosmtpdEnvironment.load()
        let big = Array(("Subject: big\r\n\r\n" + String(repeating: "0123456789012345678901234567890123456789\r\n", count: 30_000)).utf8)
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: env.configuration()).withConnection { connection in
                #expect(connection.capabilities.sizeLimit == 1_000_000)
                return try await connection.send(from: "a@example.com", to: ["b@example.org"], data: big)
            }
        }
        #expect(error?.code == .messageTooLarge)
        #expect(error?.isPermanent == true)
    }
}

/// Runs a tool, feeding `input`; returns stdout or throws with stderr.
func tool(_ arguments: [String], input: [UInt8] = []) async throws -> String {
    let result = try await TestProcess.run(arguments[0], Array(arguments.dropFirst()), input: input)
    guard result.status == 0 else {
        throw AiosmtpdEnvironment.Missing(name: "\(arguments.prefix(2).joined(separator: " ")) failed: \(result.errors)")
    }
    return result.output
}

@Suite("Implicit TLS against an in-process server with the test CA's certificate")
struct ImplicitTLSTests {
    @Test func implicitTLSWithVerification() async throws {
        let env = try AiosmtpdEnvironment.load()
        let folder = (env.caFile as NSString).deletingLastPathComponent
        var serverTLS = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(folder + "/server.pem").map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: folder + "/server.key", format: .pem)))
        serverTLS.minimumTLSVersion = .tlsv12
        let server = try await FakeSMTPServer(.init(), tls: try NIOSSLContext(configuration: serverTLS))
        defer { Task { await server.shutdown() } }

        var configuration = SMTPClient.Configuration(host: "127.0.0.1", port: server.port, tls: .implicit, timeouts: .uniform(.seconds(10)))
        configuration.setTrustRoots(caFile: env.caFile)
        let result = try await SMTPClient(configuration: configuration).send(from: "a@test", to: ["b@test"], data: Array("Subject: tls\r\n\r\nhi\r\n".utf8))
        #expect(result.acceptedRecipients == ["b@test"])
        #expect(server.messages.count == 1)

        // Without the CA the certificate is refused.
        let untrusted = SMTPClient.Configuration(host: "127.0.0.1", port: server.port, tls: .implicit, timeouts: .uniform(.seconds(10)))
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: untrusted).send(from: "a@test", to: ["b@test"], data: Array("x\r\n".utf8))
        }
        #expect(error?.code == .tlsFailed)
    }
}
