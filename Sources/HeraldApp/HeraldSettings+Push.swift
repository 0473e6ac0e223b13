import HeraldCore
import HeraldTransports
import Logging

extension PushDirectSettings {
    /// Reads the direct push route (``PushDirectSettings/Keys``), validated: APNs when
    /// `apns.key` (or `HERALD_APNS_KEY_FILE`) is given, FCM when `fcm.service.account` (or
    /// `HERALD_FCM_SERVICE_ACCOUNT_FILE`) is; at least one of them.
    init(reading settings: SettingsReader) throws {
        var apns: APNs?
        if let key = try settings.secret(Keys.apnsKey) {
            let required = "is required with an APNs key (\(Keys.apnsKey.fileKey))"
            guard let keyID = settings.string(Keys.apnsKeyID) else { throw Keys.apnsKeyID.invalid(required) }
            guard let teamID = settings.string(Keys.apnsTeamID) else { throw Keys.apnsTeamID.invalid(required) }
            guard let topic = settings.string(Keys.apnsTopic) else { throw Keys.apnsTopic.invalid(required) }
            apns = APNs(key: key, keyID: keyID, teamID: teamID, topic: topic,
                        endpoint: settings.nonEmptyText(Keys.apnsEndpoint) ?? Keys.apnsEndpoint.defaultValue)
        }
        var fcm: FCM?
        if let account = try settings.secret(Keys.fcmServiceAccount) {
            fcm = FCM(serviceAccount: account, endpoint: settings.nonEmptyText(Keys.fcmEndpoint) ?? Keys.fcmEndpoint.defaultValue,
                      tokenEndpoint: settings.string(Keys.fcmTokenEndpoint))
        }
        self = try PushDirectSettings(apns: apns, fcm: fcm, caFile: settings.string(Keys.caFile)).validated()
    }

    /// The transmitter of the direct route: reads the key, the service account and the CA
    /// file (a bad one is a `HeraldError` naming its setting). Its ``PushTransmitter/service``
    /// closes its HTTP client at shutdown.
    public func makeTransmitter(logger: Logger = Logger(label: "herald.push")) async throws -> PushTransmitter {
        try await PushTransmitter(settings: self, logger: logger)
    }
}
