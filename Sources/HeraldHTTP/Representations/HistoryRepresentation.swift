import HeraldCore

/// One status change inside ``RequestRepresentation``.
struct HistoryRepresentation: Encodable {
    var entry: HistoryEntry

    init(_ entry: HistoryEntry) { self.entry = entry }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(entry.entity.rawValue, forKey: "entity")
        try c.encode(entry.from, forKey: "from")
        try c.encode(entry.to, forKey: "to")
        try c.encode(Timestamp.string(entry.at), forKey: "at")
        try c.encode(entry.actor, forKey: "actor")
        try c.encode(entry.reason, forKey: "reason")
    }
}
