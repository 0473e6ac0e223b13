import HeraldCore
import Hummingbird

extension HeraldAPI {
    /// `POST /v1/external-triggers`: 201 `{"triggerId", "eventId", "commsRequestIds"}`; a
    /// repeated `triggerId` (from the same source) is a replay answered with 200.
    func externalTrigger(_ call: Call) async throws -> Response {
        let input = try await bodies.decode(ExternalTriggerInput.self, from: call.request, shape: .externalTrigger)
        let hash = try BodyReader.canonicalHash(input)
        let result = try await deps.intake.external(input, bodyHash: hash, actor: call.actor)
        return try JSONResponse.make(
            TriggerResultRepresentation.external(triggerId: input.triggerId ?? "", eventId: result.eventId, requestIds: result.requestIds),
            status: result.replayed ? .ok : .created)
    }
}
