import Foundation
import HTTPTypes
import HeraldAgentView
import HeraldCore
import HeraldSQLite
import HummingbirdTesting
import Testing

/// Cancel, resend, requeue and the one-off comm: each a POST with the CSRF token and a reason,
/// each in the request's history as `agent:<name>` and in the audit.
struct ActionsTests {
    static func location(_ answer: TestResponse) -> String { answer.headers[.location] ?? "" }

    /// The request id of a comm page's path (`/agent/comms/<id>?done=…`).
    static func commId(_ location: String) -> String {
        String(location.dropFirst("/agent/comms/".count).prefix { $0 != "?" })
    }

    @Test func cancelNeedsAReasonAndIsHistoryAndAudit() async throws {
        let h = try await AgentHarness()
        let id = try await h.comm("WELCOME", at: AgentHarness.t0)
        try await h.run { client in
            let b = try await client.signIn("kim")
            let page = try await client.get("/agent/comms/\(id)", cookie: b.cookie)
            #expect(page.text.contains(#"action="/agent/comms/\#(id)/cancel""#))
            #expect(!page.text.contains("/requeue"))
            // No CSRF token: refused, nothing changed.
            let forged = try await client.post("/agent/comms/\(id)/cancel", form: [("reason", "x")], cookie: b.cookie)
            #expect(forged.status == .forbidden)
            let noReason = try await client.post("/agent/comms/\(id)/cancel", form: [("csrf", b.csrf), ("reason", "  ")], cookie: b.cookie)
            #expect(noReason.status == .badRequest)
            #expect(noReason.text.contains("Give a reason"))
            #expect(try await h.store.request(id: id)?.request.status == .awaitingProcessing)

            let done = try await client.post("/agent/comms/\(id)/cancel", form: [("csrf", b.csrf), ("reason", "customer <b>asked</b>")], cookie: b.cookie)
            #expect(done.status == .seeOther)
            #expect(Self.location(done) == "/agent/comms/\(id)?done=cancelled")
            let detail = try #require(try await h.store.request(id: id))
            #expect(detail.request.status == .cancelled)
            #expect(detail.history.last?.actor == "agent:kim" && detail.history.last?.reason == "customer <b>asked</b>")
            let audit = try await h.store.agentAudit(limit: 10).first { $0.action == "cancel" }
            #expect(audit?.agent == "kim" && audit?.requestId == id && audit?.reason == "customer <b>asked</b>")
            let after = try await client.get(Self.location(done), cookie: b.cookie)
            #expect(after.text.contains("Cancelled."))
            #expect(after.text.contains("<td>agent:kim</td><td>customer &lt;b&gt;asked&lt;/b&gt;</td>"))
            #expect(!after.text.contains("/cancel\""))
            // Twice: not possible now.
            let again = try await client.post("/agent/comms/\(id)/cancel", form: [("csrf", b.csrf), ("reason", "again")], cookie: b.cookie)
            #expect(again.status == .conflict)
        }
        #expect(h.logs.all.contains { $0.contains("agent action") && $0.contains("cancel") && $0.contains(id) })
    }

