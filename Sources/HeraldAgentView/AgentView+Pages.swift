import Foundation
import HeraldCore

extension AgentView {
    /// `GET /agent`: the search form.
    func home(_ call: AgentCall) throws -> AgentReply {
        page(call, title: "Search", template: "home", [:])
    }

    /// `GET /agent/search?q=`: every customer the text could name; exactly one opens directly.
    func search(_ call: AgentCall) async throws -> AgentReply {
        let text = call.query["q"] ?? ""
        guard let search = CustomerSearch(text) else {
            return page(call, title: "Search", template: "search",
                        ["query": text, "notice": "Type a customer id, account id, subscription id, MSISDN, email address or name."])
        }
        let matches = try await agents.searchCustomers(search, limit: 50)
        if matches.count == 1 { return .redirect(Self.customerPath(matches[0].customer.id)) }
        var values: [String: Any] = ["query": search.id, "count": matches.count, "hasMatches": !matches.isEmpty]
        if matches.isEmpty { values["notice"] = "No customer matches “\(search.id)”." }
        values["matches"] = matches.map { m -> [String: Any] in
            Self.values(["id": m.customer.id, "href": Self.customerPath(m.customer.id), "name": Self.name(of: m.customer),
                         "email": m.customer.email, "mobile": m.customer.mobile, "matchedBy": m.matchedBy])
        }
        return page(call, title: "Search: \(search.id)", template: "search", values)
    }

    /// `GET /agent/customers/{id}`: contact points, preferences, holdings and the comms list
    /// (filters `status`, `method`, `code`, `level`, `from`, `to`; cursor `after`).
    func customer(_ call: AgentCall) async throws -> AgentReply {
        let id = try call.parameter("id")
        guard let customer = try await deps.store.customer(id: id) else {
            throw HeraldError.notFound("There is no customer \(id).")
        }
        let filters = try CommsFilters(call.query)
        let holdings = try await agents.holdings(customerId: id)
        let page = try await agents.agentComms(filters.query(customerId: id, limit: Self.commsPageSize))
        var values = Self.customerValues(customer)
        values["href"] = Self.customerPath(id)
        values["accounts"] = holdings.accounts.map { Self.values(["id": $0.id, "currency": $0.currency, "amountDue": $0.amountDue]) }
        values["subscriptions"] = holdings.subscriptions.map {
            Self.values(["id": $0.id, "msisdn": $0.msisdn, "plan": $0.plan, "accountId": $0.accountId])
        }
        // The filters' options as HTML (Mustache sections over them cost as much as the rest of the shell).
        values["statusesOptions"] = Self.optionsHTML(RequestStatus.allCases.map(\.rawValue), selected: filters.status?.rawValue)
        values["methodsOptions"] = Self.optionsHTML(DeliveryMethod.allCases.map(\.rawValue), selected: filters.method?.rawValue)
        values["levelsOptions"] = Self.optionsHTML(TargetRef.Kind.allCases.map(\.rawValue), selected: filters.level?.rawValue)
        values["filterCode"] = filters.code ?? ""
        values["filterFrom"] = filters.fromText ?? ""
        values["filterTo"] = filters.toText ?? ""
        values["filtered"] = filters.isFiltering
        values["hasComms"] = !page.items.isEmpty
        values["commsRows"] = commsRowsHTML(page.items)
        if let next = page.nextCursor {
            values["next"] = Self.customerPath(id) + "?" + Self.query(filters.pairs + [("after", next)])
        }
        return self.page(call, title: Self.name(of: customer) ?? customer.id, template: "customer", values)
    }

    /// `GET /agent/audit` (supervisor): the newest agent actions.
    func audit(_ call: AgentCall) async throws -> AgentReply {
        let rows = try await agents.agentAudit(limit: 100)
        return page(call, title: "Audit", template: "audit", ["count": rows.count, "rows": rows.map {
            Self.values(["at": Self.display($0.at), "agent": $0.agent, "action": $0.action, "requestId": $0.requestId,
                         "reason": $0.reason, "detail": $0.detail])
        }])
    }

    // MARK: Values for the templates

    static func customerPath(_ id: String) -> String { "/agent/customers/" + segment(id) }

