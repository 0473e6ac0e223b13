import Foundation
import HTTPTypes
import HeraldAgentView
import HeraldCore
import HeraldSQLite
import HummingbirdTesting
import Testing

/// The catalog page and its previews; the operations page (supervisors).
struct CatalogOperationsTests {
    @Test func catalogListsCodesAndPreviewsWithSampleData() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            let b = try await client.signIn("kim")
            let list = try await client.get("/agent/catalog", cookie: b.cookie)
            #expect(list.status == .ok)
            for expected in [#"<a href="/agent/catalog/NOTE">NOTE</a>"#, "<td>sms, email, letter</td>", "<td>TOPIC</td>", "<td>DETAIL</td>",
                             "hidden from agents", "Welcome &lt;b&gt;aboard&lt;/b&gt;"] {
                #expect(list.text.contains(expected), "missing \(expected)")
            }
            let sms = try await client.get("/agent/catalog/NOTE", cookie: b.cookie)
            #expect(sms.status == .ok)
            #expect(sms.text.contains("<pre class=\"message\">Hi Sam: Sample topic</pre>"))
            let email = try await client.get("/agent/catalog/NOTE?method=email&f.TOPIC=%3Cb%3Ebold%3C%2Fb%3E", cookie: b.cookie)
            #expect(email.text.contains("<strong>Subject:</strong> Note: &lt;b&gt;bold&lt;/b&gt;"))
            #expect(email.text.contains(#"sandbox srcdoc="&lt;p&gt;Dear Sam&lt;/p&gt;"#))
            // The inline image from the catalog's assets, as a data: URL.
            #expect(email.text.contains("data:image/png;base64,AQID") && !email.text.contains("cid:logo"))
            let missing = try await client.get("/agent/catalog/WELCOME", cookie: b.cookie)
            #expect(missing.status == .ok)
            #expect(missing.text.contains("class=\"error\" role=\"alert\">no template for WELCOME"))
            #expect(try await client.get("/agent/catalog/NOTE?method=push", cookie: b.cookie).status == .badRequest)
            #expect(try await client.get("/agent/catalog/NOPE", cookie: b.cookie).status == .notFound)
        }
    }

    @Test func operationsShowQueuesChartAndRecentErrors() async throws {
        let h = try await AgentHarness()
        let t0 = AgentHarness.t0
        _ = try await h.comm("WELCOME", at: t0.addingTimeInterval(-7200))
        _ = try await h.comm("BILL", at: t0.addingTimeInterval(-60), method: .sms)
        let failed = try await h.comm("BILL", at: t0.addingTimeInterval(-30), method: .email, sentTo: "zoe@example.net", distribution: .errorNoRetry,
                                      problem: RequestProblem(kind: .error, reason: "SMTP said <550>", at: t0.addingTimeInterval(-30)))
        try await h.run { client in
            let kim = try await client.signIn("kim")
            #expect(try await client.get("/agent/operations", cookie: kim.cookie).status == .forbidden)
            #expect(!(try await client.get("/agent", cookie: kim.cookie)).text.contains("/agent/operations"))
            let sam = try await client.signIn("sam")
            let home = try await client.get("/agent", cookie: sam.cookie)
            #expect(home.text.contains(#"<a href="/agent/operations">Operations</a>"#) && home.text.contains(#"<a href="/agent/catalog">Catalog</a>"#))
            let page = try await client.get("/agent/operations", cookie: sam.cookie)
            #expect(page.status == .ok)
            let html = page.text
            for expected in [
                "<tr><td>monitor</td><td>1</td><td>2026-11-27 08:00:00Z</td><td>2 h 0 min</td></tr>",
                "<tr><td>send.sms</td><td>1</td><td>2026-11-27 09:59:00Z</td><td>1 min</td></tr>",
                "<tr><td>send.email</td><td>0</td><td>—</td><td></td></tr>",
                "<tr><td>email</td><td>0</td><td>1</td></tr>",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"", "<title>email failed: 1</title>",
                #"<a href="/agent/comms/\#(failed)">\#(failed)</a></td><td>BILL</td><td>Error</td><td>SMTP said &lt;550&gt;</td>"#,
            ] {
                #expect(html.contains(expected), "missing \(expected)")
            }
        }
    }
}
