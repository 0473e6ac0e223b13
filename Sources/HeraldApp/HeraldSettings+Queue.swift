import HeraldCore
import HeraldTransports

extension QueueTransportSettings {
    /// Reads the message-queue hand-off (``QueueTransportSettings/Keys``: `stomp.*`,
    /// `queue.*`), validated; for when `push.transport` or `external.transport` is `queue`.
    /// A bad value is a `HeraldError` naming the setting.
    init(reading settings: SettingsReader) throws {
        guard let url = settings.string(Keys.url) else {
            throw Keys.url.invalid("is required when push.transport (HERALD_PUSH_TRANSPORT) or external.transport (HERALD_EXTERNAL_TRANSPORT) is queue")
        }
        let queue = QueueTransportSettings(
            url: url,
            login: settings.string(Keys.login),
            passcode: try settings.secret(Keys.passcode),
            caFile: settings.string(Keys.caFile),
            pushDestination: settings.nonEmptyText(Keys.pushDestination) ?? Keys.pushDestination.defaultValue,
            externalDestination: settings.nonEmptyText(Keys.externalDestination) ?? Keys.externalDestination.defaultValue,
            encryptionKeyFile: settings.string(Keys.encryptionKeyFile))
        self = try queue.validated()
    }
}
