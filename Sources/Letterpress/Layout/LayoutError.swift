/// Why a layout failed.
public enum LayoutError: Error, Equatable, CustomStringConvertible {
    /// The document needs more pages than the engine's `maxPages`.
    case tooManyPages(limit: Int)

    /// A message naming the limit.
    public var description: String {
        switch self {
        case .tooManyPages(let limit): "layout: the document needs more than \(limit) pages"
        }
    }
}