    @Test func resendMakesACopyWithAnotherAllowedMethod() async throws {
        let h = try await AgentHarness()
        let id = try await h.comm("WELCOME", target: TargetRef(.subscription, "S-1"), at: AgentHarness.t0, priority: 1, method: .sms,
                                  fields: ["PLAN": "Gold"])
        let waiting = try await h.comm("WELCOME", at: AgentHarness.t0.addingTimeInterval(1))
        try await h.run { client in
            let b = try await client.signIn("kim")
            let page = try await client.get("/agent/comms/\(id)", cookie: b.cookie)
            #expect(page.text.contains(#"action="/agent/comms/\#(id)/resend""#))
            #expect(page.text.contains(#"<option value="email">email</option>"#))
            let notAllowed = try await client.post("/agent/comms/\(id)/resend", form: [("csrf", b.csrf), ("method", "letter"), ("reason", "r")],
                                                   cookie: b.cookie)
            #expect(notAllowed.status == .badRequest)
            let done = try await client.post("/agent/comms/\(id)/resend", form: [("csrf", b.csrf), ("method", "email"), ("reason", "lost the SMS")],
                                             cookie: b.cookie)
            #expect(done.status == .seeOther)
            let newId = Self.commId(Self.location(done))
            #expect(newId != id && Self.location(done).hasSuffix("?done=resent"))
            let copy = try #require(try await h.store.request(id: newId))
            #expect(copy.request.copyOf == id && copy.request.overrideMethod == .email && copy.request.source == .agent)
            #expect(copy.request.createdBy == "agent:kim" && copy.request.fields == ["PLAN": "Gold"] && copy.request.priority == 1)
            #expect(copy.request.target == TargetRef(.subscription, "S-1") && copy.request.status == .awaitingProcessing)
            #expect(copy.history.first?.actor == "agent:kim" && copy.history.first?.reason == "lost the SMS")
            let audit = try await h.store.agentAudit(limit: 10).first { $0.action == "resend" }
            #expect(audit?.requestId == id && audit?.detail == "new request \(newId)")
            let copyPage = try await client.get(Self.location(done), cookie: b.cookie)
            #expect(copyPage.text.contains(#"<dt>Copy of</dt><dd><a href="/agent/comms/\#(id)">\#(id)</a></dd>"#))
            // A comm still waiting has nothing to resend.
            let early = try await client.post("/agent/comms/\(waiting)/resend", form: [("csrf", b.csrf), ("reason", "r")], cookie: b.cookie)
            #expect(early.status == .conflict)
        }
    }

