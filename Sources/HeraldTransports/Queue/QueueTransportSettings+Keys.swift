import HeraldCore

extension QueueTransportSettings {
    /// The message-queue settings (`stomp.*`, `queue.*`), with their defaults. The keys give the
    /// environment variables the issue names: `HERALD_STOMP_URL`, `HERALD_STOMP_LOGIN`,
    /// `HERALD_STOMP_PASSCODE`, `HERALD_QUEUE_DESTINATION_PUSH`,
    /// `HERALD_QUEUE_DESTINATION_EXTERNAL`, `HERALD_QUEUE_ENCRYPTION_KEY_FILE`.
    public enum Keys {
        /// `stomp.url`: the broker, required for the queue transport.
        public static let url = SettingKey<String?>(
            "stomp.url", default: nil,
            meaning: "the message broker for the `queue` transport: `stomp://host:port` or `stomp+ssl://host:port` (STOMP 1.2, e.g. ActiveMQ)")
        /// `stomp.login`: `login` of `CONNECT`.
        public static let login = SettingKey<String?>("stomp.login", default: nil, meaning: "the broker login")
        /// `stomp.passcode`: `passcode` of `CONNECT` (secret).
        public static let passcode = SettingKey<String?>("stomp.passcode", default: nil, secret: true, meaning: "the broker passcode")
        /// `stomp.ca.file`: extra trusted roots for `stomp+ssl`.
        public static let caFile = SettingKey<String?>(
            "stomp.ca.file", default: nil, documented: "system roots",
            meaning: "PEM file of the CA certificates trusted for `stomp+ssl://` (verification is never switched off)")
        /// `queue.destination.push`: where push comms go.
        public static let pushDestination = SettingKey(
            "queue.destination.push", default: "/queue/herald.push", meaning: "the destination push comms are sent to (`queue` transport)")
        /// `queue.destination.external`: where external comms go.
        public static let externalDestination = SettingKey(
            "queue.destination.external", default: "/queue/herald.external",
            meaning: "the destination external comms are sent to (`queue` transport)")
        /// `queue.encryption.key.file`: encrypts every message when set.
        public static let encryptionKeyFile = SettingKey<String?>(
            "queue.encryption.key.file", default: nil,
            meaning: "AES-256-GCM key file (`<key id> <base64 32 bytes>` per line; the first seals) that encrypts every queue message "
                + "(docs/queue-message.md); unset sends JSON in the clear")
        /// Every queue setting, in the order of the settings table.
        public static let all: [any SettingDescription] = [url, login, passcode, caFile, pushDestination, externalDestination, encryptionKeyFile]
    }
}
