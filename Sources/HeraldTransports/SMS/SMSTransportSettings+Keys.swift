import HeraldCore

extension SMSTransportSettings {
    /// The SMS settings: `sms.transport` here, the routes' in ``SMPPRouteSettings/Keys`` and
    /// ``HTTPGatewaySettings/Keys``.
    public enum Keys {
        /// `sms.transport`: the outbox, SMPP or an HTTP gateway.
        public static let transport = SettingKey(
            "sms.transport", default: Transport.outbox,
            meaning: "`outbox`, `smpp` (the `smpp.*` settings) or `http` (an aggregator's JSON-over-HTTP API, the `sms.http.*` settings)")
        /// Every SMS setting, in the order of the settings table.
        public static let all: [any SettingDescription] = [transport] + SMPPRouteSettings.Keys.all + HTTPGatewaySettings.Keys.all
    }
}
