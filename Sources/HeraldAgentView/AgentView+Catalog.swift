import Foundation
import HeraldCore

/// The catalog page (every role) and the operations page (supervisors).
extension AgentView {
    /// The sample customer of catalog previews (its default fields: name, address, account…).
    static let sampleContext = TargetContext(
        customer: Customer(id: "SAMPLE-1", title: "Ms", firstName: "Sam", lastName: "Sample", language: "en", timeZone: "Europe/London",
                           email: "sam.sample@example.net", mobile: "+447700900000",
                           postalAddress: PostalAddress(lines: ["1 Sample Street", "Sampleton"], postcode: "SA1 1AA", country: "GB")),
        account: Account(id: "SAMPLE-A", customerId: "SAMPLE-1", currency: "GBP", amountDue: "42.00"),
        subscription: Subscription(id: "SAMPLE-S", customerId: "SAMPLE-1", accountId: "SAMPLE-A", msisdn: "+447700900000", plan: "Sample plan"))

    /// `GET /agent/catalog`: every comms code, its methods, languages and fields.
    func catalogPage(_ call: AgentCall) throws -> AgentReply {
        let codes = deps.catalog.codes.map { c -> [String: Any] in
            let languages = deps.catalog.languages(of: c.code)
            return [
                "code": c.code, "href": "/agent/catalog/" + Self.segment(c.code), "description": c.description,
                "methods": c.methods.map(\.rawValue).joined(separator: ", "), "priority": c.priority, "category": c.category,
                "languages": languages.isEmpty ? "—" : languages.joined(separator: ", "),
                "required": c.requiredFields.isEmpty ? "—" : c.requiredFields.joined(separator: ", "),
                "optional": c.optionalFields.isEmpty ? "—" : c.optionalFields.joined(separator: ", "),
                "state": [c.active ? "active" : "inactive", c.agentVisible ? "agent-visible" : "hidden from agents"].joined(separator: ", "),
            ]
        }
        return page(call, title: "Catalog", template: "catalog", ["codes": codes, "count": codes.count])
    }

    /// `GET /agent/catalog/{code}` (`?method=&language=` and `f.<NAME>` sample values): one
    /// code and a preview of its template merged with sample data.
    func catalogCode(_ call: AgentCall) throws -> AgentReply {
        let name = try call.parameter("id")
        guard let code = deps.catalog.code(name) else { throw HeraldError.notFound("There is no comms code \(name).") }
        let q = call.query
        guard let method = q["method"].flatMap(DeliveryMethod.init(rawValue:)) ?? code.methods.first else {
            throw HeraldError.invalid("method", "\(code.code) allows no method.")
        }
        guard code.methods.contains(method) else { throw HeraldError.invalid("method", "\(code.code) does not allow \(method.rawValue).") }
        let languages = deps.catalog.languages(of: code.code)
        let language = q["language"] ?? languages.first ?? "en"
        var sample: [String: String] = [:]
        for field in code.requiredFields + code.optionalFields { sample[field] = q["f." + field] ?? "Sample \(field.lowercased())" }
        let merged = deps.fields.fields(for: MergeContext(target: Self.sampleContext, now: now), trigger: sample)
        let values: [String: Any] = [
            "code": code.code, "description": code.description, "href": "/agent/catalog/" + Self.segment(code.code),
            "methods": code.methods.map { Self.option($0.rawValue, selected: $0 == method) },
            "languages": (languages.isEmpty ? [language] : languages).map { Self.option($0, selected: $0 == language) },
            "fields": (code.requiredFields + code.optionalFields).map { ["name": $0, "value": sample[$0] ?? ""] },
            "defaultFields": code.defaultFields.joined(separator: ", "),
            "preview": previewValues(code: code, method: method, language: language, fields: merged),
        ]
        var reply = page(call, title: "Catalog: \(code.code)", template: "catalog-code", values)
        reply.policy = AgentSecurity.commPagePolicy
        return reply
    }

