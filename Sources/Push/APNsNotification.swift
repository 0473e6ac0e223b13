import Foundation

/// One APNs notification: what the `aps` dictionary shows, the custom data beside it and the
/// `apns-*` request headers.
public struct APNsNotification: Sendable, Hashable {
    /// APNs' limit on a payload (`aps` and custom data), in bytes.
    public static let maxPayloadBytes = 4096

    /// The alert title.
    public var title: String?
    /// The alert body.
    public var body: String?
    /// The badge number (0 removes it).
    public var badge: Int?
    /// A sound name (`default`).
    public var sound: String?
    /// Custom data: a JSON object as text, its members placed beside `aps`.
    public var customData: String?
    /// `apns-push-type` (`alert`, `background`, …).
    public var pushType: String
    /// `apns-priority` (10 immediate, 5 power-considerate, 1 low).
    public var priority: Int?
    /// `apns-expiration`: until when APNs keeps trying to deliver; nil sends `0` (once, not stored).
    public var expiration: Date?
    /// `apns-collapse-id`: notifications with the same id replace each other on the device.
    public var collapseID: String?

    /// Creates a notification.
    public init(title: String? = nil, body: String? = nil, badge: Int? = nil, sound: String? = nil,
                customData: String? = nil, pushType: String = "alert", priority: Int? = 10,
                expiration: Date? = nil, collapseID: String? = nil) {
        self.title = title
        self.body = body
        self.badge = badge
        self.sound = sound
        self.customData = customData
        self.pushType = pushType
        self.priority = priority
        self.expiration = expiration
        self.collapseID = collapseID
    }

    /// The JSON payload, checked against ``maxPayloadBytes``: `{"aps": {"alert": {"title",
    /// "body"}, "badge", "sound"}, …custom data}`.
    public func payload() throws -> Data {
        var aps: [String: Any] = [:]
        var alert: [String: Any] = [:]
        if let title { alert["title"] = title }
        if let body { alert["body"] = body }
        if !alert.isEmpty { aps["alert"] = alert }
        if let badge { aps["badge"] = badge }
        if let sound { aps["sound"] = sound }
        if pushType == "background" { aps["content-available"] = 1 }
        var root = try PushJSON.customObject(customData) ?? [:]
        guard root["aps"] == nil else { throw PushError.invalidCustomData("the key 'aps' is APNs' own") }
        root["aps"] = aps
        let data = try JSONSerialization.data(withJSONObject: root, options: [.withoutEscapingSlashes, .sortedKeys])
        guard data.count <= Self.maxPayloadBytes else {
            throw PushError.payloadTooLarge(size: data.count, limit: Self.maxPayloadBytes)
        }
        return data
    }
}
