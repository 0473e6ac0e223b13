/// The small answers of trigger endpoints: `{"id", "commsRequestIds"}` for a workflow event,
/// `{"id", "state", "commsRequestIds"}` after resolve/cancel, and
/// `{"triggerId", "eventId", "commsRequestIds"}` for an external trigger.
struct TriggerResultRepresentation: Encodable {
    var keyed: [(key: String, value: String?)]
    var commsRequestIds: [String]

    static func event(id: String?, requestIds: [String]) -> Self {
        Self(keyed: [("id", id)], commsRequestIds: requestIds)
    }

    static func eventChange(id: String, state: String, requestIds: [String]) -> Self {
        Self(keyed: [("id", id), ("state", state)], commsRequestIds: requestIds)
    }

    static func external(triggerId: String, eventId: String?, requestIds: [String]) -> Self {
        Self(keyed: [("triggerId", triggerId), ("eventId", eventId)], commsRequestIds: requestIds)
    }

    static func notification(triggerId: String, uniqueReference: String?, eventId: String?, requestIds: [String]) -> Self {
        Self(keyed: [("triggerId", triggerId), ("uniqueReference", uniqueReference), ("eventId", eventId)], commsRequestIds: requestIds)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        for (key, value) in keyed { try c.encode(value, forKey: JSONKey(key)) }
        try c.encode(commsRequestIds, forKey: "commsRequestIds")
    }
}
