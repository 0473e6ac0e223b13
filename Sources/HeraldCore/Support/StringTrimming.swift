/// Trimming without Foundation: `trimmingCharacters(in:)` goes through `NSString` on Linux,
/// which showed up in profiles of the email path (several calls per message).
extension StringProtocol {
    /// The text without leading and trailing blanks: tab and the Unicode space separators —
    /// the same set as Foundation's `CharacterSet.whitespaces`.
    public var trimmingBlanks: String {
        trimmingScalars { $0.isASCII ? ($0 == " " || $0 == "\t") : $0.properties.generalCategory == .spaceSeparator }
    }

    /// The text without leading and trailing scalars that `drop` selects.
    public func trimmingScalars(where drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = Substring(self).unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, drop(scalars[start]) { start = scalars.index(after: start) }
        while end > start, drop(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }
}
