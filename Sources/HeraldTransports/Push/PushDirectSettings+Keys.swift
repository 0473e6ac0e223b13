import HeraldCore

extension PushDirectSettings {
    /// The direct push route's settings (`push.transport=direct`).
    public enum Keys {
        /// `apns.key`: the team's `.p8` key (secret; `HERALD_APNS_KEY_FILE` names its file).
        public static let apnsKey = SettingKey<String?>(
            "apns.key", default: nil, secret: true,
            meaning: "the APNs team's `.p8` signing key (PEM), usually as a file; sets up APNs for the direct push route")
        /// `apns.key.id`: the key's id.
        public static let apnsKeyID = SettingKey<String?>("apns.key.id", default: nil, meaning: "the APNs key's id (the provider token's `kid`)")
        /// `apns.team.id`: the team id.
        public static let apnsTeamID = SettingKey<String?>("apns.team.id", default: nil, meaning: "the Apple developer team id (the provider token's `iss`)")
        /// `apns.topic`: the app's bundle id.
        public static let apnsTopic = SettingKey<String?>("apns.topic", default: nil, meaning: "the app's bundle id (`apns-topic`)")
        /// `apns.endpoint`: production, sandbox or a URL.
        public static let apnsEndpoint = SettingKey(
            "apns.endpoint", default: "production",
            meaning: "`production`, `sandbox` or an `https` URL (a gateway, a test server)")
        /// `fcm.service.account`: the service account's JSON key (secret).
        public static let fcmServiceAccount = SettingKey<String?>(
            "fcm.service.account", default: nil, secret: true,
            meaning: "the Firebase service account's JSON key, usually as a file; sets up FCM for the direct push route")
        /// `fcm.endpoint`: the FCM endpoint.
        public static let fcmEndpoint = SettingKey(
            "fcm.endpoint", default: "https://fcm.googleapis.com", meaning: "the FCM HTTP v1 endpoint (`…/v1/projects/{project}/messages:send`)")
        /// `fcm.token.endpoint`: the OAuth2 token endpoint.
        public static let fcmTokenEndpoint = SettingKey<String?>(
            "fcm.token.endpoint", default: nil, documented: "the account's `token_uri`",
            meaning: "the OAuth2 token endpoint the service account's assertion is exchanged at")
        /// `push.ca.file`: extra trusted roots.
        public static let caFile = SettingKey<String?>(
            "push.ca.file", default: nil, documented: "system roots",
            meaning: "a PEM file of roots trusted besides the system's for the APNs and FCM endpoints (verification is never off)")

        /// Every direct push setting, in the order of the settings table.
        public static let all: [any SettingDescription] = [
            apnsKey, apnsKeyID, apnsTeamID, apnsTopic, apnsEndpoint, fcmServiceAccount, fcmEndpoint, fcmTokenEndpoint, caFile,
        ]
    }
}
