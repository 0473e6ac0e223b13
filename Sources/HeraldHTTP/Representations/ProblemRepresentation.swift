import HeraldCore

/// One recorded problem (`errors`) inside ``RequestRepresentation``.
struct ProblemRepresentation: Encodable {
    var problem: RequestProblem

    init(_ problem: RequestProblem) { self.problem = problem }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(problem.kind.rawValue, forKey: "kind")
        try c.encode(problem.reason, forKey: "reason")
        try c.encode(Timestamp.string(problem.at), forKey: "at")
    }
}
