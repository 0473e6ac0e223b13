import Foundation
import HeraldCore
import StandardWebhooks

/// One external system comms are sent to by signed webhook (the config file's
/// `external.systems.<NAME>`).
public struct ExternalSystem: Sendable, Hashable {
    /// The system's name, as code.json `external.system` names it (`PORTAL`).
    public var name: String
    /// The endpoint every webhook is `POST`ed to (`http` or `https`).
    public var url: String
    /// The Standard Webhooks signing secret (`whsec_…`).
    public var secret: WebhookSecret
    /// How long one request may take, connecting included.
    public var timeout: Duration
    /// Requests in flight to this system at once.
    public var concurrency: Int

    /// The defaults of `timeoutSeconds` and `concurrency`.
    public static let defaultTimeoutSeconds = 10
    public static let defaultConcurrency = 8

    public init(name: String, url: String, secret: WebhookSecret, timeout: Duration = .seconds(defaultTimeoutSeconds),
                concurrency: Int = defaultConcurrency) {
        self.name = name
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.concurrency = concurrency
    }
}

/// The external systems of the config file: `"external": {"systems": {"PORTAL": {"url": …,
/// "secret": "whsec_…" or "secretFile": …, "timeoutSeconds": 10, "concurrency": 8}}}`.
///
/// The map is read from the config file's JSON directly: swift-configuration reads values at
/// keys known in advance and cannot list a map's names, and the system names are the
/// operator's. So systems are defined in the config file only (no environment variables);
/// their secrets may be kept in files (`secretFile`, read at startup).
public struct ExternalSystems: Sendable, Hashable {
    /// The systems by name.
    public var systems: [String: ExternalSystem]

    public init(_ systems: [ExternalSystem] = []) {
        self.systems = Dictionary(systems.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The system named `name`.
    public subscript(name: String) -> ExternalSystem? { systems[name] }

    /// The keys a system's object may have.
    public static let systemKeys = ["url", "secret", "secretFile", "timeoutSeconds", "concurrency"]

    /// Reads `external.systems` from the config file's JSON (`data`); none when the file has no
    /// `external.systems`. Relative `secretFile` paths are taken from `baseDirectory` (the
    /// config file's folder). A bad entry is a `HeraldError` naming its key
    /// (`external.systems.PORTAL.url`).
    public static func read(configJSON data: Data, baseDirectory: URL) throws -> ExternalSystems {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw HeraldError.invalid("--config", "the config file is not valid JSON: \(error.localizedDescription)")
        }
        guard let object = root as? [String: Any], let external = object["external"] else { return ExternalSystems() }
        guard let externalObject = external as? [String: Any] else {
            throw HeraldError.invalid("external", "must be an object")
        }
        guard let map = externalObject["systems"] else { return ExternalSystems() }
        guard let systems = map as? [String: Any] else {
            throw HeraldError.invalid("external.systems", "must be an object of systems by name")
        }
        var out: [ExternalSystem] = []
        for name in systems.keys.sorted() {
            out.append(try readSystem(name: name, systems[name]!, baseDirectory: baseDirectory))
        }
        return ExternalSystems(out)
    }

    /// Reads one system's object.
    static func readSystem(name: String, _ value: Any, baseDirectory: URL) throws -> ExternalSystem {
        let key = "external.systems.\(name)"
        guard isValidName(name) else {
            throw HeraldError.invalid(key, "a system name is letters, digits and _, starting with a letter (as code.json external.system)")
        }
        guard let fields = value as? [String: Any] else { throw HeraldError.invalid(key, "must be an object") }
        for field in fields.keys.sorted() where !systemKeys.contains(field) {
            throw HeraldError.invalid("\(key).\(field)", "unknown key (known: \(systemKeys.joined(separator: ", ")))")
        }
        guard let url = fields["url"] as? String, !url.isEmpty else {
            throw HeraldError.invalid("\(key).url", "is required: the endpoint webhooks are POSTed to")
        }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parsed.host, !host.isEmpty else {
            throw HeraldError.invalid("\(key).url", "must be an http or https URL with a host, got '\(url)'")
        }
        let secretText: String
        switch (fields["secret"], fields["secretFile"]) {
        case (let secret as String, nil):
            secretText = secret
        case (nil, let file as String):
            let path = file.hasPrefix("/") ? file : baseDirectory.appendingPathComponent((file as NSString).expandingTildeInPath).path
            guard let data = FileManager.default.contents(atPath: (path as NSString).expandingTildeInPath) else {
                throw HeraldError.invalid("\(key).secretFile", "names a secret file that cannot be read: \(path)")
            }
            secretText = String(decoding: data, as: UTF8.self)
        case (nil, nil):
            throw HeraldError.invalid("\(key).secret", "or \(key).secretFile is required (a whsec_… signing secret)")
        case (_?, _?):
            throw HeraldError.invalid("\(key).secret", "and \(key).secretFile are both given; give one")
        default:
            throw HeraldError.invalid("\(key).secret", "must be a string whsec_<base64>")
        }
        let secret: WebhookSecret
        do {
            secret = try WebhookSecret(secretText)
        } catch {
            throw HeraldError.invalid("\(key).secret", "\(error) (a secret is whsec_ followed by base64)")
        }
        let timeout = try number(fields["timeoutSeconds"], key: "\(key).timeoutSeconds", range: 0.1...300,
                                 default: Double(ExternalSystem.defaultTimeoutSeconds))
        let concurrency = try number(fields["concurrency"], key: "\(key).concurrency", range: 1...256,
                                     default: Double(ExternalSystem.defaultConcurrency))
        guard concurrency.rounded() == concurrency else {
            throw HeraldError.invalid("\(key).concurrency", "must be a whole number, got \(concurrency)")
        }
        return ExternalSystem(name: name, url: url, secret: secret, timeout: .milliseconds(Int64((timeout * 1000).rounded())),
                              concurrency: Int(concurrency))
    }

    /// A number in `range` (a JSON number, or text that is one), else the default.
    static func number(_ value: Any?, key: String, range: ClosedRange<Double>, default defaultValue: Double) throws -> Double {
        guard let value else { return defaultValue }
        let number: Double?
        switch value {
        case let n as NSNumber: number = n.doubleValue
        case let s as String: number = Double(s.trimmingCharacters(in: .whitespaces))
        default: number = nil
        }
        guard let number, range.contains(number) else {
            throw HeraldError.invalid(key, "must be a number from \(format(range.lowerBound)) to \(format(range.upperBound)), got \(value)")
        }
        return number
    }

    static func format(_ x: Double) -> String { x.rounded() == x ? String(Int(x)) : String(x) }

    /// A system name: a letter, then letters, digits and `_`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }
}
