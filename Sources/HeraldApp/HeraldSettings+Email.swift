import Configuration
import Foundation
import HeraldCore
import HeraldTransports

extension HeraldSettings {
    /// Reads `email.transport`, `smtp.*` and `dkim.*` (env `HERALD_EMAIL_TRANSPORT`,
    /// `HERALD_SMTP_HOST`, `HERALD_SMTP_PORT`, `HERALD_SMTP_TLS`, `HERALD_SMTP_USERNAME`,
    /// `HERALD_SMTP_PASSWORD` or `HERALD_SMTP_PASSWORD_FILE`, `HERALD_SMTP_CA_FILE`,
    /// `HERALD_SMTP_CONNECTIONS`, `HERALD_DKIM_DOMAIN`, `HERALD_DKIM_SELECTOR`,
    /// `HERALD_DKIM_KEY_FILE`, `HERALD_DKIM_KEYS` = `domain:selector:keyfile;…` for more sender
    /// domains, `HERALD_SMTP_SMTPUTF8`). A bad value is a `HeraldError` naming the setting.
    static func emailSettings(_ config: ConfigReader) throws -> EmailTransportSettings {
        var email = EmailTransportSettings()
        let transport = config.string(forKey: "email.transport", default: "outbox")
        guard let parsed = EmailTransportSettings.Transport(rawValue: transport.lowercased()) else {
            throw HeraldError.invalid("email.transport", "HERALD_EMAIL_TRANSPORT must be outbox or smtp, got '\(transport)'")
        }
        email.transport = parsed

        if parsed == .smtp {
            guard let host = config.string(forKey: "smtp.host"), !host.isEmpty else {
                throw HeraldError.invalid("smtp.host", "HERALD_SMTP_HOST is required when HERALD_EMAIL_TRANSPORT is smtp")
            }
            let tlsText = config.string(forKey: "smtp.tls", default: "starttls")
            guard let tls = EmailTransportSettings.TLS(rawValue: tlsText.lowercased()) else {
                throw HeraldError.invalid("smtp.tls", "HERALD_SMTP_TLS must be none, starttls or tls, got '\(tlsText)'")
            }
            var port = tls.defaultPort
            if let text = config.string(forKey: "smtp.port") {
                guard let p = Int(text), (1...65535).contains(p) else {
                    throw HeraldError.invalid("smtp.port", "HERALD_SMTP_PORT must be a port number 1–65535, got '\(text)'")
                }
                port = p
            }
            let username = config.string(forKey: "smtp.username").flatMap { $0.isEmpty ? nil : $0 }
            let password = try secret(config, "smtp.password")
            if (username == nil) != (password == nil) {
                throw HeraldError.invalid(username == nil ? "smtp.username" : "smtp.password",
                                          "HERALD_SMTP_USERNAME and HERALD_SMTP_PASSWORD (or _FILE) go together")
            }
            let caFile = config.string(forKey: "smtp.ca.file").flatMap { $0.isEmpty ? nil : $0 }
            if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                throw HeraldError.invalid("smtp.ca.file", "HERALD_SMTP_CA_FILE \(caFile) cannot be read")
            }
            let connectionsText = config.string(forKey: "smtp.connections", default: "2")
            guard let connections = Int(connectionsText), (1...64).contains(connections) else {
                throw HeraldError.invalid("smtp.connections", "HERALD_SMTP_CONNECTIONS must be 1–64, got '\(connectionsText)'")
            }
            email.smtp = .init(host: host, port: port, tls: tls, username: username, password: password, caFile: caFile,
                               connections: connections)
        }

        let domain = config.string(forKey: "dkim.domain").flatMap { $0.isEmpty ? nil : $0 }
        let selector = config.string(forKey: "dkim.selector").flatMap { $0.isEmpty ? nil : $0 }
        let keyFile = config.string(forKey: "dkim.key.file").flatMap { $0.isEmpty ? nil : $0 }
        if domain != nil || selector != nil || keyFile != nil {
            guard let domain else { throw HeraldError.invalid("dkim.domain", "HERALD_DKIM_DOMAIN is required for DKIM signing") }
            guard let selector else { throw HeraldError.invalid("dkim.selector", "HERALD_DKIM_SELECTOR is required for DKIM signing") }
            guard let keyFile else { throw HeraldError.invalid("dkim.key.file", "HERALD_DKIM_KEY_FILE is required for DKIM signing") }
            for (key, value, env) in [("dkim.domain", domain, "HERALD_DKIM_DOMAIN"), ("dkim.selector", selector, "HERALD_DKIM_SELECTOR")]
            where value.contains(where: { $0 == ";" || $0.isWhitespace }) {
                throw HeraldError.invalid(key, "\(env) must not contain ';' or spaces")
            }
            email.dkim = .init(domain: domain, selector: selector, keyFile: keyFile)
        }
        if let list = config.string(forKey: "dkim.keys"), !list.trimmingCharacters(in: .whitespaces).isEmpty {
            email.dkimKeys = try dkimKeys(list)
        }
        if email.dkim != nil || !email.dkimKeys.isEmpty {
            _ = try email.makeComposer()  // the keys must load now, not at the first email
        }
        let utf8Text = config.string(forKey: "smtp.smtputf8", default: "false").lowercased()
        guard ["true", "false", "1", "0", "yes", "no"].contains(utf8Text) else {
            throw HeraldError.invalid("smtp.smtputf8", "HERALD_SMTP_SMTPUTF8 must be true or false, got '\(utf8Text)'")
        }
        email.smtpUTF8 = ["true", "1", "yes"].contains(utf8Text)
        return email
    }

    /// `domain:selector:keyfile;domain2:selector2:keyfile2` (`HERALD_DKIM_KEYS`): one DKIM key per
    /// sender domain. The key file is everything after the second colon.
    static func dkimKeys(_ list: String) throws -> [EmailTransportSettings.DKIM] {
        var keys: [EmailTransportSettings.DKIM] = []
        for item in list.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: ":", maxSplits: 2).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }),
                  !parts[0].contains(where: \.isWhitespace), !parts[1].contains(where: \.isWhitespace) else {
                throw HeraldError.invalid("dkim.keys", "HERALD_DKIM_KEYS entries are domain:selector:keyfile separated by ';', got '\(item)'")
            }
            if keys.contains(where: { $0.domain.lowercased() == parts[0].lowercased() }) {
                throw HeraldError.invalid("dkim.keys", "HERALD_DKIM_KEYS names domain \(parts[0]) twice")
            }
            keys.append(.init(domain: parts[0], selector: parts[1], keyFile: parts[2]))
        }
        return keys
    }
}
