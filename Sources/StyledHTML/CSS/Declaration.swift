/// One longhand declaration.
struct Declaration: Sendable, Equatable {
    var property: PropertyID
    var value: SpecifiedValue
    var important: Bool
}
