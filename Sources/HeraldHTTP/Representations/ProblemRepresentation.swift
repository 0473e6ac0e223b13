import HeraldCore

/// One recorded problem (`errors`) inside ``RequestRepresentation``.
struct ProblemRepresentation: JSONWritable {
    var problem: RequestProblem

    init(_ problem: RequestProblem) { self.problem = problem }

    func write(to json: inout JSONBuffer) {
        json.beginObject()
        json.key("at"); json.string(Timestamp.string(problem.at))
        json.key("kind"); json.string(problem.kind.rawValue)
        json.key("reason"); json.string(problem.reason)
        json.endObject()
    }
}
