import Foundation
import HeraldCore
import HeraldTransports

extension EmailTransportSettings {
    /// Reads `email.transport`, `smtp.*` and `dkim.*` (``EmailTransportSettings/Keys``; `dkim.keys`
    /// is `domain:selector:keyfile;…` for more sender domains). A bad value is a `HeraldError`
    /// naming the setting; DKIM keys are loaded now, not at the first email.
    init(reading settings: SettingsReader) throws {
        self.init()
        transport = try settings.choice(Keys.transport, expected: "outbox or smtp") { Transport(rawValue: $0.lowercased()) }

        if transport == .smtp {
            guard let host = settings.string(Keys.smtpHost) else {
                throw Keys.smtpHost.invalid("is required when \(Keys.transport.name) is smtp")
            }
            let tls = try settings.choice(Keys.smtpTLS, expected: "none, starttls or tls") { TLS(rawValue: $0.lowercased()) }
            var port = Keys.smtpPort.defaultValue ?? tls.defaultPort
            if let text = settings.text(Keys.smtpPort) {
                guard let p = Int(text), (1...65535).contains(p) else {
                    throw Keys.smtpPort.invalid("must be a port number 1–65535, got '\(text)'")
                }
                port = p
            }
            let username = settings.string(Keys.smtpUsername)
            let password = try settings.secret(Keys.smtpPassword)
            if (username == nil) != (password == nil) {
                throw (username == nil ? Keys.smtpUsername : Keys.smtpPassword).invalid(
                    "goes with \((username == nil ? Keys.smtpPassword : Keys.smtpUsername).name): give both or neither")
            }
            let caFile = settings.string(Keys.smtpCAFile)
            if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                throw Keys.smtpCAFile.invalid("names a file that cannot be read: \(caFile)")
            }
            var connections = Keys.smtpConnections.defaultValue
            if let text = settings.text(Keys.smtpConnections) {
                guard let n = Int(text), (1...64).contains(n) else { throw Keys.smtpConnections.invalid("must be 1–64, got '\(text)'") }
                connections = n
            }
            smtp = .init(host: host, port: port, tls: tls, username: username, password: password, caFile: caFile,
                         connections: connections)
        }

        let domain = settings.string(Keys.dkimDomain)
        let selector = settings.string(Keys.dkimSelector)
        let keyFile = settings.string(Keys.dkimKeyFile)
        if domain != nil || selector != nil || keyFile != nil {
            guard let domain else { throw Keys.dkimDomain.invalid("is required for DKIM signing") }
            guard let selector else { throw Keys.dkimSelector.invalid("is required for DKIM signing") }
            guard let keyFile else { throw Keys.dkimKeyFile.invalid("is required for DKIM signing") }
            for (key, value) in [(Keys.dkimDomain, domain), (Keys.dkimSelector, selector)]
            where value.contains(where: { $0 == ";" || $0.isWhitespace }) {
                throw key.invalid("must not contain ';' or spaces")
            }
            dkim = .init(domain: domain, selector: selector, keyFile: keyFile)
        }
        if let list = settings.string(Keys.dkimKeys), !list.trimmingCharacters(in: .whitespaces).isEmpty {
            dkimKeys = try Self.parseDKIMKeys(list)
        }
        if dkim != nil || !dkimKeys.isEmpty {
            _ = try makeComposer()  // the keys must load now, not at the first email
        }
        smtpUTF8 = try settings.flag(Keys.smtpUTF8, yes: ["true", "1", "yes"], no: ["false", "0", "no"])
    }

    /// `domain:selector:keyfile;domain2:selector2:keyfile2` (`dkim.keys`): one DKIM key per
    /// sender domain. The key file is everything after the second colon.
    static func parseDKIMKeys(_ list: String) throws -> [DKIM] {
        var keys: [DKIM] = []
        for item in list.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: ":", maxSplits: 2).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }),
                  !parts[0].contains(where: \.isWhitespace), !parts[1].contains(where: \.isWhitespace) else {
                throw Keys.dkimKeys.invalid("entries are domain:selector:keyfile separated by ';', got '\(item)'")
            }
            if keys.contains(where: { $0.domain.lowercased() == parts[0].lowercased() }) {
                throw Keys.dkimKeys.invalid("names domain \(parts[0]) twice")
            }
            keys.append(.init(domain: parts[0], selector: parts[1], keyFile: parts[2]))
        }
        return keys
    }
}
