import Foundation
import HeraldCore

/// The settings of the direct push route (`push.transport=direct`): Apple's APNs and Google's
/// FCM HTTP v1, each configured or not (``Keys``), and extra trusted roots for both.
///
/// Plain values; ``validated()`` checks them and names the setting at fault.
public struct PushDirectSettings: Sendable, Hashable {
    /// APNs with token-based authentication.
    public struct APNs: Sendable, Hashable {
        /// The team's `.p8` signing key, PEM (`apns.key`, secret; usually from `HERALD_APNS_KEY_FILE`).
        public var key: String
        /// The key's id (`apns.key.id`).
        public var keyID: String
        /// The team id (`apns.team.id`).
        public var teamID: String
        /// The app's bundle id (`apns.topic`).
        public var topic: String
        /// `production`, `sandbox` or an `https` URL (`apns.endpoint`).
        public var endpoint: String

        /// Creates APNs settings.
        public init(key: String, keyID: String, teamID: String, topic: String, endpoint: String = Keys.apnsEndpoint.defaultValue) {
            self.key = key
            self.keyID = keyID
            self.teamID = teamID
            self.topic = topic
            self.endpoint = endpoint
        }
    }

    /// FCM HTTP v1 with a service account.
    public struct FCM: Sendable, Hashable {
        /// The service account's JSON key (`fcm.service.account`, secret; usually from
        /// `HERALD_FCM_SERVICE_ACCOUNT_FILE`).
        public var serviceAccount: String
        /// The FCM endpoint (`fcm.endpoint`).
        public var endpoint: String
        /// The OAuth2 token endpoint (`fcm.token.endpoint`); nil uses the account's `token_uri`.
        public var tokenEndpoint: String?

        /// Creates FCM settings.
        public init(serviceAccount: String, endpoint: String = Keys.fcmEndpoint.defaultValue, tokenEndpoint: String? = nil) {
            self.serviceAccount = serviceAccount
            self.endpoint = endpoint
            self.tokenEndpoint = tokenEndpoint
        }
    }

    /// APNs, when configured.
    public var apns: APNs?
    /// FCM, when configured.
    public var fcm: FCM?
    /// A PEM file of roots trusted besides the system's (`push.ca.file`).
    public var caFile: String?
    /// The most pushes of all batches in flight at once (HTTP/2 streams). Default 100.
    public var concurrency: Int
    /// How long one request may take. Default 30 s.
    public var timeout: Duration

    /// Creates settings; call ``validated()`` before use.
    public init(apns: APNs? = nil, fcm: FCM? = nil, caFile: String? = nil, concurrency: Int = 100, timeout: Duration = .seconds(30)) {
        self.apns = apns
        self.fcm = fcm
        self.caFile = caFile
        self.concurrency = concurrency
        self.timeout = timeout
    }

    /// The settings if they are usable: at least one provider, an APNs endpoint that is
    /// `production`, `sandbox` or an `https` URL, `https` FCM endpoints, a readable CA file.
    public func validated() throws -> PushDirectSettings {
        let direct = "is required when push.transport is direct"
        guard apns != nil || fcm != nil else {
            throw Keys.apnsKey.invalidFile("\(direct) (or \(Keys.fcmServiceAccount.fileKey) for FCM): no push provider is configured")
        }
        if let apns {
            if apns.keyID.isEmpty { throw Keys.apnsKeyID.invalid(direct + " with an APNs key") }
            if apns.teamID.isEmpty { throw Keys.apnsTeamID.invalid(direct + " with an APNs key") }
            if apns.topic.isEmpty { throw Keys.apnsTopic.invalid(direct + " with an APNs key") }
            let endpoint = apns.endpoint.lowercased()
            if !["production", "sandbox"].contains(endpoint) && !Self.isHTTPS(apns.endpoint) {
                throw Keys.apnsEndpoint.invalid("must be production, sandbox or an https URL, got '\(apns.endpoint)'")
            }
        }
        if let fcm {
            if !Self.isHTTPS(fcm.endpoint) { throw Keys.fcmEndpoint.invalid("must be an https URL, got '\(fcm.endpoint)'") }
            if let token = fcm.tokenEndpoint, !Self.isHTTPS(token) {
                throw Keys.fcmTokenEndpoint.invalid("must be an https URL, got '\(token)'")
            }
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw Keys.caFile.invalid("names a file that cannot be read: \(caFile)")
        }
        if concurrency < 1 { throw HeraldError.invalid("push.concurrency", "must be at least 1") }
        return self
    }

    static func isHTTPS(_ text: String) -> Bool {
        guard let url = URL(string: text), url.scheme?.lowercased() == "https", let host = url.host else { return false }
        return !host.isEmpty
    }
}
