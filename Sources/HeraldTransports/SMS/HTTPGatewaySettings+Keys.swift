import HeraldCore

extension HTTPGatewaySettings {
    /// The HTTP-gateway route's settings (`sms.http.*`), with their defaults.
    public enum Keys {
        /// `sms.http.route`: the route's name in its status callback path.
        public static let route = SettingKey(
            "sms.http.route", default: "default",
            meaning: "the route's name in the status callback path `POST /v1/inbound/sms-status/{route}`")
        /// `sms.http.url`: the aggregator's endpoint, required for the HTTP gateway.
        public static let url = SettingKey<String?>(
            "sms.http.url", default: nil,
            meaning: "the aggregator's endpoint, `http` or `https` (required for `http`); Herald `POST`s one JSON request per SMS")
        /// `sms.http.auth.header`: the authentication header's name; `Authorization` when a value is set.
        public static let authHeader = SettingKey<String?>(
            "sms.http.auth.header", default: nil, documented: "`Authorization` when a value is set, none",
            meaning: "the name of an authentication header sent with every request")
        /// `sms.http.auth.value`: the authentication header's value (secret).
        public static let authValue = SettingKey<String?>(
            "sms.http.auth.value", default: nil, secret: true, meaning: "the authentication header's value, e.g. `Bearer …`")
        /// `sms.http.body`: the JSON body template.
        public static let body = SettingKey(
            "sms.http.body", default: #"{"to":"{{to}}","from":"{{from}}","text":"{{text}}","reference":"{{id}}"}"#,
            meaning: "the JSON body template; `{{to}}`, `{{from}}`, `{{text}}` and `{{id}}` (the distribution id) are "
                + "JSON-escaped, so put them inside strings")
        /// `sms.http.id.path`: where the provider's message id is in the response.
        public static let idPath = SettingKey(
            "sms.http.id.path", default: "id",
            meaning: "where the provider's message id is in a 2xx response: dotted keys, numbers index arrays (`messages.0.id`)")
        /// `sms.http.from`: the sender.
        public static let from = SettingKey(
            "sms.http.from", default: "", meaning: "the sender (required when the body uses `{{from}}`)")
        /// Every HTTP-gateway setting, in the order of the settings table.
        public static let all: [any SettingDescription] = [route, url, authHeader, authValue, body, idPath, from]
    }
}
