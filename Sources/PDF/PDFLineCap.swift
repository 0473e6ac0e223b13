/// How the ends of stroked lines are drawn.
public enum PDFLineCap: Int, Sendable, Equatable {
    /// Square end at the end point (PDF default).
    case butt = 0
    /// Semicircle around the end point; with dash `[0, 2w]` gives round dots.
    case round = 1
    /// Square end projecting half the line width beyond the end point.
    case square = 2
}
