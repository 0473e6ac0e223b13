import Foundation

/// The names under which a push distribution carries what its provider needs besides the body
/// text (``Distribution/message``): the Comms Monitor writes them into the distribution's
/// ``Distribution/fields`` at merge, the push transports read them.
public enum PushFields {
    /// The merged title (`push.title` of code.json).
    public static let title = "push.title"
    /// The badge number, as text.
    public static let badge = "push.badge"
    /// The sound name (`default`).
    public static let sound = "push.sound"
    /// Custom data: a JSON object of strings, as text.
    public static let data = "push.data"
    /// The collapse id (APNs `apns-collapse-id`, FCM `collapse_key`).
    public static let collapseId = "push.collapseId"
    /// When the push stops being worth sending (ISO 8601): APNs `apns-expiration`, FCM `ttl`; a
    /// push past it is not sent ("expired").
    public static let expiresAt = "push.expiresAt"
    /// `10` (immediately) or `5` (power-considerate): APNs `apns-priority`, FCM high/normal.
    public static let priority = "push.priority"
    /// `alert` or `background`: APNs `apns-push-type`.
    public static let pushType = "push.type"

    /// Every key, in the order above.
    public static let all = [title, badge, sound, data, collapseId, expiresAt, priority, pushType]
}

/// What a push says, in the provider-neutral form the Comms Monitor merges and checks: the
/// APNs payload it makes is the largest of the two providers' (FCM's limit is the same 4 KB),
/// so a push that fits here fits both.
public struct PushContent: Sendable, Hashable {
    /// Apple's (and Google's) limit on a notification payload, in bytes.
    public static let maxPayloadBytes = 4096

    public var title: String?
    public var body: String
    public var badge: Int?
    public var sound: String?
    public var data: [String: String]

    public init(title: String? = nil, body: String, badge: Int? = nil, sound: String? = nil, data: [String: String] = [:]) {
        self.title = title
        self.body = body
        self.badge = badge
        self.sound = sound
        self.data = data
    }

    /// Reads a push distribution's text and fields.
    public init(message: String?, fields: [String: String]) {
        self.title = fields[PushFields.title].flatMap { $0.isEmpty ? nil : $0 }
        self.body = message ?? ""
        self.badge = fields[PushFields.badge].flatMap(Int.init)
        self.sound = fields[PushFields.sound].flatMap { $0.isEmpty ? nil : $0 }
        self.data = fields[PushFields.data].flatMap { try? StringMapJSON.decode($0) } ?? [:]
    }

    /// The APNs payload: `{"aps": {"alert": {"title", "body"}, "badge", "sound"}, …data}`, keys
    /// sorted (stable bytes); custom data keys sit beside `aps` (never replacing it).
    public func apnsPayload() -> Data {
        var alert: [String: Any] = ["body": body]
        if let title { alert["title"] = title }
        var aps: [String: Any] = ["alert": alert]
        if let badge { aps["badge"] = badge }
        if let sound { aps["sound"] = sound }
        var root: [String: Any] = [:]
        for (k, v) in data where k != "aps" { root[k] = v }
        root["aps"] = aps
        return (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
