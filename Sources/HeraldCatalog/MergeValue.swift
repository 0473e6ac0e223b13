import Mustache

/// One field value. Inside its own section it hides nothing (lookups fall through to the
/// fields), `{{.}}` renders it, and string transforms (`{{uppercased(X)}}`) apply to it.
struct MergeValue: MustacheParent, MustacheCustomRenderable, MustacheTransformable {
    var text: String

    func child(named name: String) -> Any? { nil }
    var renderText: String { text }
    var isNull: Bool { false }
    func transform(_ name: String) -> Any? { text.transform(name) }
}
