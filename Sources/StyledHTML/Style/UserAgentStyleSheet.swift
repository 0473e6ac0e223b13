/// The default style sheet, modelled on browsers' for the elements a letter uses, adapted to
/// paged media (no body margin: pages have margins).
enum UserAgentStyleSheet {
    static let css = """
    html, address, blockquote, body, center, dd, details, dialog, dir, div, dl, dt, fieldset,
    figcaption, figure, footer, form, h1, h2, h3, h4, h5, h6, header, hgroup, hr, legend, listing,
    main, menu, nav, ol, p, plaintext, pre, search, section, summary, ul, xmp, article, aside,
    optgroup { display: block }
    head, style, script, title, meta, link, base, basefont, template, noscript, noframes, area,
    datalist, param, rp, [hidden] { display: none }
    li { display: list-item }
    table { display: table; border-spacing: 2px; border-collapse: separate }
    caption { display: table-caption; text-align: center }
    colgroup { display: table-column-group }
    col { display: table-column }
    thead { display: table-header-group; vertical-align: middle }
    tbody { display: table-row-group; vertical-align: middle }
    tfoot { display: table-footer-group; vertical-align: middle }
    tr { display: table-row; vertical-align: inherit }
    td, th { display: table-cell; vertical-align: inherit; padding: 1px }
    th { font-weight: bold; text-align: center }
    body { margin: 0 }
    p { margin: 1em 0 }
    blockquote, figure { margin: 1em 40px }
    dl { margin: 1em 0 }
    dd { margin-left: 40px }
    h1, h2, h3, h4, h5, h6 { font-weight: bold }
    h1 { font-size: 2em; margin: .67em 0 }
    h2 { font-size: 1.5em; margin: .83em 0 }
    h3 { font-size: 1.17em; margin: 1em 0 }
    h4 { font-size: 1em; margin: 1.33em 0 }
    h5 { font-size: .83em; margin: 1.67em 0 }
    h6 { font-size: .67em; margin: 2.33em 0 }
    ul, ol, menu, dir { margin: 1em 0; padding-left: 40px }
    ul, menu, dir { list-style-type: disc }
    ol { list-style-type: decimal }
    ul ul, ol ul, menu ul, ul menu { list-style-type: circle }
    ul ul ul, ul ol ul, ol ul ul, ol ol ul { list-style-type: square }
    ul ul, ul ol, ol ul, ol ol { margin-top: 0; margin-bottom: 0 }
    b, strong { font-weight: bold }
    i, em, cite, var, dfn, address { font-style: italic }
    u, ins { text-decoration: underline }
    s, strike, del { text-decoration: line-through }
    small { font-size: smaller }
    big { font-size: larger }
    sub { vertical-align: sub; font-size: smaller }
    sup { vertical-align: super; font-size: smaller }
    pre, xmp, listing, plaintext { white-space: pre; font-family: monospace; margin: 1em 0 }
    code, kbd, samp, tt { font-family: monospace }
    textarea { white-space: pre-wrap }
    hr { border: 1px solid gray; margin: .5em 0 }
    a:link { color: blue; text-decoration: underline }
    center { text-align: center }
    nobr { white-space: nowrap }
    """

    /// Parsed once per process.
    static let sheet: StyleSheet = CSSParser.parseStyleSheet(css)
}
