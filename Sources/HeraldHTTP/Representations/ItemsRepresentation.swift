/// `{"items": [...]}`.
struct ItemsRepresentation<Item: Encodable>: Encodable {
    var items: [Item]
}
