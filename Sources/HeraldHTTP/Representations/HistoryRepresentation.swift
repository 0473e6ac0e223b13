import HeraldCore

/// One status change inside ``RequestRepresentation``.
struct HistoryRepresentation: JSONWritable {
    var entry: HistoryEntry

    init(_ entry: HistoryEntry) { self.entry = entry }

    func write(to json: inout JSONBuffer) {
        json.beginObject()
        json.key("actor"); json.string(entry.actor)
        json.key("at"); json.string(Timestamp.string(entry.at))
        json.key("entity"); json.string(entry.entity.rawValue)
        json.key("from"); json.string(entry.from)
        json.key("reason"); json.string(entry.reason)
        json.key("to"); json.string(entry.to)
        json.endObject()
    }
}
