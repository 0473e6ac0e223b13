import StyledHTML

/// What the layout produces and the painter draws: pages of positioned items.
///
/// Coordinates are points with the origin at the page's **top-left** corner and y growing
/// downwards (the painter flips them for PDF). Every item is absolute on its page.
public struct LaidOutPage: Sendable {
    public var width: Double
    public var height: Double
    public var items: [DisplayItem]
    public init(width: Double, height: Double, items: [DisplayItem] = []) {
        self.width = width
        self.height = height
        self.items = items
    }
}

/// One thing to draw, in painting order (backgrounds, then borders, then content).
public enum DisplayItem: Sendable {
    /// A filled rectangle (backgrounds).
    case fill(Rect, Color)
    /// A straight line (borders, rules, underlines); `style` decides solid, dashed or dotted.
    case line(from: Point, to: Point, width: Double, color: Color, style: ComputedStyle.BorderStyle)
    /// Glyphs of one font at one size and colour on one baseline.
    case text(TextRun)
    /// An image (`src` exactly as written in the document) scaled into `Rect`.
    case image(source: String, Rect)
    /// A clickable area pointing at `uri` (from `<a href>`).
    case link(Rect, uri: String)
}

public struct Point: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

public struct Rect: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
}

/// A run of glyphs sharing font, size and colour, on one baseline.
public struct TextRun: Sendable {
    public var font: FontID
    /// Points.
    public var size: Double
    public var color: Color
    /// Start of the baseline.
    public var origin: Point
    /// Glyphs with their x offsets from `origin.x` (kerning, letter-spacing and justification
    /// already applied).
    public var glyphs: [PlacedGlyph]
    public init(font: FontID, size: Double, color: Color, origin: Point, glyphs: [PlacedGlyph]) {
        self.font = font
        self.size = size
        self.color = color
        self.origin = origin
        self.glyphs = glyphs
    }
}

public struct PlacedGlyph: Sendable, Equatable {
    /// Glyph id in the font (0 = .notdef).
    public var id: UInt16
    /// Offset of the glyph's origin from the run's origin, points.
    public var x: Double
    /// The text this glyph stands for (one grapheme's scalars), for text extraction.
    public var text: String
    public init(id: UInt16, x: Double, text: String) {
        self.id = id
        self.x = x
        self.text = text
    }
}

/// A font chosen by the layout: an index into the document's font set.
public struct FontID: Sendable, Hashable {
    public var index: Int
    public init(_ index: Int) { self.index = index }
}
