import Foundation
import HeraldCore

/// The settings of the HTTP-gateway SMS route (`sms.http.*`, described with their defaults in
/// ``Keys``): one JSON-over-HTTP `POST` per SMS to an aggregator, and the name of the route its
/// status callbacks arrive on (`POST /v1/inbound/sms-status/{route}`).
///
/// Plain values; ``validated()`` checks them and names the setting at fault.
public struct HTTPGatewaySettings: Sendable, Hashable {
    /// The body template used when none is configured (``Keys/body``).
    public static let defaultBody = Keys.body.defaultValue

    /// The route's name (`sms.http.route`), the `{route}` of the status callback path.
    /// Letters, digits, `.`, `_` and `-`. Default ``Keys/route``.
    public var route: String
    /// The aggregator's endpoint (`sms.http.url`), `http` or `https`. Required.
    public var url: String
    /// The name of the authentication header (`sms.http.auth.header`), e.g. `Authorization`;
    /// ``validated()`` makes it `Authorization` when only a value is configured.
    public var authHeader: String?
    /// The authentication header's value (`sms.http.auth.value`, secret), e.g. `Bearer …`.
    public var authValue: String?
    /// The JSON body template (`sms.http.body`) with the placeholders `{{to}}`, `{{from}}`,
    /// `{{text}}` and `{{id}}` (the distribution id), each replaced by its value escaped for a
    /// JSON string. Default ``defaultBody``.
    public var body: String
    /// Where the provider's message id is in the response (`sms.http.id.path`): dotted keys,
    /// numbers index arrays (`messages.0.id`). Default ``Keys/idPath``.
    public var idPath: String
    /// The sender (`sms.http.from`): required when the body uses `{{from}}`.
    public var from: String
    /// The most requests of a batch in flight at once. Default 16.
    public var concurrency: Int
    /// How long one request may take, connecting included. Default 10 s.
    public var timeout: Duration

    /// Creates settings; call ``validated()`` before use.
    public init(route: String = Keys.route.defaultValue, url: String, authHeader: String? = Keys.authHeader.defaultValue,
                authValue: String? = Keys.authValue.defaultValue, body: String = Keys.body.defaultValue,
                idPath: String = Keys.idPath.defaultValue, from: String = Keys.from.defaultValue,
                concurrency: Int = 16, timeout: Duration = .seconds(10)) {
        self.route = route
        self.url = url
        self.authHeader = authHeader
        self.authValue = authValue
        self.body = body
        self.idPath = idPath
        self.from = from
        self.concurrency = concurrency
        self.timeout = timeout
    }

    /// The placeholders a body template may use.
    public static let placeholders: Set<String> = ["to", "from", "text", "id"]

    /// Checks every value; a bad one is a `HeraldError` naming its setting.
    public func validated() throws -> HTTPGatewaySettings {
        let routeCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
        guard !route.isEmpty, route.unicodeScalars.allSatisfy({ $0.isASCII && routeCharacters.contains($0) }) else {
            throw Keys.route.invalid("must be letters, digits, '.', '_' or '-', got '\(route)'")
        }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parsed.host, !host.isEmpty else {
            throw Keys.url.invalid("must be an http or https URL, got '\(url)'")
        }
        if let authHeader {
            let token = CharacterSet(charactersIn: "!#$%&'*+-.^_`|~").union(.alphanumerics)
            guard !authHeader.isEmpty, authHeader.unicodeScalars.allSatisfy({ $0.isASCII && token.contains($0) }) else {
                throw Keys.authHeader.invalid("must be a header name, got '\(authHeader)'")
            }
            guard authValue != nil else {
                throw Keys.authValue.invalid(
                    "is required with \(Keys.authHeader.name), or a file holding it in \(SettingName.display(Keys.authValue.fileKey))")
            }
        }
        if let authValue, authValue.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw Keys.authValue.invalid("must not contain a line break")
        }
        let used: [String]
        do {
            used = try Self.placeholders(in: body)
        } catch let error as HeraldError {
            throw Keys.body.invalid("is not a usable template: \(error.message)")
        }
        let sample = render(to: "+447700900123", text: "sample \"text\"\n", id: "00000000-0000-0000-0000-000000000000")
        guard (try? JSONSerialization.jsonObject(with: Data(sample.utf8), options: [.fragmentsAllowed])) != nil else {
            throw Keys.body.invalid("is not JSON once its placeholders are filled (placeholders go inside strings: \"{{text}}\")")
        }
        if used.contains("from"), from.isEmpty {
            throw Keys.from.invalid("is required: the body template uses {{from}}")
        }
        let pathParts = idPath.split(separator: ".", omittingEmptySubsequences: false)
        guard !idPath.isEmpty, pathParts.allSatisfy({ !$0.isEmpty }) else {
            throw Keys.idPath.invalid("must be dotted keys such as messages.0.id, got '\(idPath)'")
        }
        guard (1...1_000).contains(concurrency) else {
            throw HeraldError.invalid("sms.http.concurrency", "the concurrency must be 1–1000, got \(concurrency)")
        }
        guard timeout > .zero else { throw HeraldError.invalid("sms.http.timeout", "the timeout must be positive") }
        var result = self
        if authValue != nil && authHeader == nil { result.authHeader = "Authorization" }
        return result
    }

    /// The request body for one SMS: the template with each placeholder replaced by its value
    /// escaped for a JSON string.
    public func render(to: String, text: String, id: String) -> String {
        let values = ["to": to, "from": from, "text": text, "id": id]
        var output = ""
        var rest = Substring(body)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if let value = values[name] {
                output += Self.jsonEscaped(value)
            } else {
                output += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        output += rest
        return output
    }

    /// The placeholder names in `template`, in order; throws for an unknown or unclosed one.
    static func placeholders(in template: String) throws -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw HeraldError.invalid(nil, "a '{{' is not closed by '}}'")
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard placeholders.contains(name) else {
                throw HeraldError.invalid(nil, "unknown placeholder {{\(name)}} (known: {{to}}, {{from}}, {{text}}, {{id}})")
            }
            names.append(name)
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// `value` escaped for the inside of a JSON string (quotes, backslashes, control characters).
    static func jsonEscaped(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