    /// `GET /agent/operations` (supervisor): queue depth and oldest waiting item per stage,
    /// sent and failed per method over the last 24 h (an SVG chart drawn here), recent errors.
    func operations(_ call: AgentCall) async throws -> AgentReply {
        let now = self.now
        let depths = try await deps.store.queueDepths(now: now)
        let oldest = try await agents.oldestWaiting()
        let counts = try await agents.sendCounts(since: now.addingTimeInterval(-24 * 3600))
        let problems = try await agents.recentProblems(limit: 20)
        let stages = depths.map { d -> [String: Any] in
            Self.values(["stage": d.stage.description, "waiting": d.waiting,
                         "oldest": oldest[d.stage].map { Self.display($0) ?? "" } ?? "—",
                         "age": oldest[d.stage].map { Self.age(now.timeIntervalSince($0)) }])
        }
        let values: [String: Any] = [
            "stages": stages, "chart": Self.barChart(counts),
            "counts": counts.map { ["method": $0.method.rawValue, "sent": $0.sent, "failed": $0.failed] as [String: Any] },
            "hasProblems": !problems.isEmpty,
            "problems": problems.map { p -> [String: Any] in
                ["at": Self.display(p.problem.at) ?? "", "href": Self.commPath(p.requestId), "requestId": p.requestId, "code": p.commsCode,
                 "kind": Self.problemTitle(p.problem.kind), "reason": p.problem.reason]
            },
        ]
        return page(call, title: "Operations", template: "operations", values)
    }

    /// `3 h 5 min`, `42 s`.
    static func age(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min" }
        if s < 86_400 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86_400) d \(s % 86_400 / 3600) h"
    }

    /// A grouped bar chart (sent, failed per method) as SVG markup; every text in it is a
    /// method name or a number. Colours by presentation attributes (the CSP forbids inline styles).
    static func barChart(_ counts: [MethodSendCounts]) -> String {
        let width = 640, height = 240, left = 48, bottom = 32, top = 24
        let plot = height - bottom - top
        let maximum = max(1, counts.map { max($0.sent, $0.failed) }.max() ?? 1)
        let group = (width - left - 8) / max(1, counts.count)
        let bar = max(4, (group - 16) / 2)
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(width) \#(height)" width="\#(width)" height="\#(height)" role="img" aria-labelledby="chart-title">"#
        svg += #"<title id="chart-title">Sent and failed per method, last 24 hours (highest \#(maximum))</title>"#
        svg += #"<line x1="\#(left)" y1="\#(top + plot)" x2="\#(width - 4)" y2="\#(top + plot)" stroke="rgb(85,85,85)"/>"#
        svg += #"<text x="\#(left - 6)" y="\#(top + 4)" text-anchor="end" font-size="12" fill="rgb(26,26,26)">\#(maximum)</text>"#
        svg += #"<text x="\#(left - 6)" y="\#(top + plot)" text-anchor="end" font-size="12" fill="rgb(26,26,26)">0</text>"#
        for (i, c) in counts.enumerated() {
            let x = left + i * group + 8
            for (j, (value, colour, label)) in [(c.sent, "rgb(11,87,164)", "sent"), (c.failed, "rgb(164,11,11)", "failed")].enumerated() {
                let h = value == 0 ? 0 : max(1, value * plot / maximum)
                let bx = x + j * bar
                svg += #"<rect x="\#(bx)" y="\#(top + plot - h)" width="\#(bar - 2)" height="\#(h)" fill="\#(colour)"><title>\#(c.method.rawValue) \#(label): \#(value)</title></rect>"#
                svg += #"<text x="\#(bx + (bar - 2) / 2)" y="\#(top + plot - h - 3)" text-anchor="middle" font-size="11" fill="rgb(26,26,26)">\#(value)</text>"#
            }
            svg += #"<text x="\#(x + bar)" y="\#(height - 10)" text-anchor="middle" font-size="12" fill="rgb(26,26,26)">\#(c.method.rawValue)</text>"#
        }
        // The legend, top right.
        for (j, (colour, label)) in [("rgb(11,87,164)", "sent"), ("rgb(164,11,11)", "failed")].enumerated() {
            let lx = width - 150 + j * 72
            svg += #"<rect x="\#(lx)" y="2" width="10" height="10" fill="\#(colour)"/><text x="\#(lx + 14)" y="11" font-size="12" fill="rgb(26,26,26)">\#(label)</text>"#
        }
        svg += "</svg>"
        return svg
    }
}
