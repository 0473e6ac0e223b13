/// A parsed and styled HTML document: what the layout consumes.
public struct StyledDocument: Sendable {
    /// The root element (`html`), with `head` content dropped from the render tree
    /// (`display: none`) but `title` kept in `title`.
    public var root: StyledNode
    /// `<title>` text, if any (becomes the PDF's Title).
    public var title: String?
    /// `<meta name=… content=…>` pairs (author, subject, keywords, …).
    public var meta: [String: String]
    /// The effective `@page` rules: `default` for every page, `first` for page 1 (already
    /// merged over `default`, so it is complete on its own).
    public var pages: PageStyles
    /// `@font-face` rules in source order.
    public var fontFaces: [FontFace]
    /// Everything that was tolerated but ignored: unknown properties, invalid values,
    /// misnested tags that were repaired. Human-readable, with a line number where known.
    public var warnings: [String]

    public init(root: StyledNode, title: String?, meta: [String: String], pages: PageStyles,
                fontFaces: [FontFace], warnings: [String]) {
        self.root = root
        self.title = title
        self.meta = meta
        self.pages = pages
        self.fontFaces = fontFaces
        self.warnings = warnings
    }
}

/// One node of the styled tree. Elements carry their tag (lower-cased), attributes and
/// computed style; text nodes carry their text (entities decoded, whitespace NOT yet collapsed:
/// collapsing depends on `white-space`, which the layout applies) and the style of their parent.
public final class StyledNode: Sendable {
    public enum Kind: Sendable {
        case element(tag: String, attributes: [String: String])
        case text(String)
    }
    public let kind: Kind
    public let style: ComputedStyle
    public let children: [StyledNode]

    public init(kind: Kind, style: ComputedStyle, children: [StyledNode]) {
        self.kind = kind
        self.style = style
        self.children = children
    }

    /// The tag name for elements, nil for text.
    public var tag: String? {
        if case .element(let tag, _) = kind { return tag }
        return nil
    }

    /// An attribute value for elements (name lower-cased), nil for text or when absent.
    public func attribute(_ name: String) -> String? {
        if case .element(_, let attributes) = kind { return attributes[name] }
        return nil
    }
}

/// `@page` styles for the first page and the rest.
public struct PageStyles: Sendable, Equatable {
    public var `default`: PageStyle
    public var first: PageStyle
    public init(default: PageStyle, first: PageStyle) {
        self.default = `default`
        self.first = first
    }
}

/// One page's geometry and margin boxes.
public struct PageStyle: Sendable, Equatable {
    /// Page size in points (A4 = 595.276 × 841.89 by default; `landscape` swaps).
    public var width: Double
    public var height: Double
    /// Page margins; `percent` is of the page width, as CSS says.
    public var margin: Edges<ComputedStyle.Length>
    /// Margin boxes that have content, by position.
    public var marginBoxes: [MarginBoxPosition: MarginBox]

    public init(width: Double = 595.276, height: Double = 841.89,
                margin: Edges<ComputedStyle.Length> = Edges(.points(72)),
                marginBoxes: [MarginBoxPosition: MarginBox] = [:]) {
        self.width = width
        self.height = height
        self.margin = margin
        self.marginBoxes = marginBoxes
    }
}

public enum MarginBoxPosition: String, Sendable, Equatable, Hashable, CaseIterable {
    case topLeft = "top-left", topCenter = "top-center", topRight = "top-right"
    case bottomLeft = "bottom-left", bottomCenter = "bottom-center", bottomRight = "bottom-right"
}

/// A margin box: its `content` and its own style (font, color, text-align, …, inherited from
/// the page context, which inherits from the root element's defaults).
public struct MarginBox: Sendable, Equatable {
    public var content: [ContentPart]
    public var style: ComputedStyle
    public init(content: [ContentPart], style: ComputedStyle) {
        self.content = content
        self.style = style
    }
}

/// A piece of a `content:` value.
public enum ContentPart: Sendable, Equatable {
    case string(String)
    /// `counter(page)`.
    case pageNumber
    /// `counter(pages)`.
    case pageCount
}

/// An `@font-face` rule.
public struct FontFace: Sendable, Equatable {
    /// Lower-cased family name.
    public var family: String
    /// 100…900.
    public var weight: Int
    public var style: ComputedStyle.FontStyle
    /// The first `url(...)` of `src`, as written (relative to the assets folder).
    public var source: String
    public init(family: String, weight: Int, style: ComputedStyle.FontStyle, source: String) {
        self.family = family
        self.weight = weight
        self.style = style
        self.source = source
    }
}
