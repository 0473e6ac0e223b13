import Foundation
import HeraldCore
import Hummingbird

extension HeraldAPI {
    /// The statuses an SMS gateway may report, and what each becomes.
    static let smsStatusOutcomes: [String: DeliveryReport.Outcome] = [
        "delivered": .delivered,
        "undeliverable": .undeliverable, "failed": .undeliverable, "expired": .undeliverable, "rejected": .undeliverable,
    ]

    /// The most reports one callback may carry.
    static let maxSMSStatusReports = 1_000

    /// `POST /v1/inbound/sms-status/{route}`: an SMS gateway's status callback,
    /// `{"id", "status", "at"?, "error"?}` or an array of them. Each report is matched by the
    /// provider message id kept as the sent SMS's reference → `delivered`, or `undeliverable`
    /// with the status and error; an unmatched one is kept (applied if the id is recorded
    /// later). 200 `{"results": [{"id", "result", "distributionId"?}]}`; an unknown route is 404.
    func smsStatus(_ call: Call) async throws -> Response {
        let route = try call.parameter("route")
        guard deps.smsStatusRoutes.contains(route) else {
            throw HeraldError.notFound("no SMS gateway route '\(route)'", field: "route")
        }
        let body = try await bodies.collect(call.request)
        let reports = try Self.smsStatusReports(body, now: now)
        let results = try await store.applyDeliveryReports(reports, actor: call.actor)
        let items = zip(reports, results).map { report, result in
            switch result {
            case .applied(_, let id):
                SMSStatusResultRepresentation.Item(id: report.reference, result: "applied", distributionId: id)
            case .alreadyFinal(_, let id):
                SMSStatusResultRepresentation.Item(id: report.reference, result: "alreadyFinal", distributionId: id)
            case .unmatched:
                SMSStatusResultRepresentation.Item(id: report.reference, result: "unmatched", distributionId: nil)
            }
        }
        return try JSONResponse.make(SMSStatusResultRepresentation(results: items))
    }

    /// The delivery reports of a status callback body; a bad report is a 422 naming its field
    /// (`status`, `[1].id`).
    static func smsStatusReports(_ body: Data, now: Date) throws -> [DeliveryReport] {
        if body.isEmpty { throw Problem.badRequest("a JSON body is required") }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        } catch {
            throw Problem.badRequest("the body is not valid JSON")
        }
        let items: [(prefix: String, value: Any)]
        if let array = parsed as? [Any] {
            guard !array.isEmpty else { throw HeraldError.invalid("body", "the body is an empty array: send at least one status report") }
            guard array.count <= maxSMSStatusReports else {
                throw HeraldError.invalid("body", "at most \(maxSMSStatusReports) status reports per call, got \(array.count)")
            }
            items = array.enumerated().map { ("[\($0.offset)].", $0.element) }
        } else {
            items = [("", parsed)]
        }
        return try items.map { prefix, value in
            func field(_ name: String) -> String { prefix + name }
            guard let object = value as? [String: Any] else {
                throw HeraldError.invalid(prefix.isEmpty ? "body" : String(prefix.dropLast()),
                                          "a status report must be a JSON object {\"id\", \"status\", \"at\"?, \"error\"?}")
            }
            let known: Set<String> = ["id", "status", "at", "error"]
            if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
                throw HeraldError.invalid(field(unknown), "unknown field '\(field(unknown))'")
            }
            guard let id = object["id"] as? String, !id.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw HeraldError.invalid(field("id"), "'\(field("id"))' is required: the provider message id, a non-empty string")
            }
            guard let status = object["status"] as? String, let outcome = smsStatusOutcomes[status.lowercased()] else {
                throw HeraldError.invalid(field("status"),
                                          "'\(field("status"))' must be delivered, undeliverable, failed, expired or rejected")
            }
            var at = now
            if let value = object["at"], !(value is NSNull) {
                guard let text = value as? String, let date = parseTimestamp(text) else {
                    throw HeraldError.invalid(field("at"), "'\(field("at"))' must be an ISO-8601 date-time such as 2026-11-27T14:01:01Z")
                }
                at = date
            }
            var error: String?
            if let value = object["error"], !(value is NSNull) {
                guard let text = value as? String else {
                    throw HeraldError.invalid(field("error"), "'\(field("error"))' must be a string")
                }
                error = text.isEmpty ? nil : String(text.prefix(500))
            }
            let detail = "status:\(status.lowercased())" + (error.map { " error:\($0)" } ?? "")
            return DeliveryReport(method: .sms, reference: id.trimmingCharacters(in: .whitespaces), outcome: outcome, at: at,
                                  detail: detail)
        }
    }

    /// An ISO-8601 date-time with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }
}
