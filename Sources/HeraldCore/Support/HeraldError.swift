/// The error every Herald module speaks. The HTTP layer renders it as a problem document:
/// ``kind`` chooses the status, ``field`` names the offending input.
public struct HeraldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, coarsely; decides the HTTP status.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidInput, notFound, conflict, illegalTransition, unauthorized, forbidden
            case tooLarge, unavailable, internalError
        }
        private let base: Base
        /// Input is malformed or violates a rule (422/400).
        public static let invalidInput = Kind(base: .invalidInput)
        /// A named thing does not exist (404).
        public static let notFound = Kind(base: .notFound)
        /// The input conflicts with what is stored (409).
        public static let conflict = Kind(base: .conflict)
        /// A status change the state machine refuses (409).
        public static let illegalTransition = Kind(base: .illegalTransition)
        /// No or unknown credentials (401).
        public static let unauthorized = Kind(base: .unauthorized)
        /// Credentials lack the role (403).
        public static let forbidden = Kind(base: .forbidden)
        /// A body or file over the limit (413).
        public static let tooLarge = Kind(base: .tooLarge)
        /// A dependency is not reachable now (503).
        public static let unavailable = Kind(base: .unavailable)
        /// A bug or an unexpected failure (500).
        public static let internalError = Kind(base: .internalError)
        public var description: String { base.rawValue }
    }

    public var kind: Kind
    /// Human-readable; never contains message bodies or secrets.
    public var message: String
    /// The input field at fault (JSON path such as `postalAddress.lines`), if any.
    public var field: String?

    public init(_ kind: Kind, _ message: String, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
    }

    public static func invalid(_ field: String?, _ message: String) -> HeraldError {
        HeraldError(.invalidInput, message, field: field)
    }
    public static func notFound(_ message: String, field: String? = nil) -> HeraldError {
        HeraldError(.notFound, message, field: field)
    }
    public static func conflict(_ message: String, field: String? = nil) -> HeraldError {
        HeraldError(.conflict, message, field: field)
    }
    public static func illegalTransition(_ message: String) -> HeraldError {
        HeraldError(.illegalTransition, message)
    }
    /// A dependency (a storage backend, a relay) cannot serve the request now.
    public static func unavailable(_ message: String) -> HeraldError {
        HeraldError(.unavailable, message)
    }
    public static func internalError(_ message: String) -> HeraldError {
        HeraldError(.internalError, message)
    }

    public var description: String {
        if let field { return "\(message) (field: \(field))" }
        return message
    }
}
