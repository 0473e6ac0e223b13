/// One page's share of the flow: flow y range, atoms, and the table header repeated on top.
struct PageSlice {
    /// Flow y shown at the top of the page's content box (after any repeated header).
    var start: Double
    /// Flow y of the bottom of the page's content.
    var end: Double
    var atoms: Range<Int>
    /// Index into `FlowFlattener.headers`, -1 for none.
    var header: Int32
    /// Height taken by the repeated header.
    var inset: Double
}
