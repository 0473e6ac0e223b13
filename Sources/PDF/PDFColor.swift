/// An sRGB colour with alpha, each component in `0...1` (values outside are clamped when written).
public struct PDFColor: Sendable, Equatable {
    /// Red component, `0...1`.
    public var red: Double
    /// Green component, `0...1`.
    public var green: Double
    /// Blue component, `0...1`.
    public var blue: Double
    /// Opacity, `0...1`; below 1 the writer emits an ExtGState with `/ca` and `/CA`.
    public var alpha: Double

    /// Creates a colour from components in `0...1`.
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// Opaque black.
    public static let black = PDFColor(red: 0, green: 0, blue: 0)
    /// Opaque white.
    public static let white = PDFColor(red: 1, green: 1, blue: 1)

    /// Components quantized to thousandths (the precision written to the file), clamped to 0...1000.
    var quantized: (red: Int, green: Int, blue: Int, alpha: Int) {
        (Self.milli(red), Self.milli(green), Self.milli(blue), Self.milli(alpha))
    }

    static func milli(_ value: Double) -> Int {
        guard value.isFinite else { return 0 }
        return Int((Swift.min(Swift.max(value, 0), 1) * 1000).rounded())
    }
}
