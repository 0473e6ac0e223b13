/// The keys a JSON body may contain, nested. A key outside the shape is refused with 422 naming
/// it, so a typo (`"commscode"`) is not silently ignored.
indirect enum KeyShape: Sendable {
    /// An object with exactly these keys (values of other JSON types are left to the decoder).
    case object([String: KeyShape])
    /// An array whose elements have this shape.
    case array(KeyShape)
    /// Anything (scalars, free-form maps such as `fields`).
    case any

    /// An object whose keys all hold free-form values.
    static func flat(_ keys: [String]) -> KeyShape {
        .object(Dictionary(uniqueKeysWithValues: keys.map { ($0, KeyShape.any) }))
    }

    /// The first key outside the shape, as a path (`preferences.quietHours.form`), or nil.
    func unknownKey(in value: Any, path: String = "") -> String? {
        switch self {
        case .any:
            return nil
        case .object(let allowed):
            guard let object = value as? [String: Any] else { return nil }
            for key in object.keys.sorted() {
                let keyPath = path.isEmpty ? key : "\(path).\(key)"
                guard let child = allowed[key] else { return keyPath }
                if let found = child.unknownKey(in: object[key]!, path: keyPath) { return found }
            }
            return nil
        case .array(let element):
            guard let array = value as? [Any] else { return nil }
            for (i, item) in array.enumerated() {
                if let found = element.unknownKey(in: item, path: "\(path)[\(i)]") { return found }
            }
            return nil
        }
    }
}
