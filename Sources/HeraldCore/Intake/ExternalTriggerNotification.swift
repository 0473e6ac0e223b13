import Crypto
import Foundation

/// The "External Trigger" notification of the system we re-build (its published JSON Schema,
/// 2019-09, `additionalProperties: false`), accepted on `POST /v1/external-triggers` and as
/// lines of `herald import` beside Herald's own form (``ExternalTriggerInput``, version 2).
///
/// The sender names a trigger configured in the catalog (`triggers/<triggerId>.json`, a
/// ``ConfiguredTrigger``), never a comms code; the notification is identified by `channel` +
/// `uniqueReference` (else `serialNumber`), which is its idempotency key: a charging system
/// sending the same trigger for two customers sends two notifications, not a replay.
///
/// Our copy of the schema does not show `hierarchyEntity`'s field names; Herald takes
/// `{"type": "ACCOUNT" | "SUBSCRIPTION", "reference": "…"}` (`docs/external-trigger.schema.json`).
public struct ExternalTriggerNotification: Sendable, Hashable, Codable {
    /// Whom the notification is about.
    public struct HierarchyEntity: Sendable, Hashable, Codable {
        /// `ACCOUNT` or `SUBSCRIPTION`.
        public var type: String?
        public var reference: String?

        public init(type: String?, reference: String?) {
            self.type = type
            self.reference = reference
        }
    }

    /// One name/value pair; they become merge fields through the trigger's mapping.
    public struct Attribute: Sendable, Hashable, Codable {
        public var name: String?
        public var value: String?

        public init(name: String?, value: String?) {
            self.name = name
            self.value = value
        }
    }

    /// `COMMS`.
    public var interfaceCategory: String?
    /// `EXTERNAL_TRIGGER`.
    public var interfaceType: String?
    /// `1.0` (a number or a string in JSON).
    public var version: String?
    /// When the sender sent it (ISO 8601 date-time), for the audit.
    public var transmitDateTime: String?
    /// The sending system, 1 to 20 characters.
    public var channel: String?
    public var hierarchyEntity: HierarchyEntity?
    /// Identifies this notification (audit, idempotency).
    public var uniqueReference: String?
    /// A trigger configured in the catalog, up to 100 characters.
    public var triggerId: String?
    public var attributes: [Attribute]?
    /// The sender's serial number; the idempotency key when there is no `uniqueReference`.
    public var serialNumber: String?

    public init(interfaceCategory: String? = "COMMS", interfaceType: String? = "EXTERNAL_TRIGGER", version: String? = "1.0",
                transmitDateTime: String? = nil, channel: String?, hierarchyEntity: HierarchyEntity?, uniqueReference: String? = nil,
                triggerId: String?, attributes: [Attribute]? = nil, serialNumber: String? = nil) {
        self.interfaceCategory = interfaceCategory
        self.interfaceType = interfaceType
        self.version = version
        self.transmitDateTime = transmitDateTime
        self.channel = channel
        self.hierarchyEntity = hierarchyEntity
        self.uniqueReference = uniqueReference
        self.triggerId = triggerId
        self.attributes = attributes
        self.serialNumber = serialNumber
    }

    enum CodingKeys: String, CodingKey {
        case interfaceCategory, interfaceType, version, transmitDateTime, channel, hierarchyEntity, uniqueReference, triggerId
        case attributes, serialNumber
    }

