import HeraldCore

/// How push distributions leave (`push.transport`): the outbox spool (the default), straight
/// to Apple and Google (`direct`: APNs and FCM), or onto a message queue (`queue`: STOMP).
public struct PushTransportSettings: Sendable, Hashable {
    public enum Transport: String, Sendable, Hashable, CaseIterable {
        /// NDJSON spool files in the outbox (development).
        case outbox
        /// APNs (token auth) and FCM HTTP v1, by the token's platform (`apns.*`, `fcm.*`).
        case direct
        /// One JSON message per push on a STOMP broker (`stomp.*`, `queue.*`).
        case queue
    }

    public var transport: Transport

    public init(transport: Transport = Keys.transport.defaultValue) {
        self.transport = transport
    }

    public enum Keys {
        /// `push.transport`.
        public static let transport = SettingKey(
            "push.transport", default: Transport.outbox,
            meaning: "`outbox`, `direct` (APNs and FCM, the `apns.*` and `fcm.*` settings) or `queue` (a STOMP broker, the `stomp.*` and `queue.*` settings)")
    }
}

/// How external distributions leave (`external.transport`): the outbox spool (the default), a
/// message queue, signed webhooks to the external system the comms code names, or extract files.
public struct ExternalTransportSettings: Sendable, Hashable {
    public enum Transport: String, Sendable, Hashable, CaseIterable {
        /// NDJSON spool files in the outbox (development).
        case outbox
        /// One JSON message per comm on a STOMP broker (`stomp.*`, `queue.*`).
        case queue
        /// A signed Standard Webhooks POST per comm to its external system (`external.systems`).
        case webhook
        /// One generic-format file per batch (`external.extract.*`).
        case extract
    }

    public var transport: Transport

    public init(transport: Transport = Keys.transport.defaultValue) {
        self.transport = transport
    }

    public enum Keys {
        /// `external.transport`.
        public static let transport = SettingKey(
            "external.transport", default: Transport.outbox,
            meaning: "`outbox`, `queue` (a STOMP broker), `webhook` (signed POSTs to `external.systems`) or `extract` (files, `external.extract.*`)")
    }
}
