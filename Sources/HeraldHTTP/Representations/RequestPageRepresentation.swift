import HeraldCore

/// `GET /v1/comms-requests`: `{"items": [...], "nextCursor": "…" | null}`.
struct RequestPageRepresentation: JSONWritable {
    var page: RequestPage

    func write(to json: inout JSONBuffer) {
        json.beginObject()
        json.key("items")
        json.beginArray()
        for item in page.items { RequestRepresentation(item).write(to: &json) }
        json.endArray()
        json.key("nextCursor"); json.string(page.nextCursor)
        json.endObject()
    }
}
