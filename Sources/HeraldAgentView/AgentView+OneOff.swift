import Foundation
import HeraldCore

/// The one-off comm: an agent picks an agent-visible comms code, a method it allows and the
/// level it is raised at (the customer, one of its accounts or subscriptions), fills the code's
/// fields, previews the merged text, then sends: a new request with source `agent`.
extension AgentView {
    /// `GET /agent/customers/{id}/one-off` (`?code=`): the form.
    func oneOffForm(_ call: AgentCall) async throws -> AgentReply {
        let customer = try await oneOffCustomer(call)
        let form = OneOffForm(code: call.query["code"], method: nil, target: nil, fields: [:], reason: nil)
        return try await oneOffPage(call, customer, form, preview: nil)
    }

    /// `POST /agent/customers/{id}/one-off`: `do=preview` shows the merged text; `do=send`
    /// (with a reason) stores the request and opens its page.
    func oneOff(_ call: AgentCall) async throws -> AgentReply {
        let customer = try await oneOffCustomer(call)
        let form = OneOffForm(call.form)
        guard let codeName = form.code, let code = deps.catalog.code(codeName), code.agentVisible, code.active else {
            throw HeraldError.invalid("code", "Choose a comms code agents may send.")
        }
        let target = try form.targetRef(customerId: customer.id)
        guard try await deps.store.contexts(for: [target])[target]?.customer.id == customer.id else {
            throw HeraldError.invalid("target", "Choose the customer, one of its accounts or one of its subscriptions.")
        }
        if call.form["do"] != "send" {
            let preview = try await self.preview(code: code, method: form.method, target: target, fields: form.nonEmptyFields, customer: customer)
            return try await oneOffPage(call, customer, form, preview: preview)
        }
        let reason = try Self.reason(call.form)
        guard let intake = deps.intake else { throw HeraldError.unavailable("Sending is not available here.") }
        let input = CommsRequestInput(
            commsCode: code.code, customerId: target.kind == .customer ? target.id : nil, accountId: target.kind == .account ? target.id : nil,
            subscriptionId: target.kind == .subscription ? target.id : nil, deliveryMethod: form.method?.rawValue, fields: form.nonEmptyFields)
        let request = try await intake.prepare(input, actor: agentActor(call.user?.name ?? "?"), source: .agent)
        try await agents.agentSubmit(request, audit: audit(call, "one-off", requestId: request.id, reason: reason,
                                                           detail: "\(code.code) \(form.method?.rawValue ?? "any method") at \(target)"))
        intake.signals.ring(.monitor)
        logAction(call, "one-off", request.id)
        return .redirect(Self.commPath(request.id) + "?done=sent")
    }

    private func oneOffCustomer(_ call: AgentCall) async throws -> Customer {
        let id = try call.parameter("id")
        guard let customer = try await deps.store.customer(id: id) else { throw HeraldError.notFound("There is no customer \(id).") }
        return customer
    }

    private func oneOffPage(_ call: AgentCall, _ customer: Customer, _ form: OneOffForm, preview: [String: Any]?) async throws -> AgentReply {
        let codes = deps.catalog.codes.filter { $0.agentVisible && $0.active }
        var values: [String: Any] = [
            "customerId": customer.id, "customerName": Self.name(of: customer) ?? "Customer", "customerHref": Self.customerPath(customer.id),
            "href": Self.customerPath(customer.id) + "/one-off", "csrf": call.session?.csrfToken ?? "",
            "codes": codes.map { c -> [String: Any] in
                ["code": c.code, "description": c.description, "selected": c.code == form.code]
            },
            "reason": form.reason ?? "",
        ]
        if let name = form.code, let code = codes.first(where: { $0.code == name }) {
            let holdings = try await agents.holdings(customerId: customer.id)
            var targets = [["value": "customer:\(customer.id)", "label": "Customer \(customer.id)"]]
            targets += holdings.accounts.map { ["value": "account:\($0.id)", "label": "Account \($0.id)"] }
            targets += holdings.subscriptions.map { ["value": "subscription:\($0.id)", "label": "Subscription \($0.id)\($0.msisdn.map { " (\($0))" } ?? "")"] }
            values["chosen"] = [
                "code": code.code, "description": code.description,
                "methods": code.methods.map { Self.option($0.rawValue, selected: $0 == form.method) },
                "targets": targets.map { t -> [String: Any] in ["value": t["value"]!, "label": t["label"]!, "selected": t["value"] == form.target] },
                "fields": code.requiredFields.map { ["name": $0, "value": form.fields[$0] ?? "", "required": true] as [String: Any] }
                    + code.optionalFields.map { ["name": $0, "value": form.fields[$0] ?? "", "required": false] as [String: Any] },
            ] as [String: Any]
        }
        if let preview { values["preview"] = preview }
        var reply = page(call, title: "One-off comm", template: "one-off", values)
        reply.policy = AgentSecurity.commPagePolicy
        return reply
    }

