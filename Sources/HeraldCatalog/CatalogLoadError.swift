/// A catalog folder that cannot be loaded, with every problem found in it (errors and
/// warnings, errors first), not just the first.
public struct CatalogLoadError: Error, Sendable, CustomStringConvertible {
    /// Every problem found, errors first, each in file and line order.
    public var issues: [CatalogIssue]

    /// Creates the error from the issues found.
    public init(issues: [CatalogIssue]) {
        self.issues = issues
    }

    /// The issues that stop the catalog from loading.
    public var errors: [CatalogIssue] { issues.filter(\.isError) }

    /// One issue a line, preceded by a count.
    public var description: String {
        let count = errors.count
        let head = "the catalog has \(count) error\(count == 1 ? "" : "s")"
        return ([head] + issues.map(\.description)).joined(separator: "\n")
    }
}
