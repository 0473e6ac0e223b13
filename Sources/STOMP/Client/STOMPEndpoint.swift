/// Where a broker listens, from a URL: `stomp://host:port` (plain TCP) or
/// `stomp+ssl://host:port` (TLS). The port defaults to 61613; an IPv6 literal is written in
/// brackets (`stomp://[::1]:61613`).
public struct STOMPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The host name or address.
    public var host: String
    /// The port.
    public var port: Int
    /// Whether the connection uses TLS.
    public var tls: Bool

    /// The IANA-registered STOMP port, 61613 (also ActiveMQ's and RabbitMQ's default).
    public static let defaultPort = 61613

    /// Creates an endpoint.
    public init(host: String, port: Int = STOMPEndpoint.defaultPort, tls: Bool = false) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// Parses `stomp://host[:port][/]` or `stomp+ssl://…` (also `stomp+tls://`, `stomps://`).
    public init(url: String) throws(STOMPError) {
        let parts = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw STOMPError(.invalidConfiguration, "'\(url)' is not a stomp:// or stomp+ssl:// URL")
        }
        let scheme = parts[0].lowercased()
        switch scheme {
        case "stomp", "tcp": tls = false
        case "stomp+ssl", "stomp+tls", "stomps", "ssl": tls = true
        default: throw STOMPError(.invalidConfiguration, "'\(scheme)' is not a STOMP scheme (stomp or stomp+ssl)")
        }
        var rest = parts[1]
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else {
                throw STOMPError(.invalidConfiguration, "a STOMP URL has no path: '\(url)'")
            }
            rest = rest[..<slash]
        }
        guard !rest.contains("@"), !rest.contains("?") else {
            throw STOMPError(.invalidConfiguration, "give the login and passcode as settings, not in the URL")
        }
        var hostPart = Substring(rest), portPart: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw STOMPError(.invalidConfiguration, "unclosed '[' in '\(url)'") }
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() } else if !after.isEmpty {
                throw STOMPError(.invalidConfiguration, "unexpected '\(after)' after the host in '\(url)'")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { throw STOMPError(.invalidConfiguration, "no host in '\(url)'") }
        host = String(hostPart)
        if let portPart {
            guard let number = Int(portPart), (1...65535).contains(number) else {
                throw STOMPError(.invalidConfiguration, "port '\(portPart)' in '\(url)' is not 1–65535")
            }
            port = number
        } else {
            port = Self.defaultPort
        }
    }

    /// The URL: `stomp://host:port` or `stomp+ssl://host:port`.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(tls ? "stomp+ssl" : "stomp")://\(shownHost):\(port)"
    }
}