    @Test func requeueIsForSupervisorsAndOnlyFromError() async throws {
        let h = try await AgentHarness()
        let id = try await h.comm("WELCOME", at: AgentHarness.t0)
        let failed = try RequestTransition(requestId: id, from: .awaitingProcessing, to: .error, actor: "comms-monitor", reason: "broken", at: AgentHarness.t0)
        #expect(try await h.store.commit([Change(requestId: id, request: failed)], ticket: nil).applied == 1)
        try await h.run { client in
            let kim = try await client.signIn("kim")
            #expect(!(try await client.get("/agent/comms/\(id)", cookie: kim.cookie)).text.contains("/requeue"))
            let refused = try await client.post("/agent/comms/\(id)/requeue", form: [("csrf", kim.csrf), ("reason", "r")], cookie: kim.cookie)
            #expect(refused.status == .forbidden)
            let sam = try await client.signIn("sam")
            #expect(try await client.get("/agent/comms/\(id)", cookie: sam.cookie).text.contains(#"action="/agent/comms/\#(id)/requeue""#))
            let done = try await client.post("/agent/comms/\(id)/requeue", form: [("csrf", sam.csrf), ("reason", "template fixed")], cookie: sam.cookie)
            #expect(done.status == .seeOther)
            let detail = try #require(try await h.store.request(id: id))
            #expect(detail.request.status == .awaitingProcessing)
            #expect(detail.history.last == HistoryEntry(entity: .request, from: "error", to: "awaitingProcessing", at: AgentHarness.t0,
                                                        actor: "agent:sam", reason: "template fixed"))
            let again = try await client.post("/agent/comms/\(id)/requeue", form: [("csrf", sam.csrf), ("reason", "again")], cookie: sam.cookie)
            #expect(again.status == .conflict)
        }
    }

    @Test func oneOffCommWithPreviewThenSend() async throws {
        let h = try await AgentHarness()
        try await h.run { client in
            let b = try await client.signIn("kim")
            let customer = try await client.get("/agent/customers/C-1", cookie: b.cookie)
            #expect(customer.text.contains(#"<a href="/agent/customers/C-1/one-off">"#))
            let choose = try await client.get("/agent/customers/C-1/one-off", cookie: b.cookie)
            #expect(choose.status == .ok)
            #expect(choose.text.contains(#"<option value="NOTE">"#) && !choose.text.contains("SECRET"))
            let form = try await client.get("/agent/customers/C-1/one-off?code=NOTE", cookie: b.cookie)
            for expected in [#"name="f.TOPIC" value="" required"#, #"name="f.DETAIL" value="">"#, #"<option value="account:A-1">"#,
                             #"<option value="subscription:S-1">Subscription S-1 (+447700900777)</option>"#, #"<option value="sms">sms</option>"#] {
                #expect(form.text.contains(expected), "missing \(expected)")
            }
            let topic = "Your <i>refund</i>"
            let sms = try await client.post("/agent/customers/C-1/one-off", form: [
                ("csrf", b.csrf), ("code", "NOTE"), ("method", "sms"), ("target", "account:A-1"), ("f.TOPIC", topic), ("do", "preview"),
            ], cookie: b.cookie)
            #expect(sms.status == .ok)
            #expect(sms.text.contains("<pre class=\"message\">Hi Zoë: Your &lt;i&gt;refund&lt;/i&gt;</pre>"))
            #expect(sms.text.contains(#"<option value="account:A-1" selected>"#))
            let email = try await client.post("/agent/customers/C-1/one-off", form: [
                ("csrf", b.csrf), ("code", "NOTE"), ("method", "email"), ("f.TOPIC", topic), ("do", "preview"),
            ], cookie: b.cookie)
            #expect(email.text.contains("<strong>Subject:</strong> Note: Your &lt;i&gt;refund&lt;/i&gt;"))
            let frame = try #require(email.text.components(separatedBy: "<iframe").dropFirst().first)
            #expect(frame.contains(" sandbox srcdoc=\"&lt;p&gt;Dear Zoë&lt;/p&gt;") && !frame.contains("allow-scripts") && !frame.contains("<script"))
            // Sending needs a reason, the required field, and a level of this customer.
            let noReason = try await client.post("/agent/customers/C-1/one-off", form: [
                ("csrf", b.csrf), ("code", "NOTE"), ("f.TOPIC", topic), ("do", "send"),
            ], cookie: b.cookie)
            #expect(noReason.status == .badRequest)
            let noTopic = try await client.post("/agent/customers/C-1/one-off", form: [
                ("csrf", b.csrf), ("code", "NOTE"), ("reason", "asked"), ("do", "send"),
            ], cookie: b.cookie)
            #expect(noTopic.status == .badRequest)
            let elsewhere = try await client.post("/agent/customers/C-1/one-off", form: [
                ("csrf", b.csrf), ("code", "NOTE"), ("target", "account:A-X"), ("f.TOPIC", topic), ("reason", "asked"), ("do", "send"),
            ], cookie: b.cookie)
            #expect(elsewhere.status == .badRequest)
            let hidden = try await client.post("/agent/customers/C-1/one-off", form: [
                ("csrf", b.csrf), ("code", "SECRET"), ("reason", "asked"), ("do", "send"),
            ], cookie: b.cookie)
            #expect(hidden.status == .badRequest)
            let sent = try await client.post("/agent/customers/C-1/one-off", form: [
                ("csrf", b.csrf), ("code", "NOTE"), ("method", "sms"), ("target", "subscription:S-1"), ("f.TOPIC", topic), ("f.DETAIL", ""),
                ("reason", "called about refund"), ("do", "send"),
            ], cookie: b.cookie)
            #expect(sent.status == .seeOther)
            let id = Self.commId(Self.location(sent))
            let detail = try #require(try await h.store.request(id: id))
            #expect(detail.request.source == .agent && detail.request.createdBy == "agent:kim" && detail.request.commsCode == "NOTE")
            #expect(detail.request.overrideMethod == .sms && detail.request.target == TargetRef(.subscription, "S-1"))
            #expect(detail.request.fields == ["TOPIC": topic])
            #expect(detail.history.first?.actor == "agent:kim" && detail.history.first?.reason == "called about refund")
            let audit = try await h.store.agentAudit(limit: 10).first { $0.action == "one-off" }
            #expect(audit?.requestId == id && audit?.detail == "NOTE sms at subscription:S-1")
        }
        #expect(!h.logs.all.contains { $0.contains("refund") }, "no message text in logs")
    }
}
