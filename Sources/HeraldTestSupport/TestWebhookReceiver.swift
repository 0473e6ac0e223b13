import Foundation

/// One channel of the webhook receiver `scripts/servers/webhook.sh` starts (Python, verifying
/// every Standard Webhooks signature with the `standardwebhooks` package): its URL, its
/// scripted answers and what it received, read through Python's urllib (an independent client).
/// Each test takes its own channel, so tests running at once do not meet.
public struct TestWebhookReceiver: Sendable {
    /// The receiver's base URL (`HERALD_TEST_WEBHOOK_URL`).
    public var base: String
    /// The secret it verifies with (`HERALD_TEST_WEBHOOK_SECRET`, `whsec_…`).
    public var secret: String
    public var channel = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    /// Where webhooks of this channel go.
    public var hookURL: String { "\(base)/hook/\(channel)" }

    /// The receiver of this test run; throws (failing the test) when scripts/test.sh did not start one.
    public init() throws {
        let env = ProcessInfo.processInfo.environment
        guard let base = env["HERALD_TEST_WEBHOOK_URL"], let secret = env["HERALD_TEST_WEBHOOK_SECRET"] else {
            throw TestServerMissing(what: "HERALD_TEST_WEBHOOK_URL/SECRET are not set: run through scripts/test.sh (webhook receiver)")
        }
        self.base = base
        self.secret = secret
    }

    public struct TestServerMissing: Error, CustomStringConvertible {
        public var what: String
        public var description: String { what }
    }

    /// A call to the receiver that failed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Scripts the channel's next answers: "ok", "slow" (0.5 s), "slower" (2 s), "fail" (500),
    /// "hang" (5 s), "redirect" or a status number; once used up, "ok".
    public func script(_ answers: [String]) async throws {
        let result = try await TestProcess.python("""
            import sys, urllib.request
            req = urllib.request.Request(sys.argv[1], data=sys.stdin.buffer.read(), method="POST")
            print(urllib.request.urlopen(req, timeout=10).status)
            """, ["\(base)/script/\(channel)"], input: Array(try JSONSerialization.data(withJSONObject: answers)))
        guard result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "204" else {
            throw Failure(description: "scripting the receiver failed: \(result.output) \(result.errors)")
        }
    }

    /// The webhooks received, as the receiver's JSON: `[{"id", "timestamp", "verified", "error", "answer", "body"}]`.
    public func receivedJSON() async throws -> Data {
        let result = try await TestProcess.python("""
            import sys, urllib.request
            sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=10).read())
            """, ["\(base)/received/\(channel)"])
        guard result.status == 0 else { throw Failure(description: "reading the receiver failed: \(result.errors)") }
        return result.stdout
    }

    /// The most webhooks of the channel the receiver had in flight at once.
    public func peak() async throws -> Int {
        let result = try await TestProcess.python("""
            import json, sys, urllib.request
            print(json.loads(urllib.request.urlopen(sys.argv[1], timeout=10).read())["peak"])
            """, ["\(base)/peak/\(channel)"])
        guard result.status == 0 else { throw Failure(description: "reading the receiver failed: \(result.errors)") }
        return Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
