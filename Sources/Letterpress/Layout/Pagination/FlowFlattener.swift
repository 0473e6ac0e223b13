import StyledHTML

/// Walks the continuous fragment tree once and produces what pagination needs: every display
/// item in flow coordinates, tagged with the unbreakable "atom" (line box, table row, leaf
/// block) it belongs to or marked as a decoration that may be sliced across pages; and, between
/// consecutive atoms, a break opportunity with where the page would end, where the next would
/// start (collapsed margins truncated), its penalty and whether it is forced.
final class FlowFlattener {
    /// A display item in flow coordinates; `atom` < 0 for box decorations sliced per page.
    struct Item {
        var item: DisplayItem
        var atom: Int32
    }

    struct Atom {
        var top: Double
        var bottom: Double
    }

    /// The opportunity before atom `k` (index 0 is unused).
    struct Opportunity {
        /// Bottom of everything before the break (boxes closed there included).
        var endY: Double
        /// Top of the first box opened after the break.
        var startY: Double
        /// 0 = fine, 1 = avoid (orphans/widows, `page-break-inside: avoid`, `page-break-*: avoid`).
        var penalty: UInt8
        var forced: Bool
        /// The table header to repeat when a page starts here (-1 for none).
        var header: Int32
    }

    /// A `thead` to repeat at the top of continuation pages.
    struct RepeatedHeader {
        /// The header rows' items (in `items`).
        var items: Range<Int>
        /// The table's own background and borders (in `items`), clipped to the header band.
        var decorations: Range<Int>
        var top: Double
        var bottom: Double
        var height: Double { bottom - top }
    }

    /// An absolutely positioned box with its parent's flow position.
    struct Absolute {
        var fragment: AbsoluteFragment
        var parentX: Double
        var parentY: Double
        /// The atom it sits in, -1 when in block flow.
        var atom: Int32
    }

    private(set) var items: [Item] = []
    private(set) var atoms: [Atom] = []
    private(set) var opportunities: [Opportunity] = []
    private(set) var headers: [RepeatedHeader] = []
    private(set) var absolutes: [Absolute] = []
    /// Bottom of the whole flow.
    private(set) var end = 0.0

    private var lastEnd = 0.0
    private var pendingStart: Double?
    private var pendingForced = false
    private var pendingAvoid = false
    private var avoidDepth = 0
    private var minimumAvoidDepth = 0
    /// Blocks taller than this never count as "avoid break inside" (they cannot fit anyway).
    private let avoidLimit: Double

    init(avoidLimit: Double) {
        self.avoidLimit = avoidLimit
    }

    /// Flattens the root fragment placed at (x, y).
    func flatten(_ root: BoxFragment, x: Double, y: Double) {
        items.reserveCapacity(1024)
        walk(root, x: x, y: y, atom: nil)
        end = max(lastEnd, y + root.height)
    }

    // MARK: Atoms

    @discardableResult
    private func newAtom(top: Double, bottom: Double, penalty: UInt8 = 0, header: Int32 = -1) -> Int32 {
        let index = atoms.count
        if index == 0 {
            opportunities.append(Opportunity(endY: top, startY: top, penalty: 0, forced: false, header: -1))
        } else {
            var effective = penalty
            if pendingAvoid || minimumAvoidDepth > 0 { effective = max(effective, 1) }
            opportunities.append(Opportunity(endY: lastEnd, startY: min(pendingStart ?? top, top), penalty: effective,
                                             forced: pendingForced, header: header))
        }
        atoms.append(Atom(top: top, bottom: max(top, bottom)))
        lastEnd = max(top, bottom)
        pendingStart = nil
        pendingForced = false
        pendingAvoid = false
        minimumAvoidDepth = avoidDepth
        return Int32(index)
    }

    // MARK: Walking

