import StyledHTML

/// An absolutely positioned (or fixed) box: laid out, waiting to be placed against the
/// content box of the page its static position falls on.
struct AbsoluteFragment {
    var fragment: BoxFragment
    /// Static position (where it would have been in flow) relative to the parent's border box.
    var staticX: Double
    var staticY: Double
    var style: ComputedStyle
    var fixed: Bool
}
