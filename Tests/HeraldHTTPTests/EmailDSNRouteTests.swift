import Foundation
import HTTPTypes
import HeraldCore
import HeraldSQLite
import HummingbirdTesting
import Testing

@Suite("POST /v1/inbound/email-dsn")
struct EmailDSNRouteTests {
    static let fields = """
        Reporting-MTA: dns; mx.example.net\r
        Original-Message-ID: <nobody-sent-this@herald.example>\r
        \r
        Final-Recipient: rfc822; ada@example.net\r
        Action: failed\r
        Status: 5.1.1\r
        Diagnostic-Code: smtp; 550 5.1.1 user unknown\r

        """

    @Test func deliveryStatusFieldsAsTextAreKeptWhenUnmatchedAndTheHardBounceSuppresses() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            let r = try await client.send(.post, "/v1/inbound/email-dsn", key: APIHarness.statusKey, json: Self.fields)
            #expect(r.status == .ok, "\(r.text)")
            #expect(r.object["result"] as? String == "unmatched")
            #expect(r.object["outcome"] as? String == "undeliverable")
            #expect(r.object["reference"] as? String == "<nobody-sent-this@herald.example>")
            #expect(r.object["suppressed"] as? [String] == ["ada@example.net"])
        }
        #expect(try await harness.store.suppressed(["ada@example.net", "zoe@example.net"]) == ["ada@example.net"])
    }

    @Test func theRouteNeedsTheStatusUpdateRoleAndADSN() async throws {
        let harness = try await APIHarness()
        try await harness.run { client in
            var r = try await client.send(.post, "/v1/inbound/email-dsn", key: APIHarness.triggerKey, json: Self.fields)
            #expect(r.status == .forbidden)
            r = try await client.send(.post, "/v1/inbound/email-dsn", key: nil, json: Self.fields)
            #expect(r.status == .unauthorized)
            r = try await client.send(.post, "/v1/inbound/email-dsn", key: APIHarness.adminKey, json: "Subject: hello\r\n\r\njust a letter\r\n")
            #expect(r.status == .unprocessableContent, "\(r.text)")
            // A delay notice changes nothing.
            let delayed = Self.fields.replacingOccurrences(of: "Action: failed", with: "Action: delayed")
                .replacingOccurrences(of: "Status: 5.1.1", with: "Status: 4.4.7")
            r = try await client.send(.post, "/v1/inbound/email-dsn", key: APIHarness.statusKey, json: delayed)
            #expect(r.object["result"] as? String == "ignored")
            #expect(r.object["suppressed"] as? [String] == [])
        }
    }
}