    /// The merged text of the code for that method (else the code's first), with the
    /// customer's default fields under the given ones: the SMS/push/online text, the email's
    /// subject, HTML (shown in a sandboxed frame) and text, or the letter's HTML.
    func preview(code: CommsCode, method: DeliveryMethod?, target: TargetRef, fields: [String: String], customer: Customer) async throws -> [String: Any] {
        guard let method = method ?? code.methods.first else { throw HeraldError.invalid("method", "The code allows no method.") }
        guard code.methods.contains(method) else { throw HeraldError.invalid("method", "\(code.code) does not allow \(method.rawValue).") }
        guard let context = try await deps.store.contexts(for: [target])[target] else {
            throw HeraldError.invalid(target.kind.field, "unknown \(target.kind.rawValue) '\(target.id)'")
        }
        let merged = deps.fields.fields(for: MergeContext(target: context, now: now), trigger: fields)
        return previewValues(code: code, method: method, language: customer.language, fields: merged)
    }

    /// The merged parts of `code` for `method` in `language` (or the catalog's fallback) with
    /// `merged` fields; a part that cannot be rendered is named in `problems`.
    func previewValues(code: CommsCode, method: DeliveryMethod, language: String, fields merged: [String: String]) -> [String: Any] {
        func render(_ part: TemplatePart) -> Result<String, HeraldError> {
            do {
                return .success(try deps.catalog.render(code: code.code, method: method, part: part, language: language, fields: merged))
            } catch let error as HeraldError {
                return .failure(error)
            } catch {
                return .failure(.internalError("\(error)"))
            }
        }
        var values: [String: Any] = ["method": method.rawValue]
        var problems: [String] = []
        func take(_ part: TemplatePart, as name: String) {
            switch render(part) {
            case .success(let text): values[name] = text
            case .failure(let error): problems.append(error.message)
            }
        }
        switch method {
        case .email:
            take(.subject, as: "subject")
            take(.html, as: "html")
            if let html = values["html"] as? String { values["html"] = inlineImages(html, code: code) }
            if case .success(let text) = render(.text) { values["text"] = text }
        case .letter:
            take(.html, as: "html")
            values["note"] = "The letter's PDF is rendered when the comm is merged; this is its merged HTML."
        case .push:
            if case .success(let title) = render(.title) { values["subject"] = title }
            take(.body, as: "text")
        case .sms, .online, .external:
            take(.body, as: "text")
        }
        if !problems.isEmpty { values["problems"] = problems }
        return values
    }
}

/// The one-off form's values.
struct OneOffForm {
    var code: String?
    var method: DeliveryMethod?
    /// `customer:C-1`, `account:A-1` or `subscription:S-1`.
    var target: String?
    /// `f.<NAME>` inputs.
    var fields: [String: String]
    var reason: String?

    init(code: String?, method: DeliveryMethod?, target: String?, fields: [String: String], reason: String?) {
        self.code = code
        self.method = method
        self.target = target
        self.fields = fields
        self.reason = reason
    }

    init(_ form: FormFields) {
        code = form["code"]
        method = form["method"].flatMap(DeliveryMethod.init(rawValue:))
        target = form["target"]
        var fields: [String: String] = [:]
        for (name, value) in form.values where name.hasPrefix("f.") { fields[String(name.dropFirst(2))] = value }
        self.fields = fields
        reason = form["reason"]
    }

    var nonEmptyFields: [String: String] {
        fields.filter { !$0.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }

    /// The level chosen; the customer's own when none. An id that is not the customer's is
    /// refused by the store's look-up (the page lists only the customer's).
    func targetRef(customerId: String) throws -> TargetRef {
        guard let target else { return TargetRef(.customer, customerId) }
        let parts = target.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = TargetRef.Kind(rawValue: parts[0]), !parts[1].isEmpty else {
            throw HeraldError.invalid("target", "Choose the customer, one of its accounts or one of its subscriptions.")
        }
        return TargetRef(kind, parts[1])
    }
}

extension AgentView {
    /// The email's `cid:` images (code.json `email.inlineImages`, from the catalog's assets)
    /// as `data:` URLs, so a preview shows them as the email will.
    func inlineImages(_ html: String, code: CommsCode) -> String {
        var html = html
        for image in code.email?.inlineImages ?? [] {
            guard let id = image.contentId, let data = deps.catalog.asset(code: code.code, file: image.file) else { continue }
            let lower = image.file.lowercased()
            let type = lower.hasSuffix(".png") ? "image/png" : lower.hasSuffix(".gif") ? "image/gif"
                : (lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg")) ? "image/jpeg" : "application/octet-stream"
            html = html.replacingOccurrences(of: "cid:" + id, with: "data:\(type);base64," + data.base64EncodedString())
        }
        return html
    }
}
