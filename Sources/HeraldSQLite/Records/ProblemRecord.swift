import Foundation
import GRDB
import HeraldCore

/// A row of `request_problems`: not-sent reasons and errors shown to agents.
struct ProblemRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "request_problems"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case id, requestId = "request_id", kind, reason, at
    }

    var id: Int64?
    var requestId: String
    var kind: String
    var reason: String
    var at: Int64

    var model: RequestProblem {
        RequestProblem(kind: RequestProblem.Kind(rawValue: kind) ?? .error, reason: reason, at: Millis.date(at))
    }
}
