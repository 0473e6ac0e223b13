import Foundation
import MIME
import Testing

@Suite("DKIM signing, verified with dkimpy")
struct DKIMTests {
    /// Makes a key with openssl in a temp folder; returns the PEM and the DNS TXT record computed by openssl/Python.
    static func makeKey(_ type: String) async throws -> (pem: String, record: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-dkim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let keyPath = dir.appendingPathComponent("key.pem").path
        let pubPath = dir.appendingPathComponent("pub.der").path
        if type == "rsa" {
            _ = try await runTool(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyPath])
        } else {
            _ = try await runTool(["openssl", "genpkey", "-algorithm", "ED25519", "-out", keyPath])
        }
        _ = try await runTool(["openssl", "pkey", "-in", keyPath, "-pubout", "-outform", "DER", "-out", pubPath])
        // RSA: p= is the SubjectPublicKeyInfo; Ed25519 (RFC 8463): p= is the raw 32-byte key (last 32 octets of the SPKI).
        let record = try await runPython(
            "import sys, base64; d = open(sys.argv[1], 'rb').read(); t = sys.argv[2]; "
                + "p = d if t == 'rsa' else d[-32:]; print('v=DKIM1; k=%s; p=%s' % (t, base64.b64encode(p).decode()), end='')",
            arguments: [pubPath, type])
        let pem = try String(contentsOfFile: keyPath, encoding: .utf8)
        return (pem, record)
    }

    /// Verifies with dkimpy, answering the DNS lookup with `record`; returns "True"/"False".
    static func verify(_ message: [UInt8], record: String) async throws -> String {
        try await runPython(
            "import sys, dkim; rec = sys.argv[1].encode(); msg = sys.stdin.buffer.read(); "
                + "print(dkim.verify(msg, dnsfunc=lambda name, timeout=5: rec), end='')",
            arguments: [record], input: message)
    }

    static func message() throws -> [UInt8] {
        try CompositionTests.fullMessage().compose().bytes
    }

    @Test("rsa-sha256 and ed25519-sha256 verify; tampering does not", arguments: ["rsa", "ed25519"])
    func signAndVerify(type: String) async throws {
        let (pem, record) = try await Self.makeKey(type)
        let key = try DKIMPrivateKey(pemRepresentation: pem)
        #expect(key.algorithm == (type == "rsa" ? "rsa-sha256" : "ed25519-sha256"))
        #expect(key.dnsRecord == record)
        let signer = DKIMSigner(domain: "example.com", selector: "herald", key: key)
        let signed = try signer.sign(try Self.message())
        #expect(checkLines(signed).allCRLF)
        await #expect(try Self.verify(signed, record: record) == "True")

        let text = String(decoding: signed, as: UTF8.self)
        #expect(text.hasPrefix("DKIM-Signature: v=1; a=\(key.algorithm); c=relaxed/relaxed;"))
        #expect(text.contains(" d=example.com;") && text.contains(" s=herald;"))
        let tamperedBody = Array(text.replacingOccurrences(of: "Frau M", with: "Herr M").utf8)
        await #expect(try Self.verify(tamperedBody, record: record) == "False")
        let tamperedHeader = Array(text.replacingOccurrences(of: "Message-ID: <test-1@", with: "Message-ID: <test-2@").utf8)
        await #expect(try Self.verify(tamperedHeader, record: record) == "False")
    }

    @Test func relaxedCanonicalisationSurvivesRewrapping() async throws {
        let (pem, record) = try await Self.makeKey("ed25519")
        let signer = DKIMSigner(
            domain: "example.com", selector: "s", key: try DKIMPrivateKey(pemRepresentation: pem),
            signedHeaders: ["From", "Subject", "X-Custom"], includeTimestamp: false)
        let original = Array("From: a@example.com\r\nSubject:  Hello   world \r\nX-Custom: one\r\n\r\nBody  text \r\n\r\n\r\n".utf8)
        let signed = try signer.sign(original)
        let text = String(decoding: signed, as: UTF8.self)
        #expect(text.contains("h=from:subject:x-custom;"))
        #expect(!text.contains("t="))
        await #expect(try Self.verify(signed, record: record) == "True")
        // Whitespace changes that relaxed canonicalisation ignores.
        let rewrapped = text.replacingOccurrences(of: "Subject:  Hello   world ", with: "subject: Hello\r\n world")
            .replacingOccurrences(of: "Body  text \r\n\r\n\r\n", with: "Body text\r\n")
        await #expect(try Self.verify(Array(rewrapped.utf8), record: record) == "True")
        // A header list changed after the signer was made is the one signed (From stays first).
        var narrower = signer
        narrower.signedHeaders = ["X-Custom"]
        let again = String(decoding: try narrower.sign(original), as: UTF8.self)
        #expect(again.contains("h=from:x-custom;"))
        await #expect(try Self.verify(Array(again.utf8), record: record) == "True")
    }

    @Test func rfc6376Example() {
        // RFC 6376 §3.4.5.
        #expect(DKIMCanonicalization.relaxedHeader(name: "A", value: Array(" X".utf8)) == Array("a:X".utf8))
        #expect(DKIMCanonicalization.relaxedHeader(name: "B ", value: Array(" Y\t\r\n\tZ  ".utf8)) == Array("b:Y Z".utf8))
        #expect(DKIMCanonicalization.relaxedBody(Array(" C \r\nD \t E\r\n\r\n\r\n".utf8)) == Array(" C\r\nD E\r\n".utf8))
        #expect(DKIMCanonicalization.relaxedBody([UInt8]()) == [])
    }

    /// RFC 6376 §3.4.4 read line by line, the plain way: the single-pass canonicaliser must
    /// give the same bytes for any mix of text, blanks, CR and LF.
    static func referenceRelaxedBody(_ body: [UInt8]) -> [UInt8] {
        // Lines end at LF (a CR before it belongs to the break); a bare CR is text.
        var lines: [[UInt8]] = [[]]
        var i = 0
        while i < body.count {
            if body[i] == 13 && i + 1 < body.count && body[i + 1] == 10 {
                lines.append([])
                i += 2
            } else if body[i] == 10 {
                lines.append([])
                i += 1
            } else {
                lines[lines.count - 1].append(body[i])
                i += 1
            }
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        // A CR that ends the body without a LF is dropped (it is not whitespace, but nothing follows it).
        if var last = lines.last, last.last == 13, body.last == 13 {
            last.removeLast()
            lines[lines.count - 1] = last
        }
        var canonical: [[UInt8]] = lines.map { line in
            var out: [UInt8] = []
            var inRun = false
            for byte in line {
                if byte == 32 || byte == 9 {
                    inRun = true
                } else {
                    if inRun { out.append(32) }
                    inRun = false
                    out.append(byte)
                }
            }
            return out
        }
        while canonical.last?.isEmpty == true { canonical.removeLast() }
        return canonical.flatMap { $0 + [13, 10] }
    }

    @Test func relaxedBodyMatchesTheLineByLineReadingOnRandomBodies() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [65, 66, 32, 32, 9, 13, 10, 10, 0xC3, 0xA9]
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...40, using: &generator)
            let body = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            #expect(DKIMCanonicalization.relaxedBody(body) == Self.referenceRelaxedBody(body), "body \(body)")
        }
        // A slice (the signer hands over the body after the header) reads the same.
        let message = Array("H: v\r\n\r\nA  B \r\n\r\n".utf8)
        #expect(DKIMCanonicalization.relaxedBody(message[8...]) == Array("A B\r\n".utf8))
    }

    @Test func badKeysAreRefused() {
        #expect(throws: MIMEError.self) { try DKIMPrivateKey(pemRepresentation: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
        #expect(throws: MIMEError.self) { try DKIMPrivateKey(pemFile: "/nonexistent/key.pem") }
    }
}
