/// One line box: its items in line-local coordinates (origin at the line's top-left).
final class LineFragment {
    var x: Double
    var y: Double
    var width: Double
    var height: Double
    /// Baseline distance from the line's top.
    var baseline: Double
    var items: [DisplayItem]
    /// Inline-blocks, positioned relative to the line's origin.
    var boxes: [BoxFragment]

    init(x: Double, y: Double, width: Double, height: Double, baseline: Double, items: [DisplayItem], boxes: [BoxFragment]) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.baseline = baseline
        self.items = items
        self.boxes = boxes
    }
}
