import Foundation
import HeraldTestSupport
import Testing
@testable import StandardWebhooks

/// Cross-checks with the `standardwebhooks` PyPI package (scripts/test.sh installs it): Python
/// verifies what we sign, and we verify what Python signs — bodies of every kind, including
/// bytes that are not UTF-8.
@Suite struct PythonCrossCheckTests {
    /// Bodies to sign: JSON, non-ASCII text, bytes that are not UTF-8, empty, large.
    static let bodies: [[UInt8]] = [
        Array(#"{"type":"comms.external","data":{"id":"1f81eb52"}}"#.utf8),
        Array(#"{"message":"Grüße, ça va? 日本語 🎉"}"#.utf8),
        [0xFF, 0xFE, 0x00, 0x01, 0x80, 0x7F],
        [],
        Array(repeating: UInt8(ascii: "x"), count: 100_000),
    ]

    /// Python: verify each (body hex, id, timestamp, signature) line; prints ok/fail per line.
    static let verifyScript = #"""
import sys
from standardwebhooks.webhooks import Webhook
wh = Webhook(sys.argv[1])
for line in sys.stdin.read().splitlines():
    body, msg_id, ts, sig = line.split("\t")
    try:
        wh.verify(bytes.fromhex(body), {"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": sig}, json_parse=False)
        print("ok")
    except Exception as e:
        print("fail " + repr(e))
"""#

    /// Python: sign each body hex line with a fresh id at now; prints id, timestamp, signature.
    static let signScript = #"""
import sys, datetime
from standardwebhooks.webhooks import Webhook
wh = Webhook(sys.argv[1])
now = datetime.datetime.now(tz=datetime.timezone.utc)
for i, line in enumerate(sys.stdin.read().split("\n")):
    msg_id = "msg_py%d" % i
    print("%s\t%d\t%s" % (msg_id, int(now.timestamp()), wh.sign(msg_id, now, bytes.fromhex(line))))
"""#

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func pythonVerifiesOurSignatures() async throws {
        let secret = WebhookSecret.generate()
        let signer = WebhookSigner(secret: secret)
        let now = Int64(Date().timeIntervalSince1970)
        var lines: [String] = []
        for (i, body) in Self.bodies.enumerated() {
            let id = "msg_herald\(i)"
            lines.append([Self.hex(body), id, String(now), signer.signature(id: id, timestamp: now, body: body)].joined(separator: "\t"))
        }
        // Rotation: two signatures, Python holds the second key.
        let other = WebhookSecret.generate()
        let rotated = WebhookSigner(secrets: [other, secret]).signature(id: "msg_rot", timestamp: now, body: Self.bodies[0])
        lines.append([Self.hex(Self.bodies[0]), "msg_rot", String(now), rotated].joined(separator: "\t"))
        // And a wrong one, to see Python refuse it.
        lines.append([Self.hex(Self.bodies[1]), "msg_bad", String(now),
                      WebhookSigner(secret: other).signature(id: "msg_bad", timestamp: now, body: Self.bodies[1])].joined(separator: "\t"))
        let result = try await TestProcess.python(Self.verifyScript, [secret.serialized], input: Array(lines.joined(separator: "\n").utf8))
        #expect(result.status == 0, "\(result.errors)")
        let answers = result.output.split(separator: "\n").map(String.init)
        #expect(answers.count == lines.count)
        #expect(answers.dropLast().allSatisfy { $0 == "ok" }, "\(answers)")
        #expect(answers.last?.hasPrefix("fail") == true)
    }

    @Test func weVerifyPythonSignatures() async throws {
        let secret = WebhookSecret.generate(byteCount: 24)
        let input = Self.bodies.map(Self.hex).joined(separator: "\n")
        let result = try await TestProcess.python(Self.signScript, [secret.serialized], input: Array(input.utf8))
        #expect(result.status == 0, "\(result.errors)")
        let rows = result.output.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.count == Self.bodies.count)
        let verifier = WebhookVerifier(secret: secret)
        let signer = WebhookSigner(secret: secret)
        for (row, body) in zip(rows, Self.bodies) {
            #expect(row.count == 3)
            guard row.count == 3 else { continue }
            try verifier.verify(body: body, id: row[0], timestamp: row[1], signatures: row[2])
            // Both sides compute the very same signature.
            #expect(signer.signature(id: row[0], timestamp: Int64(row[1])!, body: body) == row[2])
            #expect(throws: WebhookVerifier.Failure.noMatchingSignature) {
                try verifier.verify(body: body + [0x20], id: row[0], timestamp: row[1], signatures: row[2])
            }
        }
    }
}
