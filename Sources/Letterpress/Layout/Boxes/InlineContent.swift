import StyledHTML

/// One inline formatting context: its text already white-space-processed and shaped into a
/// flat array of entries (glyphs, spaces, inline box edges, atomic inlines, forced breaks)
/// that line breaking walks once.
final class InlineContent {
    var entries: [InlineEntry] = []
    /// The scalars glyphs stand for (text extraction), indexed by `InlineEntry.textStart`.
    var scalars: [Unicode.Scalar] = []
    var styles: [TextStyle] = []
    var boxes: [InlineBoxInfo] = []
    var atomics: [AtomicInline] = []
    /// The text style of the block itself (its strut).
    var rootStyle = 0
    /// Something besides collapsible white space and empty inline boxes.
    var hasContent = false
}

/// One item of an inline formatting context.
struct InlineEntry {
    enum Kind: UInt8 {
        /// A glyph of text.
        case glyph
        /// A (collapsible or preserved) space: a justification and break opportunity.
        case space
        /// U+00AD: invisible unless the line breaks after it.
        case softHyphen
        /// `<br>` or a preserved newline.
        case forcedBreak
        /// An image or inline-block (`index` into `atomics`).
        case atomic
        /// Start of an inline element (`index` into `boxes`).
        case open
        /// End of an inline element (`index` into `boxes`).
        case close
        /// U+200B and friends: a break opportunity without width.
        case zeroWidthBreak
    }

    static let breakAfter: UInt8 = 1
    static let clusterStart: UInt8 = 2
    static let preserved: UInt8 = 4

    var kind: Kind
    var flags: UInt8
    var glyph: UInt16 = 0
    /// Face slot in the `FontCache` (glyphs and spaces).
    var slot: Int32 = 0
    /// Text style (glyphs, spaces, breaks) or box / atomic index (open, close, atomic).
    var index: Int32
    /// Horizontal advance in points (kerning with the next glyph and letter-spacing included).
    var advance: Double
    /// Range of the cluster's text in `InlineContent.scalars`.
    var textStart: Int32 = 0
    var textCount: Int32 = 0

    @inline(__always) var canBreakAfter: Bool { flags & InlineEntry.breakAfter != 0 }
    @inline(__always) var isClusterStart: Bool { flags & InlineEntry.clusterStart != 0 }
    @inline(__always) var isPreserved: Bool { flags & InlineEntry.preserved != 0 }
}