    /// Decodes the notification; `version` and `serialNumber` may be numbers or strings.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        interfaceCategory = try c.decodeIfPresent(String.self, forKey: .interfaceCategory)
        interfaceType = try c.decodeIfPresent(String.self, forKey: .interfaceType)
        version = try Self.text(c, .version)
        transmitDateTime = try c.decodeIfPresent(String.self, forKey: .transmitDateTime)
        channel = try c.decodeIfPresent(String.self, forKey: .channel)
        hierarchyEntity = try c.decodeIfPresent(HierarchyEntity.self, forKey: .hierarchyEntity)
        uniqueReference = try c.decodeIfPresent(String.self, forKey: .uniqueReference)
        triggerId = try c.decodeIfPresent(String.self, forKey: .triggerId)
        attributes = try c.decodeIfPresent([Attribute].self, forKey: .attributes)
        serialNumber = try Self.text(c, .serialNumber)
    }

    static func text(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String? {
        if let s = try? c.decodeIfPresent(String.self, forKey: key) { return s }
        if let i = try? c.decodeIfPresent(Int.self, forKey: key) { return String(i) }
        if let d = try c.decodeIfPresent(Double.self, forKey: key) { return d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : String(d) }
        return nil
    }

    /// Whether a JSON object is in this form rather than Herald's (version 2): it names the
    /// interface, or says version 1.
    public static func isThisForm(_ object: [String: Any]) -> Bool {
        if object["interfaceCategory"] != nil || object["interfaceType"] != nil || object["hierarchyEntity"] != nil { return true }
        if let v = object["version"] as? String { return v == "1.0" || v == "1" }
        if let v = object["version"] as? NSNumber { return v.doubleValue == 1 }
        return false
    }

    /// The idempotency key: `cmp:<channel>:ref:<uniqueReference>`, else `…:serial:<serialNumber>`;
    /// nil when the notification carries neither (each is then new).
    public var idempotencyKey: String? {
        guard let channel else { return nil }
        if let r = uniqueReference, !r.isEmpty { return "cmp:\(channel):ref:\(r)" }
        if let s = serialNumber, !s.isEmpty { return "cmp:\(channel):serial:\(s)" }
        return nil
    }

    /// SHA-256 (hex) of the notification's canonical JSON (sorted keys): its body hash for
    /// idempotency, the same whether it came through the API or `herald import`.
    /// `transmitDateTime` is left out: a sender resending the same notification stamps its new
    /// send time, and that is still the same notification.
    public var canonicalHash: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var same = self
        same.transmitDateTime = nil
        let data = (try? encoder.encode(same)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Checks the fields the schema constrains, naming the first that is wrong (a
    /// ``HeraldError/invalid(_:_:)`` with that field).
    public func validated() throws(HeraldError) -> (channel: String, triggerId: String, target: TargetRef) {
        guard let category = interfaceCategory else { throw .invalid("interfaceCategory", "interfaceCategory is required (COMMS)") }
        guard category == "COMMS" else { throw .invalid("interfaceCategory", "interfaceCategory must be COMMS, got '\(category)'") }
        guard let type = interfaceType else { throw .invalid("interfaceType", "interfaceType is required (EXTERNAL_TRIGGER)") }
        guard type == "EXTERNAL_TRIGGER" else { throw .invalid("interfaceType", "interfaceType must be EXTERNAL_TRIGGER, got '\(type)'") }
        guard let version else { throw .invalid("version", "version is required (1.0)") }
        guard version == "1.0" || version == "1" else { throw .invalid("version", "version must be 1.0 for this form, got '\(version)'") }
        guard let channel, !channel.isEmpty else { throw .invalid("channel", "channel is required (the sending system, 1 to 20 characters)") }
        guard channel.count <= 20 else { throw .invalid("channel", "channel must be 1 to 20 characters, got \(channel.count)") }
        guard let triggerId, !triggerId.isEmpty else { throw .invalid("triggerId", "triggerId is required (a trigger configured in the catalog)") }
        guard triggerId.count <= 100 else { throw .invalid("triggerId", "triggerId must be at most 100 characters, got \(triggerId.count)") }
        if let t = transmitDateTime, (try? Date(t, strategy: .iso8601)) == nil {
            throw .invalid("transmitDateTime", "transmitDateTime must be an ISO 8601 date-time like 2026-12-07T09:30:00Z, got '\(t)'")
        }
        guard let entity = hierarchyEntity else {
            throw .invalid("hierarchyEntity", "hierarchyEntity is required: {\"type\": \"ACCOUNT\" or \"SUBSCRIPTION\", \"reference\": …}")
        }
        guard let reference = entity.reference, !reference.isEmpty else {
            throw .invalid("hierarchyEntity.reference", "hierarchyEntity.reference is required (the account or subscription id)")
        }
        let target: TargetRef
        switch entity.type {
        case "ACCOUNT": target = TargetRef(.account, reference)
        case "SUBSCRIPTION": target = TargetRef(.subscription, reference)
        case let other:
            throw .invalid("hierarchyEntity.type", "hierarchyEntity.type must be ACCOUNT or SUBSCRIPTION, got '\(other ?? "nothing")'")
        }
        for (i, a) in (attributes ?? []).enumerated() {
            guard let name = a.name, !name.isEmpty else { throw .invalid("attributes[\(i)].name", "attributes[\(i)].name is required") }
            guard a.value != nil else { throw .invalid("attributes[\(i)].value", "attributes[\(i)].value is required (attribute \(name))") }
        }
        return (channel, triggerId, target)
    }
}

/// A trigger configured in the catalog (`triggers/<id>.json`): what an external notification
/// naming it does, and how its attributes become merge fields.
public struct ConfiguredTrigger: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        /// Raise a comm of this code.
        case sendComm(commsCode: String)
        /// Raise a workflow event (its linked codes follow).
        case raiseEvent(eventType: String, eventCode: String, whenToCreate: String)
    }

    public var id: String
    public var description: String
    public var action: Action
    public var priority: Int?
    /// Merge field ← attribute name.
    public var fields: [String: String]
    /// Attributes a notification must carry.
    public var requiredAttributes: [String]

    public init(id: String, description: String, action: Action, priority: Int? = nil, fields: [String: String] = [:],
                requiredAttributes: [String] = []) {
        self.id = id
        self.description = description
        self.action = action
        self.priority = priority
        self.fields = fields
        self.requiredAttributes = requiredAttributes
    }

    /// The merge fields of a notification's attributes (unmapped attributes are not fields); a
    /// required attribute missing is refused, naming it.
    public func fields(from attributes: [ExternalTriggerNotification.Attribute]) throws(HeraldError) -> [String: String] {
        var values: [String: String] = [:]
        for a in attributes { if let n = a.name, let v = a.value { values[n] = v } }
        for name in requiredAttributes where values[name] == nil {
            throw .invalid("attributes", "trigger \(id) needs the attribute \(name)")
        }
        var out: [String: String] = [:]
        for (field, attribute) in fields { if let v = values[attribute] { out[field] = v } }
        return out
    }
}
