import Foundation
import HTTPTypes
import HeraldAgentView
import HeraldCore
import HeraldSQLite
import HummingbirdTesting
import Testing

/// Search, the customer page, its filters and pages, escaping and the headers of every page.
struct PagesTests {
    @Test func searchByEveryKeyAndOneHitOpensTheCustomer() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            let b = try await client.signIn("kim")
            func search(_ q: String) async throws -> TestResponse {
                try await client.get("/agent/search?q=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""), cookie: b.cookie)
            }
            for (q, customer) in [("+447700900777", "C-1"), ("07700 900123", nil), ("447700900123", "C-1"), ("ZOE@example.NET", "C-1"),
                                  ("ada@example.net", "C-2"), ("A-1", "C-1"), ("S-1", "C-1"), ("C-2", "C-2"), ("Ångström", "C-1"),
                                  ("Ada Byron", "C-3")] {
                let answer = try await search(q)
                if let customer {
                    #expect(answer.status == .seeOther, "\(q)")
                    #expect(answer.headers[.location] == "/agent/customers/\(customer)", "\(q)")
                } else {
                    #expect(answer.status == .ok, "\(q)")
                    #expect(answer.text.contains("No customer matches"), "\(q)")
                }
            }
            let many = try await search("ada")
            #expect(many.status == .ok)
            #expect(many.text.contains(#"<a href="/agent/customers/C-2">C-2</a>"#))
            #expect(many.text.contains(#"<a href="/agent/customers/C-3">C-3</a>"#))
            #expect(many.text.contains("2 customers match"))
            let empty = try await client.get("/agent/search?q=", cookie: b.cookie)
            #expect(empty.status == .ok)
            #expect(empty.text.contains("Type a customer id"))
        }
    }

    @Test func customerPageShowsContactPointsPreferencesAndComms() async throws {
        let h = try await AgentHarness()
        let t0 = AgentHarness.t0
        _ = try await h.comm("WELCOME", at: t0.addingTimeInterval(60), priority: 1, method: .sms)
        _ = try await h.comm("BILL", target: TargetRef(.account, "A-1"), at: t0.addingTimeInterval(120), method: .email,
                             sentTo: "zoe@example.net", distribution: .errorNoRetry)
        _ = try await h.comm("BILL", target: TargetRef(.subscription, "S-1"), at: t0.addingTimeInterval(180))
        _ = try await h.comm("BILL", target: TargetRef(.customer, "C-2"), at: t0.addingTimeInterval(240))
        try await h.run { client in
            let b = try await client.signIn("kim")
            let page = try await client.get("/agent/customers/C-1", cookie: b.cookie)
            #expect(page.status == .ok)
            let html = page.text
            for expected in [
                "Ms Zoë Ångström", "zoe@example.net", "+447700900123", "1 High Street<br>Cambridge<br>CB1 1AA GB", "EXT-9",
                "<td>apns</td><td class=\"token\">tok-live</td><td>active</td>",
                "<td>fcm</td><td class=\"token\">tok-gone</td><td>disabled 2026-11-20T08:00:00Z: Unregistered</td>",
                "<dt>Preferred methods</dt><dd>sms, email</dd>", "<li>letter, category marketing</li>", "21:00–08:00 Europe/London",
                "Account A-1 (GBP, due 12.50)", "Subscription S-1, +447700900777, Unlimited (account A-1)",
                "Welcome &lt;b&gt;aboard&lt;/b&gt;", "Your bill is ready",
            ] {
                #expect(html.contains(expected), "missing \(expected)")
            }
            let rows = Self.rows(html)
            #expect(rows.count == 3)
            // Newest first: the subscription-level BILL, the failed email, the SMS.
            #expect(rows[0].contains("<td>subscription S-1</td>") && rows[0].contains("<td>awaitingProcessing</td>"))
            #expect(rows[1].hasPrefix("<tr class=\"error\">") && rows[1].contains("<td>email</td>")
                    && rows[1].contains("zoe@example.net") && rows[1].contains("<td>errorNoRetry</td>")
                    && rows[1].contains("<td>account A-1</td>"))
            #expect(rows[2].contains("<td>WELCOME</td>") && rows[2].contains("<td>sms</td>") && rows[2].contains("<td>processed</td>")
                    && rows[2].contains("<td>normal</td>") && rows[2].contains("<td>awaitingDistribution</td>")
                    && rows[2].contains("2026-11-27 10:01:00Z") && rows[2].hasSuffix("<td>1</td></tr>"))
            #expect(!html.contains("Older comms"))
        }
    }

    @Test func filtersByStatusMethodCodeLevelAndDates() async throws {
        let h = try await AgentHarness()
        let day = 24.0 * 3600
        let t0 = AgentHarness.t0
        _ = try await h.comm("WELCOME", at: t0, method: .sms)
        _ = try await h.comm("BILL", target: TargetRef(.account, "A-1"), at: t0.addingTimeInterval(day), method: .email, sentTo: "zoe@example.net")
        _ = try await h.comm("BILL", at: t0.addingTimeInterval(2 * day))
        try await h.run { client in
            let b = try await client.signIn("kim")
            func count(_ query: String) async throws -> Int {
                let page = try await client.get("/agent/customers/C-1?" + query, cookie: b.cookie)
                #expect(page.status == .ok, "\(query)")
                return Self.rows(page.text).count
            }
            #expect(try await count("") == 3)
            #expect(try await count("status=processed") == 2)
            #expect(try await count("status=awaitingProcessing") == 1)
            #expect(try await count("method=email") == 1)
            #expect(try await count("method=letter") == 0)
            #expect(try await count("code=BILL") == 2)
            #expect(try await count("level=account") == 1)
            #expect(try await count("from=2026-11-28") == 2)
            #expect(try await count("to=2026-11-28") == 2)
            #expect(try await count("from=2026-11-28&to=2026-11-28") == 1)
            #expect(try await count("code=BILL&status=processed&method=email&level=account") == 1)
            let kept = try await client.get("/agent/customers/C-1?status=processed&method=email", cookie: b.cookie)
            #expect(kept.text.contains(#"<option value="processed" selected>"#))
            #expect(kept.text.contains(#"<option value="email" selected>"#))
            for bad in ["status=sent", "method=fax", "level=planet", "from=yesterday"] {
                let answer = try await client.get("/agent/customers/C-1?" + bad, cookie: b.cookie)
                #expect(answer.status == .badRequest, "\(bad)")
            }
            #expect(try await client.get("/agent/customers/C-404", cookie: b.cookie).status == .notFound)
        }
    }

    @Test func cursorPagesOfFiftyNewestFirst() async throws {
        let h = try await AgentHarness()
        var ids: [String] = []
        for i in 0..<120 { ids.append(try await h.comm(at: AgentHarness.t0.addingTimeInterval(Double(i)))) }
        try await h.run { client in
            let b = try await client.signIn("kim")
            var uri: String? = "/agent/customers/C-1?code=WELCOME"
            var sizes: [Int] = []
            var firstTimes: [String] = []
            while let next = uri {
                let page = try await client.get(next, cookie: b.cookie)
                #expect(page.status == .ok)
                let rows = Self.rows(page.text)
                sizes.append(rows.count)
                firstTimes.append(rows.first.flatMap { Self.time(in: $0) } ?? "")
                uri = Self.nextLink(page.text)
                if let u = uri { #expect(u.contains("code=WELCOME") && u.contains("after=")) }
            }
            #expect(sizes == [50, 50, 20])
            // 119 s, 69 s and 19 s after t0: newest first, no row twice.
            #expect(firstTimes == ["2026-11-27T10:01:59Z", "2026-11-27T10:01:09Z", "2026-11-27T10:00:19Z"])
        }
    }

    @Test func everyCustomerFieldIsEscaped() async throws {
        let h = try await AgentHarness()
        _ = try await h.comm("WELCOME", target: TargetRef(.customer, "C-X"), at: AgentHarness.t0, method: .sms, sentTo: AgentHarness.script)
        try await h.run { client in
            let b = try await client.signIn("kim")
            let page = try await client.get("/agent/customers/C-X", cookie: b.cookie)
            #expect(page.status == .ok)
            #expect(!page.text.contains("<script"))
            // Title, names, email, mobile, address, token, opt-out, quiet hours, account, line, comm target…
            #expect(page.text.components(separatedBy: "&lt;script&gt;alert(1)&lt;/script&gt;").count > 20)
            let search = try await client.get("/agent/search?q=%3Cscript%3E", cookie: b.cookie)
            #expect(!search.text.contains("<script"))
            #expect(search.text.contains("&lt;script&gt;"))
        }
    }

    @Test func everyAnswerCarriesTheSecurityHeaders() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            let b = try await client.signIn("kim")
            let answers = [
                try await client.get("/agent/sign-in"),
                try await client.get("/agent", cookie: b.cookie),
                try await client.get("/agent/search?q=ada", cookie: b.cookie),
                try await client.get("/agent/customers/C-1", cookie: b.cookie),
                try await client.get("/agent/customers/C-404", cookie: b.cookie),
                try await client.get("/agent/audit", cookie: b.cookie),
                try await client.get("/agent"),
                try await client.post("/agent/sign-out", form: [], cookie: b.cookie),
                try await client.get("/agent/static/agent.css"),
            ]
            for answer in answers {
                let csp = answer.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.hasPrefix("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"))
                #expect(answer.headers[.xContentTypeOptions] == "nosniff")
            }
            let css = try #require(answers.last)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(answers[3].headers[.contentType] == "text/html; charset=utf-8")
            #expect(answers[3].headers[.cacheControl] == "no-store")
            // No inline style or script anywhere: the CSP would block it.
            for answer in answers.dropLast() {
                #expect(!answer.text.contains("<script") && !answer.text.contains("style=") && !answer.text.contains("<style"))
            }
        }
    }

    // MARK: Reading the pages

    /// The comms table's rows.
    static func rows(_ html: String) -> [String] {
        guard let start = html.range(of: #"<table class="comms">"#), let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex)
        else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "\n").filter { $0.hasPrefix("<tr class=") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// A row's created time (`datetime`).
    static func time(in row: String) -> String? {
        guard let r = row.range(of: #"datetime=""#) else { return nil }
        let rest = row[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The "Older comms" link, HTML entities undone.
    static func nextLink(_ html: String) -> String? {
        guard let r = html.range(of: #"<a rel="next" href=""#) else { return nil }
        let rest = html[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]).replacingOccurrences(of: "&amp;", with: "&") }
    }
}
