/// Chooses page breaks greedily: a page takes atoms while they fit; when one does not, the
/// page ends at the last opportunity that fits, preferring one without penalty (so
/// orphans/widows and `page-break-inside: avoid` move content to the next page when they
/// can). Forced breaks always break. Every page takes at least one atom, so it always ends;
/// an atom taller than a page is placed anyway and overflows (with a warning).
enum Paginator {
    static let epsilon = 0.01

    static func paginate(_ flow: FlowFlattener, capacity: (Int) -> Double, maximumPages: Int,
                         context: LayoutContext) throws -> [PageSlice] {
        let atoms = flow.atoms
        let opportunities = flow.opportunities
        let headers = flow.headers
        guard !atoms.isEmpty else {
            return [PageSlice(start: 0, end: flow.end, atoms: 0..<0, header: -1, inset: 0)]
        }
        var pages: [PageSlice] = []
        var first = 0
        var start = 0.0
        var header: Int32 = -1
        var inset = 0.0
        while true {
            if pages.count >= maximumPages { throw LayoutError.tooManyPages(limit: maximumPages) }
            let room = capacity(pages.count) - inset
            if atoms[first].bottom - start > room + epsilon {
                context.warn("content \(Int(atoms[first].bottom - atoms[first].top))pt tall does not fit on a page and overflows it")
            }
            var bestClean = -1
            var bestAny = -1
            var breakAt = -1
            var index = first + 1
            while index < atoms.count {
                let opportunity = opportunities[index]
                if opportunity.forced {
                    breakAt = index
                    break
                }
                if opportunity.endY - start <= room + epsilon {
                    if opportunity.penalty == 0 { bestClean = index } else { bestAny = index }
                }
                if atoms[index].bottom - start > room + epsilon {
                    breakAt = bestClean >= 0 ? bestClean : (bestAny >= 0 ? bestAny : index)
                    break
                }
                index += 1
            }
            if breakAt < 0 {
                pages.append(PageSlice(start: start, end: flow.end, atoms: first..<atoms.count, header: header, inset: inset))
                break
            }
            let opportunity = opportunities[breakAt]
            pages.append(PageSlice(start: start, end: opportunity.endY, atoms: first..<breakAt, header: header, inset: inset))
            first = breakAt
            start = opportunity.startY
            header = opportunity.header
            inset = 0
            if header >= 0 {
                let height = headers[Int(header)].height
                if height > 0, height < capacity(pages.count) / 2 {
                    inset = height
                } else {
                    header = -1
                }
            }
        }
        return pages
    }
}
