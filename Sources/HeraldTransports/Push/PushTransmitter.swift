import AsyncHTTPClient
import Foundation
import HeraldCore
import Logging
import Push
import ServiceLifecycle
import Synchronization

/// Sends push distributions straight to Apple (APNs) and Google (FCM HTTP v1) with the
/// ``PushDirectSettings``. A distribution's target is `apns:<device token>` or
/// `fcm:<registration token>`; its `message` is the body text and its `fields` give the rest
/// (``PushFields``: title, badge, sound, custom data, collapse id, expiry).
///
/// Outcomes: accepted → `sent` with the `apns-id` or FCM message name as reference; the token
/// unregistered or invalid → `targetGone` (the sender disables it on the customer); throttled or
/// the provider unavailable → `retry` (naming the provider's `Retry-After`); any other refusal →
/// `permanent` with the provider's reason; a push whose `push.expiresAt` has passed →
/// `permanent("expired")` without a request.
///
/// APNs pushes go over the APNs client's own HTTP/2 connections, FCM's over one HTTP client; at most
/// ``PushDirectSettings/concurrency`` at once over all batches. ``shutdown()`` (or the
/// ``service`` ending) closes them.
public struct PushTransmitter: Transmitter {
    /// The settings (validated).
    public let settings: PushDirectSettings
    /// The clients and their HTTP client; shut down with ``shutdown()``.
    let clients: PushClients
    let inFlight: SharedLimit
    let logger: Logger
    let now: @Sendable () -> Date

    /// Builds the clients: reads the APNs key and the service account (a bad one is a
    /// `HeraldError` naming the setting) and the CA file.
    public init(settings: PushDirectSettings, logger: Logger = Logger(label: "herald.push"),
                now: @escaping @Sendable () -> Date = { Date() }) async throws {
        let settings = try settings.validated()
        let http: HTTPClient
        do {
            http = try Push.makeHTTPClient(caFile: settings.caFile)
        } catch {
            throw PushDirectSettings.Keys.caFile.invalid("\(error)")
        }
        do {
            var apns: APNsClient?
            if let a = settings.apns {
                do {
                    apns = try await APNsClient(configuration: APNsConfiguration(
                        privateKeyPEM: a.key, keyID: a.keyID, teamID: a.teamID, topic: a.topic, endpoint: a.endpoint,
                        timeout: settings.timeout), caFile: settings.caFile)
                } catch {
                    throw PushDirectSettings.Keys.apnsKey.invalid("\(error)")
                }
            }
            var fcm: FCMClient?
            if let f = settings.fcm {
                do {
                    let account = try FCMServiceAccount(json: Data(f.serviceAccount.utf8))
                    fcm = try await FCMClient(configuration: FCMConfiguration(
                        account: account, endpoint: f.endpoint, tokenEndpoint: f.tokenEndpoint, timeout: settings.timeout), httpClient: http)
                } catch {
                    throw PushDirectSettings.Keys.fcmServiceAccount.invalid("\(error)")
                }
            }
            self.clients = PushClients(http: http, apns: apns, fcm: fcm)
        } catch {
            try? await http.shutdown()
            throw error
        }
        self.settings = settings
        self.inFlight = SharedLimit(settings.concurrency)
        self.logger = logger
        self.now = now
    }

    /// The APNs client, when APNs is configured.
    public var apnsClient: APNsClient? { clients.apns }
    /// The FCM client, when FCM is configured.
    public var fcmClient: FCMClient? { clients.fcm }

    /// Closes the HTTP client (idempotent). Pushes after it fail as retryable.
    public func shutdown() async throws {
        try await clients.shutdown()
    }

    /// A service that closes the HTTP client when the service group shuts down.
    public var service: some Service { clients }

