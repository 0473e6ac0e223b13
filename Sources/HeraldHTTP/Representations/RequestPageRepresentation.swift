import HeraldCore

/// `GET /v1/comms-requests`: `{"items": [...], "nextCursor": "…" | null}`.
struct RequestPageRepresentation: Encodable {
    var page: RequestPage

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(page.items.map(RequestRepresentation.init), forKey: "items")
        try c.encode(page.nextCursor, forKey: "nextCursor")
    }
}
