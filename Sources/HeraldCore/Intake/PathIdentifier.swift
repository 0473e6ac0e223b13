/// Checks the id of a customer-data record (`PUT /v1/customers/{id}`, an import line) against an
/// `id` repeated in the body.
public enum PathIdentifier {
    public static func check(_ pathId: String, body: String?) throws(HeraldError) {
        guard !pathId.isEmpty, pathId.count <= 128 else { throw .invalid("id", "the id must be 1 to 128 characters") }
        if let body, body != pathId {
            throw .invalid("id", "the body's id '\(body)' differs from the path's '\(pathId)'")
        }
    }
}
