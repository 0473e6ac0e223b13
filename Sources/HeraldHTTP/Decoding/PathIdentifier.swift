import HeraldCore

/// Checks of the `{id}` of a PUT path against an `id` repeated in the body.
enum PathIdentifier {
    static func check(_ pathId: String, body: String?) throws(HeraldError) {
        guard !pathId.isEmpty, pathId.count <= 128 else { throw .invalid("id", "the id must be 1 to 128 characters") }
        if let body, body != pathId {
            throw .invalid("id", "the body's id '\(body)' differs from the path's '\(pathId)'")
        }
    }
}