    /// `title first last`, nil when the customer has no name.
    static func name(of c: Customer) -> String? {
        let parts = [c.title, c.firstName, c.lastName].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// A dictionary without its nil values (Mustache then treats them as absent).
    static func values(_ pairs: [String: Any?]) -> [String: Any] { pairs.compactMapValues { $0 } }

    /// `<option>`s with value = label, `selected` on the one chosen, escaped as Mustache escapes.
    static func optionsHTML(_ values: [String], selected: String?) -> String {
        var out = ""
        for value in values {
            out += "<option value=\""
            HTML.escape(value, into: &out)
            out += value == selected ? "\" selected>" : "\">"
            HTML.escape(value, into: &out)
            out += "</option>"
        }
        return out
    }

    static func option(_ value: String, selected: Bool) -> [String: Any] {
        ["value": value, "label": value, "selected": selected]
    }

    static func customerValues(_ c: Customer) -> [String: Any] {
        var v = values(["id": c.id, "displayName": name(of: c) ?? "Customer", "email": c.email, "mobile": c.mobile,
                        "externalId": c.externalId, "language": c.language, "timeZone": c.timeZone])
        if let a = c.postalAddress {
            v["address"] = values(["lines": a.lines, "postcode": a.postcode, "country": a.country])
        }
        v["hasTokens"] = !c.pushTokens.isEmpty
        v["tokens"] = c.pushTokens.map { t -> [String: Any] in
            var state = "active"
            if t.disabled == true {
                state = "disabled" + (t.disabledAt.map { " \($0)" } ?? "") + (t.disabledReason.map { ": \($0)" } ?? "")
            }
            return ["platform": t.platform, "token": t.token, "state": state]
        }
        let p = c.preferences
        if !p.preferredMethods.isEmpty { v["preferred"] = p.preferredMethods.map(\.rawValue).joined(separator: ", ") }
        v["hasOptOuts"] = !p.optOut.isEmpty
        v["optOuts"] = p.optOut.map { o in
            "\(o.method?.rawValue ?? "every method"), \(o.category.map { "category \($0)" } ?? "every category")"
        }
        if let q = p.quietHours {
            v["quietHours"] = "\(q.from)–\(q.to) \(q.timeZone ?? c.timeZone)"
        }
        return v
    }

    /// The comms list's rows (`<tr>`s), with the columns of the system Herald replaces, written
    /// here rather than by Mustache: the 50-row list was about 70% of the customer page's CPU in
    /// Mustache's dynamic look-ups (`herald bench agent`). Every value is escaped as Mustache
    /// escapes (`HTML.escape`), and the browser test puts markup in every field.
    func commsRowsHTML(_ items: [RequestDetail]) -> String {
        var out = ""
        out.reserveCapacity(items.count * 700)
        for d in items {
            let r = d.request
            let targetStatus = Self.targetRequestStatus(d)
            func cell(_ value: String?, _ attributes: String = "") {
                out += "<td\(attributes)>"
                if let value { HTML.escape(value, into: &out) }
                out += "</td>"
            }
            out += "<tr class=\"\(targetStatus)\"><td>"
            HTML.escape(r.commsCode, into: &out)
            out += "</td><td><a href=\""
            HTML.escape(Self.commPath(r.id), into: &out)
            out += "\">"
            HTML.escape(deps.catalog.code(r.commsCode)?.description ?? "Details", into: &out)
            out += "</a></td>"
            cell(d.distribution?.method.rawValue ?? r.overrideMethod.map { "\($0.rawValue) (asked)" })
            cell(d.distribution?.target, " class=\"target\"")
            cell(r.status.rawValue)
            cell(targetStatus)
            cell(d.distribution?.status.rawValue)
            cell("\(r.target.kind.rawValue) \(r.target.id)")
            out += "<td><time datetime=\"\(UTCTimestamp.string(r.createdAt, milliseconds: false))\">\(Self.display(r.createdAt) ?? "")</time></td>"
            cell(Self.display(d.distribution?.sentAt))
            cell(Self.display(d.distribution?.readAt))
            cell(String(r.priority))
            out += "</tr>\n"
        }
        return out
    }

    /// The target request status: `error` when the request ended in error or its distribution
    /// failed (to retry, for good, or undeliverable); `normal` otherwise.
    static func targetRequestStatus(_ d: RequestDetail) -> String {
        if d.request.status == .error { return "error" }
        switch d.distribution?.status {
        case .errorRetry?, .errorNoRetry?, .undeliverable?: return "error"
        default: return "normal"
        }
    }
}

/// The comms list's filters as the URL carries them; a bad value is `invalidInput` naming it.
struct CommsFilters: Sendable {
    var status: RequestStatus?
    var method: DeliveryMethod?
    var code: String?
    var level: TargetRef.Kind?
    var fromText: String?
    var toText: String?
    var from: Date?
    /// The day after `to` (the filter includes the whole day).
    var before: Date?
    var after: String?

    init(_ q: FormFields) throws {
        func parse<T>(_ name: String, _ make: (String) -> T?, expected: String) throws -> T? {
            guard let text = q[name] else { return nil }
            guard let value = make(text) else { throw HeraldError.invalid(name, "The \(name) filter must be \(expected); got “\(text)”.") }
            return value
        }
        status = try parse("status", RequestStatus.init(rawValue:), expected: RequestStatus.allCases.map(\.rawValue).joined(separator: ", "))
        method = try parse("method", DeliveryMethod.init(rawValue:), expected: DeliveryMethod.allCases.map(\.rawValue).joined(separator: ", "))
        level = try parse("level", TargetRef.Kind.init(rawValue:), expected: "customer, account or subscription")
        code = q["code"]
        fromText = q["from"]
        toText = q["to"]
        from = try parse("from", Self.day, expected: "a date (YYYY-MM-DD)")
        before = try parse("to", Self.day, expected: "a date (YYYY-MM-DD)")?.addingTimeInterval(24 * 3600)
        after = q["after"]
    }

    /// `YYYY-MM-DD` as the start of that day, UTC.
    static func day(_ text: String) -> Date? {
        guard text.count == 10 else { return nil }
        return try? Date(text + "T00:00:00Z", strategy: .iso8601)
    }

    var isFiltering: Bool { status != nil || method != nil || code != nil || level != nil || from != nil || before != nil }

    /// The filters as query pairs (for the next page's link).
    var pairs: [(String, String?)] {
        [("status", status?.rawValue), ("method", method?.rawValue), ("code", code), ("level", level?.rawValue),
         ("from", fromText), ("to", toText)]
    }

    func query(customerId: String, limit: Int) -> AgentCommsQuery {
        AgentCommsQuery(customerId: customerId, status: status, method: method, commsCode: code, level: level,
                        createdFrom: from, createdBefore: before, limit: limit, cursor: after)
    }
}
