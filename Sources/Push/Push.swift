import Foundation

/// Push providers over HTTP/2: Apple's APNs provider API (``APNsClient``) and Firebase Cloud
/// Messaging HTTP v1 (``FCMClient``). Standalone: no Herald dependency.
public enum Push {}

/// What became of one push, as the provider answered it.
public enum PushResult: Sendable, Hashable {
    /// Accepted: `id` is the provider's id (APNs `apns-id`, FCM message name).
    case sent(id: String)
    /// The device token is no longer valid (APNs 410 / `BadDeviceToken`, FCM `UNREGISTERED`):
    /// never send to it again.
    case tokenGone(reason: String, status: Int)
    /// Worth another attempt later (throttling, the provider unavailable, unreachable);
    /// `retryAfter` is the provider's `Retry-After` when it gave one.
    case retry(reason: String, status: Int?, retryAfter: Duration?)
    /// Another attempt would meet the same answer: the provider's reason.
    case permanent(reason: String, status: Int?)
    /// The request went out and its answer was lost: the provider may have accepted it.
    case possibleDuplicate(reason: String)
}

/// A push that could not be built or sent for a reason found before any request.
public enum PushError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The payload is larger than the provider allows.
    case payloadTooLarge(size: Int, limit: Int)
    /// The custom data is not a JSON object, or it uses a reserved key.
    case invalidCustomData(String)
    /// A key, service account or certificate file could not be read or parsed.
    case invalidCredentials(String)
    /// The endpoint is not a usable `https` URL.
    case invalidEndpoint(String)

    /// The error in words.
    public var description: String {
        switch self {
        case .payloadTooLarge(let size, let limit): "payload is \(size) bytes, over the limit of \(limit)"
        case .invalidCustomData(let text): "custom data: \(text)"
        case .invalidCredentials(let text): "credentials: \(text)"
        case .invalidEndpoint(let text): "endpoint: \(text)"
        }
    }
}

/// Reading a provider's `Retry-After` header.
enum RetryAfter {
    /// Seconds (`120`) or an HTTP date, as a duration from `now` (never negative).
    static func parse(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return .seconds(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .seconds(max(0, Int(date.timeIntervalSince(now).rounded(.up))))
    }
}

extension Duration {
    /// The duration in whole seconds, rounded up.
    var wholeSecondsUp: Int64 {
        let (s, atto) = components
        return atto > 0 ? s + 1 : s
    }
}
