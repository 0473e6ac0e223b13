/// Rules bucketed by the most selective part of their subject compound, so an element is only
/// tested against rules that can match it.
struct RuleIndex: Sendable {
    var byID: [UInt64: [Int32]] = [:]
    var byClass: [UInt64: [Int32]] = [:]
    var byTag: [UInt64: [Int32]] = [:]
    var universal: [Int32] = []

    init() {}

    init(rules: [StyleSheet.Rule]) {
        for (k, rule) in rules.enumerated() {
            let subject = rule.selector.compounds[0]
            let index = Int32(k)
            if let id = subject.id {
                byID[Atom.of(id), default: []].append(index)
            } else if let firstClass = subject.classes.first {
                byClass[Atom.of(firstClass), default: []].append(index)
            } else if let tag = subject.tag {
                byTag[Atom.of(tag), default: []].append(index)
            } else {
                universal.append(index)
            }
        }
    }

    /// Calls `body` with every rule that may match the element.
    @inline(__always)
    func forEachCandidate(of element: ElementInfo, classAtoms: [UInt64], _ body: (Int32) -> Void) {
        if element.id != 0, !byID.isEmpty, let list = byID[element.id] { list.forEach(body) }
        if element.classCount > 0, !byClass.isEmpty {
            for k in Int(element.classStart)..<Int(element.classStart + element.classCount) {
                if let list = byClass[classAtoms[k]] { list.forEach(body) }
            }
        }
        if let list = byTag[element.name] { list.forEach(body) }
        universal.forEach(body)
    }
}
