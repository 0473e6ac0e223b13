/// One configuration setting as an operator sees it: its key, its `HERALD_*` environment
/// variable, its default, what it means and whether it is a secret.
///
/// Each component declares its settings once, next to its settings struct
/// (`WorkerConfiguration.Keys`, `SMPPRouteSettings.Keys`, …). The struct takes its defaults from
/// ``defaultValue``, the reading code falls back to it and names the setting with ``invalid(_:)``,
/// and the README's table of settings is checked against these descriptions by a test.
public struct SettingKey<Value: Sendable>: SettingDescription {
    /// The dotted key (`smtp.port`); nested objects in the JSON config file.
    public let key: String
    /// The value used when the setting is not given.
    public let defaultValue: Value
    /// The default as the settings table shows it (`2775`, `` `outbox` ``, `none`).
    public let defaultDescription: String
    /// What the setting does, as the settings table shows it (Markdown).
    public let meaning: String
    /// Whether the value is a secret: read without logging it, and also from the file named by
    /// `<key>.file` (`HERALD_…_FILE`).
    public let isSecret: Bool

    /// Describes a setting whose default the table shows as ``SettingValue/settingDescription``.
    public init(_ key: String, default defaultValue: Value, secret: Bool = false, meaning: String) where Value: SettingValue {
        self.key = key
        self.defaultValue = defaultValue
        self.defaultDescription = defaultValue.settingDescription
        self.meaning = meaning
        self.isSecret = secret
    }

    /// Describes a setting whose value is one of a set of names (an enum); the table shows the
    /// default's name in backticks.
    public init(_ key: String, default defaultValue: Value, secret: Bool = false, meaning: String)
    where Value: RawRepresentable, Value.RawValue == String {
        self.key = key
        self.defaultValue = defaultValue
        self.defaultDescription = "`\(defaultValue.rawValue)`"
        self.meaning = meaning
        self.isSecret = secret
    }

    /// Describes a setting whose default the table shows as `documented`, when its value alone
    /// does not say it (`<data-dir>/catalog`, `system roots`, a default chosen by another setting).
    public init(_ key: String, default defaultValue: Value, documented: String, secret: Bool = false, meaning: String) {
        self.key = key
        self.defaultValue = defaultValue
        self.defaultDescription = documented
        self.meaning = meaning
        self.isSecret = secret
    }
}

/// A setting without its value type: what the settings table and error messages need.
public protocol SettingDescription: Sendable {
    /// The dotted key (`smtp.port`).
    var key: String { get }
    /// The default as the settings table shows it.
    var defaultDescription: String { get }
    /// What the setting does (Markdown).
    var meaning: String { get }
    /// Whether the value is a secret, also readable from `<key>.file`.
    var isSecret: Bool { get }
}

extension SettingDescription {
    /// The environment variable of the setting (`HERALD_SMTP_PORT`).
    public var environmentVariable: String { SettingName.environmentVariable(for: key) }
    /// The setting as error messages name it: `smtp.port (HERALD_SMTP_PORT)`.
    public var name: String { SettingName.display(key) }
    /// The key naming a file that holds the secret (`smtp.password.file`).
    public var fileKey: String { key + ".file" }

    /// A `HeraldError` for a bad value of this setting: `field` is the key and the message
    /// starts with the setting's ``name``, followed by `problem` (`"must be 1–64, got 'x'"`).
    public func invalid(_ problem: String) -> HeraldError {
        HeraldError.invalid(key, "\(name) \(problem)")
    }

    /// A `HeraldError` for the secret file of this setting (`<key>.file`).
    public func invalidFile(_ problem: String) -> HeraldError {
        HeraldError.invalid(fileKey, "\(SettingName.display(fileKey)) \(problem)")
    }
}

/// The one mapping from a setting's key to its environment variable and to the name error
/// messages use.
public enum SettingName {
    /// `HERALD_` and the key in upper case with `_` for `.` and between the words of a camelCase
    /// part: `sms.http.id.path` → `HERALD_SMS_HTTP_ID_PATH`, `external.allowPrivateTargets` →
    /// `HERALD_EXTERNAL_ALLOW_PRIVATE_TARGETS` (what the environment provider looks up).
    public static func environmentVariable(for key: String) -> String {
        var name = "HERALD_"
        var previous: Character?
        for c in key {
            if let p = previous, p.isLowercase, c.isUppercase { name += "_" }
            name += c == "." ? "_" : c.uppercased()
            previous = c
        }
        return name
    }

    /// The key and its variable, as error messages name a setting: `smtp.port (HERALD_SMTP_PORT)`.
    public static func display(_ key: String) -> String {
        "\(key) (\(environmentVariable(for: key)))"
    }
}

/// A default value that the settings table can show.
public protocol SettingValue: Sendable {
    /// The value as the settings table shows it: numbers plain, text in backticks, `empty`, `none`.
    var settingDescription: String { get }
}

extension Int: SettingValue {
    /// The number, plain.
    public var settingDescription: String { String(self) }
}

extension String: SettingValue {
    /// The text in backticks, or `empty`.
    public var settingDescription: String { isEmpty ? "empty" : "`\(self)`" }
}

extension Bool: SettingValue {
    /// `` `true` `` or `` `false` ``.
    public var settingDescription: String { "`\(self)`" }
}

extension Optional: SettingValue where Wrapped: SettingValue {
    /// The wrapped value's description, or `none`.
    public var settingDescription: String { self?.settingDescription ?? "none" }
}