    private func walk(_ fragment: BoxFragment, x: Double, y: Double, atom: Int32?) {
        let top = y
        let bottom = y + fragment.height
        var avoids = false
        if atom == nil {
            if pendingStart == nil { pendingStart = top - fragment.inkAbove }
            switch fragment.breakBefore {
            case .always, .left, .right: pendingForced = true
            case .avoid: pendingAvoid = true
            case .auto: break
            }
            avoids = fragment.avoidBreakInside && fragment.height <= avoidLimit
            if avoids { avoidDepth += 1 }
        }
        let decorationStart = items.count
        if fragment.hasDecoration { emitDecoration(fragment, x: x, y: y, atom: atom ?? -1) }
        let decorations = decorationStart..<items.count

        var ownAtom = atom
        if atom == nil, fragment.children.isEmpty, fragment.height > 0 || !fragment.items.isEmpty {
            ownAtom = newAtom(top: top - fragment.inkAbove, bottom: bottom + fragment.inkBelow)
        }
        for item in fragment.items {
            items.append(Item(item: item.offset(x, y), atom: ownAtom ?? -1))
        }

        if fragment.kind == .table, atom == nil {
            walkTable(fragment, x: x, y: y, decorations: decorations)
        } else {
            var lineCount = 0
            if atom == nil {
                for child in fragment.children { if case .line = child { lineCount += 1 } }
            }
            var lineNumber = 0
            for child in fragment.children {
                switch child {
                case .line(let line):
                    let lineX = x + line.x
                    let lineY = y + line.y
                    let lineAtom: Int32
                    if let atom {
                        lineAtom = atom
                    } else {
                        let tooFewBefore = lineNumber > 0 && lineNumber < fragment.orphans
                        let tooFewAfter = lineNumber > 0 && lineCount - lineNumber < fragment.widows
                        lineAtom = newAtom(top: lineY, bottom: lineY + line.height,
                                           penalty: tooFewBefore || tooFewAfter ? 1 : 0)
                    }
                    lineNumber += 1
                    for item in line.items {
                        items.append(Item(item: item.offset(lineX, lineY), atom: lineAtom))
                    }
                    for box in line.boxes {
                        walk(box, x: lineX + box.x, y: lineY + box.y, atom: lineAtom)
                    }
                case .box(let box):
                    walk(box, x: x + box.x, y: y + box.y, atom: atom)
                }
            }
        }
        for absolute in fragment.absolutes {
            absolutes.append(Absolute(fragment: absolute, parentX: x, parentY: y, atom: atom ?? -1))
        }
        if atom == nil {
            lastEnd = max(lastEnd, bottom)
            switch fragment.breakAfter {
            case .always, .left, .right: pendingForced = true
            case .avoid: pendingAvoid = true
            case .auto: break
            }
            if avoids {
                avoidDepth -= 1
                minimumAvoidDepth = min(minimumAvoidDepth, avoidDepth)
            }
        }
    }

    /// Rows of a table in block flow: one atom per row, the header rows glued to the first
    /// body row, and each opportunity between body rows repeating the header.
    private func walkTable(_ table: BoxFragment, x: Double, y: Double, decorations: Range<Int>) {
        let headerCount = table.headerRowCount
        var rowIndex = 0
        var header: Int32 = -1
        var headerItemsStart = 0
        var headerTop = 0.0
        var glued: Int32?
        for child in table.children {
            guard case .box(let row) = child, row.kind == .row else {
                if case .box(let box) = child { walk(box, x: x + box.x, y: y + box.y, atom: nil) }
                continue
            }
            let rowX = x + row.x
            let rowY = y + row.y
            let rowTop = rowY - row.inkAbove
            let rowBottom = rowY + row.height + row.inkBelow
            if row.breakBefore == .always { pendingForced = true }
            let atom: Int32
            if let glued {
                atom = glued
                atoms[Int(glued)].bottom = max(atoms[Int(glued)].bottom, rowBottom)
                lastEnd = max(lastEnd, rowBottom)
            } else {
                atom = newAtom(top: rowTop, bottom: rowBottom, header: rowIndex > headerCount ? header : -1)
            }
            let itemsStart = items.count
            walk(row, x: rowX, y: rowY, atom: atom)
            if rowIndex < headerCount {
                if rowIndex == 0 {
                    headerItemsStart = itemsStart
                    headerTop = rowTop
                }
                if rowIndex == headerCount - 1 {
                    // The band ends half a shared grid line early so the next row's top line
                    // lands exactly on the header's bottom line.
                    headers.append(RepeatedHeader(items: headerItemsStart..<items.count, decorations: decorations,
                                                  top: min(headerTop, y), bottom: rowY + row.height - row.inkBelow))
                    header = Int32(headers.count - 1)
                }
                glued = atom
            } else {
                glued = nil
            }
            if row.breakAfter == .always { pendingForced = true }
            rowIndex += 1
        }
    }

    private func emitDecoration(_ fragment: BoxFragment, x: Double, y: Double, atom: Int32) {
        let rect = Rect(x: x, y: y, width: fragment.width, height: fragment.height)
        if let background = fragment.background, background.alpha > 0, rect.width > 0, rect.height > 0 {
            items.append(Item(item: .fill(rect, background), atom: atom))
        }
        var borders: [DisplayItem] = []
        BorderPainter.appendBorders(fragment.border, rect: rect, to: &borders)
        for border in borders { items.append(Item(item: border, atom: atom)) }
        if let link = fragment.link, rect.width > 0, rect.height > 0 {
            items.append(Item(item: .link(rect, uri: link), atom: atom))
        }
    }
}
