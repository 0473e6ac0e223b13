import HeraldCore
import HeraldTransports

extension SMSTransportSettings {
    /// Reads `sms.transport` (``SMSTransportSettings/Keys``) and the chosen route's settings:
    /// `smpp.*` or `sms.http.*`. A bad value is a `HeraldError` naming the setting.
    init(reading settings: SettingsReader) throws {
        let transport = try settings.choice(Keys.transport, expected: "outbox, smpp or http") { Transport(rawValue: $0.lowercased()) }
        switch transport {
        case .outbox:
            self.init(transport: .outbox)
        case .http:
            self.init(transport: .http, http: try HTTPGatewaySettings(reading: settings))
        case .smpp:
            self.init(transport: .smpp, smpp: try SMPPRouteSettings(reading: settings))
        }
    }
}

extension SMPPRouteSettings {
    /// Reads the SMPP route (``SMPPRouteSettings/Keys``), validated.
    init(reading settings: SettingsReader) throws {
        let required = "is required when \(SMSTransportSettings.Keys.transport.name) is smpp"
        guard let host = settings.string(Keys.host) else { throw Keys.host.invalid(required) }
        guard let systemID = settings.string(Keys.systemID) else { throw Keys.systemID.invalid(required) }
        guard let source = settings.string(Keys.sourceAddress) else { throw Keys.sourceAddress.invalid(required) }
        let bind = try settings.choice(Keys.bind, expected: "transceiver or transmitter+receiver") { BindMode(rawValue: $0.lowercased()) }
        self.init(
            host: host,
            port: try settings.wholeNumber(Keys.port),
            systemID: systemID,
            password: try settings.secret(Keys.password) ?? Keys.password.defaultValue,
            systemType: settings.string(Keys.systemType),
            sourceAddress: source,
            bind: bind,
            window: try settings.wholeNumber(Keys.window),
            tps: try settings.wholeNumber(Keys.tps),
            binds: try settings.wholeNumber(Keys.binds))
        try validated()
    }
}

extension HTTPGatewaySettings {
    /// Reads the HTTP-gateway route (``HTTPGatewaySettings/Keys``), validated.
    init(reading settings: SettingsReader) throws {
        guard let url = settings.string(Keys.url) else {
            throw Keys.url.invalid("is required when \(SMSTransportSettings.Keys.transport.name) is http")
        }
        let gateway = HTTPGatewaySettings(
            route: settings.nonEmptyText(Keys.route) ?? Keys.route.defaultValue,
            url: url,
            authHeader: settings.string(Keys.authHeader),
            authValue: try settings.secret(Keys.authValue),
            body: settings.nonEmptyText(Keys.body) ?? Keys.body.defaultValue,
            idPath: settings.nonEmptyText(Keys.idPath) ?? Keys.idPath.defaultValue,
            from: settings.nonEmptyText(Keys.from) ?? Keys.from.defaultValue)
        self = try gateway.validated()
    }
}
