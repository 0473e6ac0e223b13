import Foundation
import HeraldCore
import Hummingbird

extension HeraldAPI {
    /// The most updates one call may carry.
    static let maxStatusUpdates = 1000

    /// `POST /v1/status-updates` (role `status-update`): a JSON array of up to 1,000 updates,
    /// answered `200 {"items": [{"updateId", "result", "detail"}]}` in the same order. Each item
    /// stands alone: a malformed one is `invalid` naming its field, the others are applied.
    func statusUpdates(_ call: Call) async throws -> Response {
        let data = try await bodies.collect(call.request)
        guard let parsed = try? JSONSerialization.jsonObject(with: data) else { throw Problem.badRequest("the body is not valid JSON") }
        guard let array = parsed as? [Any] else { throw Problem.badRequest("the body must be a JSON array of status updates") }
        guard array.count <= Self.maxStatusUpdates else {
            throw HeraldError.invalid(nil, "at most \(Self.maxStatusUpdates) status updates per call, got \(array.count)")
        }
        var results = [StatusUpdateResult?](repeating: nil, count: array.count)
        var valid: [(Int, StatusUpdate)] = []
        valid.reserveCapacity(array.count)
        for (i, element) in array.enumerated() {
            do {
                valid.append((i, try StatusUpdateInput.parse(element, position: "[\(i)]")))
            } catch {
                let id = (element as? [String: Any])?["updateId"] as? String ?? ""
                results[i] = StatusUpdateResult(updateId: id, result: .invalid, detail: Self.named(error))
            }
        }
        let principal = call.principal
        let scope = call.actor
        let actor = principal?.system.map { "system:\($0)" } ?? call.actor
        let catalog = deps.catalog
        // Only a key limited to one system checks each comm's code.
        let permit: (@Sendable (String, DeliveryMethod) -> String?)? = principal?.system.map { system in
            { code, _ in
                let owner = catalog.code(code)?.externalSystem
                return owner == system ? nil : "this key reports for \(system); comms code \(code) goes to \(owner.map { "system \($0)" } ?? "no external system")"
            }
        }
        let applied = try await store.applyStatusUpdates(valid.map(\.1), scope: scope, actor: actor, permit: permit)
        for ((i, _), result) in zip(valid, applied) { results[i] = result }
        return try JSONResponse.make(StatusUpdateResultsRepresentation(items: results.compactMap { $0 }))
    }
}

extension HeraldAPI {
    /// An item's refusal naming its field first: `[5].requestId: requestId or reference is required`.
    static func named(_ error: any Error) -> String {
        guard let error = error as? HeraldError else { return "\(error)" }
        return error.field.map { "\($0): \(error.message)" } ?? error.message
    }
}

/// `{"items": [{"updateId", "result", "detail", "requestId"}]}`.
struct StatusUpdateResultsRepresentation: Encodable {
    var items: [StatusUpdateResult]

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        var list = c.nestedUnkeyedContainer(forKey: "items")
        for item in items {
            var o = list.nestedContainer(keyedBy: JSONKey.self)
            try o.encode(item.updateId, forKey: "updateId")
            try o.encode(item.result.rawValue, forKey: "result")
            try o.encode(item.detail, forKey: "detail")
            try o.encode(item.requestId, forKey: "requestId")
        }
    }
}
