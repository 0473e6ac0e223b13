import HeraldCore

extension SMPPRouteSettings {
    /// The SMPP route's settings (`smpp.*`), with their defaults.
    public enum Keys {
        /// `smpp.host`: the SMSC, required for SMPP.
        public static let host = SettingKey<String?>("smpp.host", default: nil, meaning: "the SMSC's host (required for `smpp`)")
        /// `smpp.port`: the SMSC's port.
        public static let port = SettingKey("smpp.port", default: 2775, meaning: "the SMSC's port")
        /// `smpp.system.id`: the bind's `system_id`, required for SMPP.
        public static let systemID = SettingKey<String?>(
            "smpp.system.id", default: nil, meaning: "`system_id` of the bind, at most 15 characters (required for `smpp`)")
        /// `smpp.password`: the bind's `password` (secret).
        public static let password = SettingKey(
            "smpp.password", default: "", secret: true, meaning: "`password` of the bind, at most 8 characters")
        /// `smpp.system.type`: the bind's `system_type`.
        public static let systemType = SettingKey(
            "smpp.system.type", default: "", meaning: "`system_type` of the bind, at most 12 characters")
        /// `smpp.source.addr`: the sender, required for SMPP.
        public static let sourceAddress = SettingKey<String?>(
            "smpp.source.addr", default: nil,
            meaning: "the sender: alphanumeric (up to 11 characters), a short code (3–8 digits) or `+` and an E.164 number "
                + "(required for `smpp`)")
        /// `smpp.bind`: one transceiver or a transmitter and a receiver per bind.
        public static let bind = SettingKey(
            "smpp.bind", default: BindMode.transceiver,
            meaning: "`transceiver` (submits and receipts on one connection) or `transmitter+receiver` (two connections)")
        /// `smpp.window`: outstanding `submit_sm` per bind.
        public static let window = SettingKey("smpp.window", default: 64, meaning: "outstanding `submit_sm` per bind")
        /// `smpp.tps`: the route's cap of `submit_sm` per second, none by default.
        public static let tps = SettingKey<Int?>(
            "smpp.tps", default: nil, meaning: "the most `submit_sm` per second for the whole route, split evenly over the binds")
        /// `smpp.binds`: binds kept open.
        public static let binds = SettingKey("smpp.binds", default: 1, meaning: "binds kept open to the SMSC")
        /// Every SMPP setting, in the order of the settings table.
        public static let all: [any SettingDescription] = [
            host, port, systemID, password, systemType, sourceAddress, bind, window, tps, binds,
        ]
    }
}
