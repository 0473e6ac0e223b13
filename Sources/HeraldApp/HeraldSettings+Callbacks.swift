import Foundation
import HeraldCore
import HeraldPipeline
import HeraldTransports

/// Status callbacks to the systems that trigger comms: the config file's subscriptions
/// (`webhooks.subscriptions.<NAME>`, synced into the store at start) and how callbacks are sent.
///
/// The subscriptions map is read from the config file's JSON directly, like
/// `external.systems` (swift-configuration cannot list a map of the operator's names); API
/// subscriptions (`POST /v1/webhook-subscriptions`) live in the store only.
public struct CallbackSettings: Sendable {
    /// The config file's subscriptions (ids `config:<NAME>`).
    public var subscriptions: [WebhookSubscription] = []
    /// Callbacks in flight per subscription (``Keys/concurrency``).
    public var concurrency = Keys.concurrency.defaultValue
    /// One callback's time limit, connecting included (``Keys/timeoutSeconds``).
    public var timeoutSeconds = Keys.timeoutSeconds.defaultValue
    /// The first retry's wait, doubling to an hour (``Keys/retryBaseSeconds``).
    public var retryBaseSeconds = Keys.retryBaseSeconds.defaultValue
    /// How long after its first attempt a callback is dead-lettered (``Keys/retryWindowHours``).
    public var retryWindowHours = Keys.retryWindowHours.defaultValue
    /// Callbacks to loopback, link-local and private addresses allowed (``Keys/allowPrivateTargets``).
    public var allowPrivateTargets = Keys.allowPrivateTargets.defaultValue

    public init() {}

    public enum Keys {
        /// `webhooks.concurrency`.
        public static let concurrency = SettingKey(
            "webhooks.concurrency", default: 16, meaning: "status callbacks in flight per subscription at once")
        /// `webhooks.timeoutSeconds`.
        public static let timeoutSeconds = SettingKey(
            "webhooks.timeoutSeconds", default: 10, meaning: "one status callback's time limit in seconds, connecting included")
        /// `webhooks.retry.base.seconds`.
        public static let retryBaseSeconds = SettingKey(
            "webhooks.retry.base.seconds", default: 5, meaning: "wait before a failed status callback's second attempt; doubles to an hour")
        /// `webhooks.retry.window.hours`.
        public static let retryWindowHours = SettingKey(
            "webhooks.retry.window.hours", default: 24,
            meaning: "hours a status callback is retried after its first attempt before it is dead-lettered (`failed`)")
        /// `webhooks.allowPrivateTargets`.
        public static let allowPrivateTargets = SettingKey(
            "webhooks.allowPrivateTargets", default: false,
            meaning: "`true` lets status callbacks go to loopback, link-local and private addresses (refused by default: SSRF guard)")
        /// Every callback setting, in the order of the settings table (the subscriptions map is
        /// read from the config file only: `webhooks.subscriptions.<NAME>`).
        public static let all: [any SettingDescription] = [concurrency, timeoutSeconds, retryBaseSeconds, retryWindowHours, allowPrivateTargets]
    }

    /// Reads the settings; the subscriptions from `configFile` (nil: none). A bad value is a
    /// `HeraldError` naming its key.
    init(reading settings: SettingsReader, configFile: URL?, now: Date = Date()) throws {
        concurrency = try settings.int(Keys.concurrency)
        guard (1...256).contains(concurrency) else { throw Keys.concurrency.invalid("must be 1–256, got \(concurrency)") }
        timeoutSeconds = try settings.int(Keys.timeoutSeconds)
        guard (1...300).contains(timeoutSeconds) else { throw Keys.timeoutSeconds.invalid("must be 1–300, got \(timeoutSeconds)") }
        retryBaseSeconds = try settings.int(Keys.retryBaseSeconds)
        guard (1...3600).contains(retryBaseSeconds) else { throw Keys.retryBaseSeconds.invalid("must be 1–3600, got \(retryBaseSeconds)") }
        retryWindowHours = try settings.int(Keys.retryWindowHours)
        guard (1...720).contains(retryWindowHours) else { throw Keys.retryWindowHours.invalid("must be 1–720, got \(retryWindowHours)") }
        allowPrivateTargets = try settings.flag(Keys.allowPrivateTargets)
        if let configFile, let data = FileManager.default.contents(atPath: configFile.path) {
            subscriptions = try Self.readSubscriptions(configJSON: data, baseDirectory: configFile.deletingLastPathComponent(), now: now)
        }
    }

    /// `webhooks.subscriptions` of the config file's JSON: `{"NAME": {"url", "secret" or
    /// "secretFile", "events", "commsCodes", "sources", "description"}}`.
    public static func readSubscriptions(configJSON data: Data, baseDirectory: URL, now: Date) throws -> [WebhookSubscription] {
        guard let root = try? JSONSerialization.jsonObject(with: data) else {
            throw HeraldError.invalid("--config", "the config file is not valid JSON")
        }
        guard let object = root as? [String: Any], let webhooks = object["webhooks"] else { return [] }
        guard let webhooksObject = webhooks as? [String: Any] else { throw HeraldError.invalid("webhooks", "must be an object") }
        guard let map = webhooksObject["subscriptions"] else { return [] }
        guard let subscriptions = map as? [String: Any] else {
            throw HeraldError.invalid("webhooks.subscriptions", "must be an object of subscriptions by name")
        }
        var out: [WebhookSubscription] = []
        for name in subscriptions.keys.sorted() {
            let key = "webhooks.subscriptions.\(name)"
            guard ExternalSystems.isValidName(name) else {
                throw HeraldError.invalid(key, "a subscription name is letters, digits and _, starting with a letter")
            }
            guard var fields = subscriptions[name] as? [String: Any] else { throw HeraldError.invalid(key, "must be an object") }
            if let file = fields.removeValue(forKey: "secretFile") {
                guard fields["secret"] == nil else { throw HeraldError.invalid("\(key).secret", "and \(key).secretFile are both given; give one") }
                guard let file = file as? String else { throw HeraldError.invalid("\(key).secretFile", "must be a path") }
                let path = file.hasPrefix("/") ? file : baseDirectory.appendingPathComponent(file).path
                guard let secret = FileManager.default.contents(atPath: path) else {
                    throw HeraldError.invalid("\(key).secretFile", "names a secret file that cannot be read: \(path)")
                }
                fields["secret"] = String(decoding: secret, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            out.append(try WebhookSubscription.parse(fields, id: WebhookSubscription.configID(name), origin: .config, createdAt: now,
                                                     prefix: key, extraKeys: ["secretFile"]))
        }
        return out
    }

    /// The sender callbacks go through.
    public func makeSender() -> StatusCallbackSender {
        StatusCallbackSender(concurrency: concurrency, timeout: .seconds(timeoutSeconds), allowPrivateTargets: allowPrivateTargets)
    }

    /// The retry policy of the callback stage.
    public var backoff: RetryPolicy { RetryPolicy(maxAttempts: .max, baseDelay: .seconds(retryBaseSeconds), maxDelay: .seconds(3600)) }
}
