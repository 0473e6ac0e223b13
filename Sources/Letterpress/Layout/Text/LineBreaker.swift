/// Greedy line breaking over an inline formatting context's entries.
///
/// Breaks at the last opportunity (after spaces, hyphens, dashes, slashes, soft hyphens,
/// around images) that keeps the line within the available width; a cluster that does not
/// fit on an otherwise empty line goes there anyway, and a word longer than the line is
/// broken between clusters. One pass: entries after a break are scanned again at most once.
enum LineBreaker {
    /// One line: entries `start..<end`; `forced` when it ends with `<br>` or a newline;
    /// `hyphenIndex` is the soft hyphen it broke at (-1 if none).
    struct Span {
        var start: Int
        var end: Int
        var forced: Bool
        var hyphenIndex: Int
    }

    static let epsilon = 1e-6

    static func breakLines(_ content: InlineContent, width: Double, indent: Double) -> [Span] {
        let styles = content.styles
        let atomics = content.atomics
        return content.entries.withUnsafeBufferPointer { entries -> [Span] in
            var spans: [Span] = []
            let count = entries.count
            var start = 0
            while start < count {
                let available = width - (spans.isEmpty ? indent : 0)
                var used = 0.0
                var hasContent = false
                var lastBreak = -1
                var index = start
                var end = count
                var forced = false
                var hyphenIndex = -1
                var overflowAt = -1
                scan: while index < count {
                    let entry = entries[index]
                    switch entry.kind {
                    case .forcedBreak:
                        end = index + 1
                        forced = true
                        break scan
                    case .space:
                        if entry.isPreserved {
                            used += entry.advance
                            if !styles[Int(entry.index)].wraps { hasContent = true }
                        } else if hasContent {
                            used += entry.advance
                        }
                        if entry.canBreakAfter && hasContent { lastBreak = index }
                    case .glyph:
                        if entry.isClusterStart, hasContent, styles[Int(entry.index)].wraps,
                           used + entry.advance > available + epsilon {
                            overflowAt = index
                            break scan
                        }
                        used += entry.advance
                        hasContent = true
                        if entry.canBreakAfter { lastBreak = index }
                    case .atomic:
                        if hasContent, styles[atomics[Int(entry.index)].parentStyle].wraps,
                           used + entry.advance > available + epsilon {
                            overflowAt = index
                            break scan
                        }
                        used += entry.advance
                        hasContent = true
                        if entry.canBreakAfter { lastBreak = index }
                    case .open:
                        if hasContent, entry.advance > 0, lastBreak >= 0, used + entry.advance > available + epsilon {
                            overflowAt = index
                            break scan
                        }
                        used += entry.advance
                    case .close:
                        used += entry.advance
                    case .softHyphen:
                        if hasContent, used + styles[Int(entry.index)].hyphenAdvance <= available + epsilon {
                            lastBreak = index
                        }
                    case .zeroWidthBreak:
                        if hasContent { lastBreak = index }
                    }
                    index += 1
                }
                if overflowAt >= 0 {
                    if lastBreak >= 0 {
                        end = lastBreak + 1
                        if entries[lastBreak].kind == .softHyphen { hyphenIndex = lastBreak }
                    } else {
                        // Emergency break before the overflowing cluster (and the boxes it opens).
                        end = overflowAt
                        while end - 1 > start, entries[end - 1].kind == .open { end -= 1 }
                    }
                }
                while end < count, entries[end].kind == .close { end += 1 }
                if !hasContent && !forced {
                    // Only white space and box edges left: they join the previous line.
                    if !spans.isEmpty { spans[spans.count - 1].end = max(spans[spans.count - 1].end, end) }
                    if end >= count { break }
                    start = max(end, start + 1)
                    continue
                }
                spans.append(Span(start: start, end: end, forced: forced, hyphenIndex: hyphenIndex))
                start = max(end, start + 1)
            }
            return spans
        }
    }
}
