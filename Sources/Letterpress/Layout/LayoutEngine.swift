import StyledHTML

/// Lays out a styled document into pages of positioned display items.
///
/// The flow is laid out once, continuously, at the first page's content width; pagination
/// then slices it into pages (never splitting a line box or a table row, honouring forced
/// breaks, `page-break-inside: avoid`, orphans and widows, repeating table headers), places
/// absolutely positioned boxes against their page's content box, and finally lays out the
/// page margin boxes with `counter(page)` and `counter(pages)`. Everything is linear in the
/// size of the document.
public struct LayoutEngine: Sendable {
    /// The most pages a document may produce before layout throws.
    public var maxPages: Int

    /// An engine that throws past `maxPages` pages (at least 1).
    public init(maxPages: Int = 10_000) {
        self.maxPages = max(1, maxPages)
    }

    /// Lays out `document` with fonts and image sizes from `environment`.
    /// - Throws: `LayoutError.tooManyPages`, or the environment's error for a missing image.
    public func layOut(_ document: StyledDocument, environment: some LayoutEnvironment) throws -> LayoutResult {
        let placeholder = LayoutContext(environment: environment, pageContentWidth: 0, pageContentHeight: 0,
                                        minimumPageContentHeight: 0)
        let first = PageGeometry(document.pages.first, context: placeholder)
        let rest = PageGeometry(document.pages.default, context: placeholder)
        let context = LayoutContext(environment: environment, pageContentWidth: first.contentWidth,
                                    pageContentHeight: first.contentHeight,
                                    minimumPageContentHeight: min(first.contentHeight, rest.contentHeight))
        for warning in placeholder.warnings { context.warn(warning) }
        if abs(first.contentWidth - rest.contentWidth) > 0.5 {
            context.warn("the first page's content box is \(Int(first.contentWidth))pt wide and the others \(Int(rest.contentWidth))pt; all pages use the first page's width")
        }
        let root = BoxTreeBuilder(context: context).build(root: document.root)
        let layout = FlowLayout(context: context)
        let result = try layout.layoutBlock(root, containingWidth: first.contentWidth, containingHeight: nil)
        let flattener = FlowFlattener(avoidLimit: context.minimumPageContentHeight)
        flattener.flatten(result.fragment, x: result.marginLeft, y: result.marginTop.value)
        let slices = try Paginator.paginate(flattener, capacity: { $0 == 0 ? first.contentHeight : rest.contentHeight },
                                            maximumPages: maxPages, context: context)
        let assembler = PageAssembler(context: context, layout: layout, flow: flattener, slices: slices,
                                      first: first, rest: rest)
        let pages = try assembler.assemble()
        return LayoutResult(pages: pages, warnings: context.warnings)
    }
}
