/// An error raised while composing or signing a message.
///
/// Errors are values with a code and a human-readable reason; compare codes with `==`.
public struct MIMEError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case headerInjection
        case invalidHeaderName
        case invalidAddress
        case lineTooLong
        case invalidKey
        case signingFailed
        case invalidMessage
    }

    private let code: Code
    /// A human-readable explanation (never contains message bodies).
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// A header value (or a display name, address, or file name) contains CR or LF.
    public static func headerInjection(_ field: String) -> MIMEError {
        MIMEError(.headerInjection, "the value of \(field) contains CR or LF")
    }
    /// A header field name is empty or has characters outside printable ASCII, or a colon.
    public static func invalidHeaderName(_ name: String) -> MIMEError {
        MIMEError(.invalidHeaderName, "invalid header field name \(name.debugDescription)")
    }
    /// An e-mail address is not a valid RFC 5321 / 5322 addr-spec.
    public static func invalidAddress(_ address: String, _ why: String) -> MIMEError {
        MIMEError(.invalidAddress, "invalid address \(address.debugDescription): \(why)")
    }
    /// A header line would exceed the 998-octet limit of RFC 5322.
    public static func lineTooLong(_ field: String) -> MIMEError {
        MIMEError(.lineTooLong, "\(field) cannot be folded into lines of at most 998 octets")
    }
    /// A DKIM key could not be read.
    public static func invalidKey(_ why: String) -> MIMEError {
        MIMEError(.invalidKey, "invalid DKIM key: \(why)")
    }
    /// Signing failed in the crypto library.
    public static func signingFailed(_ why: String) -> MIMEError {
        MIMEError(.signingFailed, "DKIM signing failed: \(why)")
    }
    /// The message to sign has no header/body separator or is otherwise malformed.
    public static func invalidMessage(_ why: String) -> MIMEError {
        MIMEError(.invalidMessage, "invalid message: \(why)")
    }

    /// Whether this error is of the same kind as `other` (ignoring the reason text).
    public func isSameKind(as other: MIMEError) -> Bool { code == other.code }

    public var description: String { "MIMEError: \(reason)" }

    public static func == (lhs: MIMEError, rhs: MIMEError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
