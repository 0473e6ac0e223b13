import StyledHTML

/// A page's size, margins and content box in points.
struct PageGeometry {
    var width: Double
    var height: Double
    var margin: Edges<Double>
    var style: PageStyle

    init(_ style: PageStyle, context: LayoutContext) {
        self.style = style
        var width = LayoutContext.sane(style.width, fallback: 595.276, limit: 100_000)
        var height = LayoutContext.sane(style.height, fallback: 841.89, limit: 100_000)
        if width < 1 || height < 1 {
            context.warn("page size \(style.width)x\(style.height)pt is unusable; A4 used instead")
            width = 595.276
            height = 841.89
        }
        // PDF viewers refuse pages outside 3–14,400 units (ISO 32000-1, annex C).
        if width < 3 || height < 3 || width > 14_400 || height > 14_400 {
            context.warn("page size \(width)x\(height)pt is outside the 3–14400pt PDF allows; it was clamped")
            width = min(max(width, 3), 14_400)
            height = min(max(height, 3), 14_400)
        }
        self.width = width
        self.height = height
        func resolve(_ length: ComputedStyle.Length) -> Double {
            max(0, LayoutContext.resolve(length, base: width))
        }
        var margin = Edges(top: resolve(style.margin.top), right: resolve(style.margin.right),
                           bottom: resolve(style.margin.bottom), left: resolve(style.margin.left))
        if margin.left + margin.right > width - 1 {
            context.warn("page margins are wider than the page; they were scaled down")
            let scale = (width * 0.8) / max(margin.left + margin.right, 1)
            margin.left *= scale
            margin.right *= scale
        }
        if margin.top + margin.bottom > height - 10 {
            context.warn("page margins are taller than the page; they were scaled down")
            let scale = (height * 0.8) / max(margin.top + margin.bottom, 1)
            margin.top *= scale
            margin.bottom *= scale
        }
        self.margin = margin
    }

    var contentX: Double { margin.left }
    var contentY: Double { margin.top }
    var contentWidth: Double { max(0, width - margin.left - margin.right) }
    var contentHeight: Double { max(1, height - margin.top - margin.bottom) }
}
