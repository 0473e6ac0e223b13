import StyledHTML

/// State shared by every stage of one layout: the font cache, the environment and the
/// warnings collected so far (each distinct warning once).
final class LayoutContext {
    let fonts: FontCache
    let environment: any LayoutEnvironment
    private(set) var warnings: [String] = []
    private var seen: Set<String> = []
    /// Content box of the first page: the containing block of absolutely positioned boxes
    /// and of percentages on the root.
    var pageContentWidth: Double
    var pageContentHeight: Double
    /// The smallest content height of any page (decides whether an "avoid" block can fit).
    var minimumPageContentHeight: Double
    /// Resolved text styles shared by every inline formatting context of the document.
    var textStyles: [TextStyle] = []
    var textStyleIndex: [TextStyleKey: Int] = [:]
    /// Intrinsic image sizes in points, by source.
    var imageSizes: [String: (width: Double, height: Double)] = [:]

    init(environment: any LayoutEnvironment, pageContentWidth: Double, pageContentHeight: Double,
         minimumPageContentHeight: Double) {
        self.environment = environment
        fonts = FontCache(environment: environment)
        self.pageContentWidth = pageContentWidth
        self.pageContentHeight = pageContentHeight
        self.minimumPageContentHeight = minimumPageContentHeight
    }

    /// Records a warning once.
    func warn(_ message: String) {
        if seen.insert(message).inserted { warnings.append(message) }
    }

    /// A finite, clamped number of points (NaN and infinities become `fallback`).
    @inline(__always)
    static func sane(_ value: Double, fallback: Double = 0, limit: Double = 1_000_000) -> Double {
        guard value.isFinite else { return fallback }
        return min(max(value, -limit), limit)
    }

    /// Resolves a length against a base for percentages; `auto`/`none` give `fallback`.
    @inline(__always)
    static func resolve(_ length: ComputedStyle.Length, base: Double, fallback: Double = 0) -> Double {
        switch length {
        case .points(let value): return sane(value)
        case .percent(let value): return sane(value * base / 100)
        case .auto, .none: return fallback
        }
    }

    /// Resolves a length, nil for `auto`/`none` (and percentages when there is no base).
    @inline(__always)
    static func resolveOptional(_ length: ComputedStyle.Length, base: Double?) -> Double? {
        switch length {
        case .points(let value): return sane(value)
        case .percent(let value):
            guard let base else { return nil }
            return sane(value * base / 100)
        case .auto, .none: return nil
        }
    }
}
