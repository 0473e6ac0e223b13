/// One attribute of a start tag, name lower-cased, value with entities decoded.
struct HTMLAttribute: Sendable, Equatable {
    var name: String
    var value: String
}
