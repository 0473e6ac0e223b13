import Crypto
import Foundation

/// A symmetric signing secret, serialised as `whsec_` followed by the key's base64 (the prefix
/// is optional when read, as the reference libraries accept it; missing `=` padding is
/// tolerated). The specification asks for 24 to 64 random bytes; ``generate(byteCount:)``
/// makes 32.
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible {
    /// The prefix that marks a symmetric secret.
    public static let prefix = "whsec_"

    /// The raw key bytes.
    public let bytes: [UInt8]
    let key: SymmetricKey

    /// Why a secret could not be read.
    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// Nothing after the prefix.
        case empty
        /// Not base64.
        case notBase64

        public var description: String {
            switch self {
            case .empty: "the webhook secret is empty"
            case .notBase64: "the webhook secret is not base64 after `whsec_`"
            }
        }
    }

    /// A secret from its raw bytes (at least one byte).
    public init(bytes: [UInt8]) throws(ParseError) {
        guard !bytes.isEmpty else { throw .empty }
        self.bytes = bytes
        self.key = SymmetricKey(data: bytes)
    }

    /// Reads `whsec_<base64>` (or the base64 alone). Surrounding white space is ignored.
    public init(_ text: String) throws(ParseError) {
        var base64 = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if base64.hasPrefix(Self.prefix) { base64 = base64.dropFirst(Self.prefix.count) }
        guard !base64.isEmpty else { throw .empty }
        let padded = String(base64) + String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: padded) else { throw .notBase64 }
        try self.init(bytes: Array(data))
    }

    /// A new random secret of `byteCount` bytes (24 to 64 per the specification).
    public static func generate(byteCount: Int = 32) -> WebhookSecret {
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: max(1, byteCount) * 8))
        let bytes = key.withUnsafeBytes { Array($0) }
        // A non-empty key always makes a secret.
        return try! WebhookSecret(bytes: bytes)
    }

    /// `whsec_<base64>`.
    public var serialized: String { Self.prefix + Data(bytes).base64EncodedString() }

    /// Never the key itself: `whsec_…(<n> bytes)`.
    public var description: String { "whsec_…(\(bytes.count) bytes)" }

    public static func == (a: WebhookSecret, b: WebhookSecret) -> Bool { a.bytes == b.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}
