import Mustache

/// The render context: a flat field dictionary in which empty values count as absent, so that
/// `{{#OFFERCODE}}…{{/OFFERCODE}}` renders only when the field has a value.
struct MergeFields: MustacheParent {
    var values: [String: String]

    func child(named name: String) -> Any? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return MergeValue(text: value)
    }
}
