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
    /// "body"}, "badge", "sound"}, …custom data}` (written directly: it is built for every push).
    public func payload() throws -> Data {
        Data(try payloadBytes())
    }

    /// ``payload()``'s bytes.
    func payloadBytes() throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + (customData?.utf8.count ?? 0))
        out.append(contentsOf: #"{"aps":{"#.utf8)
        var first = true
        func member(_ name: String) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONText.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        if title != nil || body != nil {
            member("alert")
            out.append(UInt8(ascii: "{"))
            if let title {
                out.append(contentsOf: #""title":"#.utf8)
                JSONText.appendString(title, to: &out)
            }
            if let body {
                if title != nil { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: #""body":"#.utf8)
                JSONText.appendString(body, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        if let badge {
            member("badge")
            out.append(contentsOf: String(badge).utf8)
        }
        if let sound {
            member("sound")
            JSONText.appendString(sound, to: &out)
        }
        if pushType == "background" {
            member("content-available")
            out.append(UInt8(ascii: "1"))
        }
        out.append(UInt8(ascii: "}"))
        if let customData, !Self.isBlank(customData) {
            guard let (members, hasAPS) = JSONText.objectMembers(customData, findingKey: "aps") else {
                throw PushError.invalidCustomData("not a JSON object")
            }
            guard !hasAPS else { throw PushError.invalidCustomData("the key 'aps' is APNs' own") }
            if !members.isEmpty {
                out.append(UInt8(ascii: ","))
                out.append(contentsOf: members)
            }
        }
        out.append(UInt8(ascii: "}"))
        guard out.count <= Self.maxPayloadBytes else {
            throw PushError.payloadTooLarge(size: out.count, limit: Self.maxPayloadBytes)
        }
        return out
    }

    /// Whether `text` is empty or whitespace only (`allSatisfy(\.isWhitespace)`), answered at
    /// its first byte for the usual `{`.
    static func isBlank(_ text: String) -> Bool {
        if let first = text.utf8.first, first < 0x80, !(0x09...0x0D).contains(first), first != 0x20 { return false }
        return text.allSatisfy(\.isWhitespace)
    }
}
