/// One problem found in a catalog folder: the file (relative to the catalog folder, e.g.
/// `WELCOME/sms.en.mustache`), the line where it applies, and what is wrong.
public struct CatalogIssue: Sendable, Hashable, CustomStringConvertible {
    /// How bad the problem is.
    public enum Severity: String, Sendable, Hashable {
        /// The catalog cannot be used: loading fails.
        case error
        /// Suspicious but harmless: loading succeeds and the problem is reported.
        case warning
    }

    /// The file at fault, relative to the catalog folder (`.` for the folder itself).
    public var file: String
    /// The 1-based line in ``file``, when the problem has one.
    public var line: Int?
    /// What is wrong, for a person.
    public var message: String
    /// Whether the problem stops the catalog from loading.
    public var severity: Severity

    /// Creates an issue.
    public init(file: String, line: Int? = nil, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.message = message
        self.severity = severity
    }

    /// Whether this is an error (not a warning).
    public var isError: Bool { severity == .error }

    /// Compiler style: `WELCOME/sms.en.mustache:3: error: unknown merge field FIRSTNAM`.
    public var description: String {
        if let line { return "\(file):\(line): \(severity.rawValue): \(message)" }
        return "\(file): \(severity.rawValue): \(message)"
    }
}

extension CatalogIssue {
    /// The order issues are reported in: by file, then line, then message.
    static func reportOrder(_ a: CatalogIssue, _ b: CatalogIssue) -> Bool {
        if a.file != b.file { return a.file < b.file }
        if (a.line ?? 0) != (b.line ?? 0) { return (a.line ?? 0) < (b.line ?? 0) }
        return a.message < b.message
    }
}
