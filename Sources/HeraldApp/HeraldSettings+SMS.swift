import Configuration
import Foundation
import HeraldCore
import HeraldTransports

extension HeraldSettings {
    /// Reads `sms.transport` and `smpp.*` (env `HERALD_SMS_TRANSPORT`, `HERALD_SMPP_HOST`,
    /// `HERALD_SMPP_PORT`, `HERALD_SMPP_SYSTEM_ID`, `HERALD_SMPP_PASSWORD` or
    /// `HERALD_SMPP_PASSWORD_FILE`, `HERALD_SMPP_SYSTEM_TYPE`, `HERALD_SMPP_SOURCE_ADDR`,
    /// `HERALD_SMPP_BIND`, `HERALD_SMPP_WINDOW`, `HERALD_SMPP_TPS`, `HERALD_SMPP_BINDS`), or for
    /// `http` the gateway's `sms.http.*` (``httpGatewaySettings(_:)``).
    /// A bad value is a `HeraldError` naming the setting.
    static func smsSettings(_ config: ConfigReader) throws -> SMSTransportSettings {
        let transportText = config.string(forKey: "sms.transport", default: "outbox")
        guard let transport = SMSTransportSettings.Transport(rawValue: transportText.lowercased()) else {
            throw HeraldError.invalid("sms.transport", "HERALD_SMS_TRANSPORT must be outbox, smpp or http, got '\(transportText)'")
        }
        switch transport {
        case .outbox:
            return SMSTransportSettings(transport: .outbox)
        case .http:
            return SMSTransportSettings(transport: .http, http: try httpGatewaySettings(config))
        case .smpp:
            break
        }
        func integer(_ key: String, _ env: String, default value: Int?) throws -> Int? {
            guard let text = config.string(forKey: ConfigKey(key)), !text.isEmpty else { return value }
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw HeraldError.invalid(key, "\(env) must be a whole number, got '\(text)'")
            }
            return n
        }
        guard let host = config.string(forKey: "smpp.host"), !host.isEmpty else {
            throw HeraldError.invalid("smpp.host", "HERALD_SMPP_HOST is required when HERALD_SMS_TRANSPORT is smpp")
        }
        guard let systemID = config.string(forKey: "smpp.system.id"), !systemID.isEmpty else {
            throw HeraldError.invalid("smpp.system.id", "HERALD_SMPP_SYSTEM_ID is required when HERALD_SMS_TRANSPORT is smpp")
        }
        guard let source = config.string(forKey: "smpp.source.addr"), !source.isEmpty else {
            throw HeraldError.invalid("smpp.source.addr", "HERALD_SMPP_SOURCE_ADDR is required when HERALD_SMS_TRANSPORT is smpp")
        }
        let bindText = config.string(forKey: "smpp.bind", default: "transceiver")
        guard let bind = SMPPRouteSettings.BindMode(rawValue: bindText.lowercased()) else {
            throw HeraldError.invalid("smpp.bind", "HERALD_SMPP_BIND must be transceiver or transmitter+receiver, got '\(bindText)'")
        }
        let route = SMPPRouteSettings(
            host: host,
            port: try integer("smpp.port", "HERALD_SMPP_PORT", default: 2775) ?? 2775,
            systemID: systemID,
            password: try secret(config, "smpp.password") ?? "",
            systemType: config.string(forKey: "smpp.system.type", default: ""),
            sourceAddress: source,
            bind: bind,
            window: try integer("smpp.window", "HERALD_SMPP_WINDOW", default: 64) ?? 64,
            tps: try integer("smpp.tps", "HERALD_SMPP_TPS", default: nil),
            binds: try integer("smpp.binds", "HERALD_SMPP_BINDS", default: 1) ?? 1)
        return SMSTransportSettings(transport: .smpp, smpp: try route.validated())
    }

    /// Reads the HTTP-gateway route (env `HERALD_SMS_HTTP_ROUTE`, `HERALD_SMS_HTTP_URL`,
    /// `HERALD_SMS_HTTP_AUTH_HEADER`, `HERALD_SMS_HTTP_AUTH_VALUE` or
    /// `HERALD_SMS_HTTP_AUTH_VALUE_FILE`, `HERALD_SMS_HTTP_BODY`, `HERALD_SMS_HTTP_ID_PATH`,
    /// `HERALD_SMS_HTTP_FROM`). A bad value is a `HeraldError` naming the setting.
    static func httpGatewaySettings(_ config: ConfigReader) throws -> HTTPGatewaySettings {
        func text(_ key: String) -> String? {
            guard let value = config.string(forKey: ConfigKey(key)), !value.isEmpty else { return nil }
            return value
        }
        guard let url = text("sms.http.url") else {
            throw HeraldError.invalid("sms.http.url", "HERALD_SMS_HTTP_URL is required when HERALD_SMS_TRANSPORT is http")
        }
        let gateway = HTTPGatewaySettings(
            route: text("sms.http.route") ?? "default",
            url: url,
            authHeader: text("sms.http.auth.header"),
            authValue: try secret(config, "sms.http.auth.value"),
            body: text("sms.http.body") ?? HTTPGatewaySettings.defaultBody,
            idPath: text("sms.http.id.path") ?? "id",
            from: text("sms.http.from") ?? "")
        return try gateway.validated()
    }
}
