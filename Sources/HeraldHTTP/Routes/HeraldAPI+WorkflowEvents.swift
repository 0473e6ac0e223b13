import HeraldCore
import Hummingbird

extension HeraldAPI {
    /// `POST /v1/workflow-events`: 201 `{"id", "commsRequestIds"}`, 200 on an idempotent replay.
    func raiseEvent(_ call: Call) async throws -> Response {
        let input = try await bodies.decode(WorkflowEventInput.self, from: call.request, shape: .workflowEvent)
        let idempotency = try idempotency(call, hashing: input)
        let result = try await deps.intake.raise(input, idempotency: idempotency, actor: call.actor)
        return try JSONResponse.make(TriggerResultRepresentation.event(id: result.eventId, requestIds: result.requestIds),
                                     status: result.replayed ? .ok : .created)
    }

    /// `POST /v1/workflow-events/{id}/resolve`: waiting requests become awaitingProcessing.
    func resolveEvent(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        try await requireOpenEvent(id)
        let ids = try await deps.intake.resolveEvent(id: id, actor: call.actor)
        return try await eventChanged(id, ids)
    }

    /// `POST /v1/workflow-events/{id}/cancel`: waiting requests become cancelled.
    func cancelEvent(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        try await requireOpenEvent(id)
        let ids = try await deps.intake.cancelEvent(id: id, actor: call.actor)
        return try await eventChanged(id, ids)
    }

    private func requireOpenEvent(_ id: String) async throws {
        guard let event = try await store.workflowEvent(id: id) else {
            throw HeraldError.notFound("no workflow event \(id)", field: "id")
        }
        guard event.state == .open else {
            throw HeraldError.conflict("workflow event \(id) is \(event.state.rawValue), not open")
        }
    }

    private func eventChanged(_ id: String, _ requestIds: [String]) async throws -> Response {
        let state = try await store.workflowEvent(id: id)?.state.rawValue ?? "unknown"
        return try JSONResponse.make(TriggerResultRepresentation.eventChange(id: id, state: state, requestIds: requestIds))
    }
}