    /// Sends the batch concurrently; one outcome per transmission, in order. At most
    /// ``PushDirectSettings/concurrency`` workers take the pushes in turn (a task per worker,
    /// not per push: at tens of thousands of pushes a second a task each costs more than the
    /// HTTP/2 request).
    public func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome] {
        let workers = min(max(1, settings.concurrency), batch.count)
        guard workers > 0 else { return [] }
        let cursor = BatchCursor()
        var outcomes = [TransmissionOutcome?](repeating: nil, count: batch.count)
        await withTaskGroup(of: [(Int, TransmissionOutcome)].self) { group in
            // On the APNs client's event loop when there is one: no thread hop per push.
            let executor = clients.apns?.taskExecutor
            for _ in 0..<workers {
                group.addTask(executorPreference: executor) {
                    var done: [(Int, TransmissionOutcome)] = []
                    while true {
                        let index = cursor.take()
                        guard index < batch.count else { break }
                        if !self.inFlight.tryAcquire() { await self.inFlight.acquire() }
                        // The three members read in place: a copy of the whole transmission
                        // (request and distribution) costs more than the rest of the push.
                        let outcome = await self.send(target: batch[index].distribution.target,
                                                      message: batch[index].distribution.message,
                                                      fields: batch[index].distribution.fields)
                        self.inFlight.release()
                        done.append((index, outcome))
                    }
                    return done
                }
            }
            for await part in group {
                for (index, outcome) in part { outcomes[index] = outcome }
            }
        }
        return outcomes.map { $0 ?? .retry("not sent") }
    }

    /// Sends one push.
    public func transmit(_ tx: Transmission) async -> TransmissionOutcome {
        await send(target: tx.distribution.target, message: tx.distribution.message, fields: tx.distribution.fields)
    }

    /// Sends one push: a distribution's target, message and fields. On the caller's executor
    /// (the workers' event loop): no executor check on the way in.
    nonisolated(nonsending) func send(target: String, message: String?, fields: [String: String]) async -> TransmissionOutcome {
        var expiresAt: Date?
        if let text = fields[PushFields.expiresAt], !text.isEmpty {
            guard let date = Self.parseDate(text) else {
                return .permanent("\(PushFields.expiresAt) is no ISO 8601 time: '\(text)'")
            }
            if date <= now() { return .permanent("expired") }
            expiresAt = date
        }
        var badge: Int?
        if let text = fields[PushFields.badge], !text.isEmpty {
            guard let number = Self.wholeNumber(text), number >= 0 else {
                return .permanent("\(PushFields.badge) is no whole number: '\(text)'")
            }
            badge = number
        }
        let title = fields[PushFields.title].flatMap { $0.isEmpty ? nil : $0 }
        let body = message.flatMap { $0.isEmpty ? nil : $0 }
        guard title != nil || body != nil else { return .permanent("no message text") }
        let sound = fields[PushFields.sound].flatMap { $0.isEmpty ? nil : $0 }
        let data = fields[PushFields.data].flatMap { $0.isEmpty ? nil : $0 }
        let collapse = fields[PushFields.collapseId].flatMap { $0.isEmpty ? nil : $0 }
        guard let colon = target.firstIndex(of: ":") else {
            return .permanent("push target '\(target)' is not apns:<token> or fcm:<token>")
        }
        let platform = Self.platform(target[..<colon])
        let token = String(target[target.index(after: colon)...])
        guard !token.isEmpty else { return .targetGone("empty push token", code: nil) }
        let result: PushResult
        switch platform {
        case .apns:
            guard let apns = clients.apns else {
                return .permanent("APNs is not configured (\(PushDirectSettings.Keys.apnsKey.fileKey))")
            }
            let pushType = fields[PushFields.pushType].flatMap { $0.isEmpty ? nil : $0 } ?? "alert"
            let priority = fields[PushFields.priority].flatMap { Int($0) } ?? (pushType == "background" ? 5 : 10)
            let notification = APNsNotification(title: title, body: body, badge: badge, sound: sound, customData: data,
                                                pushType: pushType, priority: priority, expiration: expiresAt, collapseID: collapse)
            result = await apns.send(notification, to: token)
        case .fcm:
            guard let fcm = clients.fcm else {
                return .permanent("FCM is not configured (\(PushDirectSettings.Keys.fcmServiceAccount.fileKey))")
            }
            let message = FCMMessage(title: title, body: body, customData: data, collapseKey: collapse, expiration: expiresAt)
            result = await fcm.send(message, to: token)
        case nil:
            return .permanent("push target '\(target)' is not apns:<token> or fcm:<token>")
        }
        return Self.outcome(result)
    }

    /// The outcome of a provider's result.
    public static func outcome(_ result: PushResult) -> TransmissionOutcome {
        switch result {
        case .sent(let id):
            return .sent(reference: id.isEmpty ? nil : id)
        case .tokenGone(let reason, let status):
            return .targetGone(reason, code: String(status))
        case .retry(let reason, let status, let after):
            let text = after.map { "\(reason) (Retry-After \($0.components.seconds) s)" } ?? reason
            return .retry(text, code: status.map(String.init))
        case .permanent(let reason, let status):
            return .permanent(reason, code: status.map(String.init))
        case .possibleDuplicate(let reason):
            return .possibleDuplicate(reason)
        }
    }

    enum Platform { case apns, fcm }

    /// The platform a target's prefix names, in any case: `apns` or `fcm`; nil for others.
    static func platform(_ prefix: Substring) -> Platform? {
        let utf8 = prefix.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            // Not ASCII: as `lowercased()` compares it.
            switch prefix.lowercased() {
            case "apns": return .apns
            case "fcm": return .fcm
            default: return nil
            }
        }
        func named(_ name: StaticString) -> Bool {
            guard utf8.count == name.utf8CodeUnitCount else { return false }
            var i = 0
            for byte in utf8 {
                let lower = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                guard lower == name.utf8Start[i] else { return false }
                i += 1
            }
            return true
        }
        if named("apns") { return .apns }
        if named("fcm") { return .fcm }
        return nil
    }

    /// `Int(text.trimmingCharacters(in: .whitespaces))`, without Foundation for the usual
    /// text of ASCII digits alone.
    static func wholeNumber(_ text: String) -> Int? {
        let utf8 = text.utf8
        if !utf8.isEmpty, utf8.count <= 18 {
            var value = 0
            var digitsOnly = true
            for byte in utf8 {
                guard (0x30...0x39).contains(byte) else {
                    digitsOnly = false
                    break
                }
                value = value * 10 + Int(byte - 0x30)
            }
            if digitsOnly { return value }
        }
        return Int(text.trimmingCharacters(in: .whitespaces))
    }

    /// An ISO 8601 time, with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// Hands out the indices of a batch, 0, 1, 2, …, to its workers.
final class BatchCursor: Sendable {
    private let next = Atomic<Int>(0)
    func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
}

/// The push clients and FCM's HTTP client; a ``Service`` that closes them at shutdown.
/// Dropped without ``shutdown()`` (a runtime built without its services), it closes the
/// client in the background rather than leak it.
final class PushClients: Service, Sendable {
    let http: HTTPClient
    let apns: APNsClient?
    let fcm: FCMClient?
    private let closed = Atomic<Bool>(false)

    init(http: HTTPClient, apns: APNsClient?, fcm: FCMClient?) {
        self.http = http
        self.apns = apns
        self.fcm = fcm
    }

    func shutdown() async throws {
        guard closed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        await apns?.shutdown()
        try await http.shutdown()
    }

    func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }

    deinit {
        if !closed.load(ordering: .acquiring) {
            let http = self.http, apns = self.apns
            Task {
                await apns?.shutdown()
                try? await http.shutdown()
            }
        }
    }
}
