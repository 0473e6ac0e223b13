import Foundation
import HeraldCore
import Hummingbird

extension HeraldAPI {
    /// `POST /v1/external-triggers`, in either form:
    /// - the External Trigger schema of the system we re-build (version 1.0,
    ///   ``ExternalTriggerNotification``): its `triggerId` names a trigger configured in the
    ///   catalog, `channel` + `uniqueReference` (else `serialNumber`) identify the notification;
    ///   201 `{"triggerId", "uniqueReference", "eventId", "commsRequestIds"}`, the same
    ///   notification again a replay answered with 200;
    /// - Herald's own (version 2, ``ExternalTriggerInput``): 201 `{"triggerId", "eventId",
    ///   "commsRequestIds"}`; a repeated `triggerId` (from the same source) is a replay (200).
    func externalTrigger(_ call: Call) async throws -> Response {
        let data = try await bodies.collect(call.request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        if let object, ExternalTriggerNotification.isThisForm(object) {
            let n = try BodyReader.decode(ExternalTriggerNotification.self, from: data, shape: .externalNotification)
            let result = try await deps.intake.notification(n, bodyHash: n.canonicalHash, actor: call.actor)
            return try JSONResponse.make(
                TriggerResultRepresentation.notification(triggerId: n.triggerId ?? "", uniqueReference: n.uniqueReference,
                                                         eventId: result.eventId, requestIds: result.requestIds),
                status: result.replayed ? .ok : .created)
        }
        let input = try BodyReader.decode(ExternalTriggerInput.self, from: data, shape: .externalTrigger)
        if let version = input.version, version != 2 {
            throw HeraldError.invalid("version", "version must be 2 for this form (or 1.0 with the External Trigger schema), got \(version)")
        }
        let hash = try BodyReader.canonicalHash(input)
        let result = try await deps.intake.external(input, bodyHash: hash, actor: call.actor)
        return try JSONResponse.make(
            TriggerResultRepresentation.external(triggerId: input.triggerId ?? "", eventId: result.eventId, requestIds: result.requestIds),
            status: result.replayed ? .ok : .created)
    }
}
