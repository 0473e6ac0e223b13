import Foundation

/// Push providers over HTTP/2: Apple's APNs provider API (``APNsClient``) and Firebase Cloud
/// Messaging HTTP v1 (``FCMClient``). Standalone: no Herald dependency.
///
/// ## Why APNs is not on AsyncHTTPClient
///
/// Issue 17 asked for "AsyncHTTPClient with HTTP/2". APNs started there and was measured with
/// `herald bench push --count 20000` (release build, one connection, 100 concurrent streams,
/// the in-process HTTP/2 TLS sink, `h2load` on the same sink as the anchor): the client made
/// 10–17k pushes/s against h2load's 43–49k/s, 0.23–0.35×, far from the 0.7× the issue sets.
/// The profile put the cost inside AsyncHTTPClient, not Herald (about 2 %): a stream channel
/// and its pipeline per request, the head, body and end of each request flushed separately
/// (a TLS record and a `write` call each), the URL parsed again and a timer armed per request.
///
/// APNs, the high-volume provider, therefore has its own transport, ``HTTP2PushTransport``,
/// written directly on swift-nio-http2: requests become HEADERS + DATA frames on streams of a
/// shared connection without stream channels, writes are batched (one flush per event-loop
/// turn), one timer per pool checks every deadline, the server's
/// `SETTINGS_MAX_CONCURRENT_STREAMS` is honoured, GOAWAY and lost connections are handled
/// (see the type), and callers that send many pushes can run on the transport's event loop
/// (``APNsClient/taskExecutor``) so the whole client is one thread. Measured the same way
/// (release, a 2-core machine shared with other builds, load average 1.8–2.6), six runs:
/// 25–31k pushes/s against h2load's 35–46k/s, 0.59–0.81× (median 0.71), p99 4–9 ms, peak
/// RSS 60 MiB with the sink in the process. What remains is HTTP/2 itself (NIOHTTP2's stream state machine,
/// HPACK — the device token's `:path` is sent as a literal, never indexed, where h2load
/// repeats one indexed path — and TLS) on the client's one thread, competing with the
/// sink's one thread for two cores.
///
/// FCM (lower volume, an OAuth2 token endpoint besides) stays on AsyncHTTPClient
/// (``makeHTTPClient(caFile:connectTimeout:)``).
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
