import Configuration
import Foundation
import HeraldCore

/// Reads the settings described by `SettingKey`s from the configuration sources (flags aside):
/// the value's key is the setting's, the fallback its ``SettingKey/defaultValue``, and a bad
/// value's error names it through ``SettingDescription/invalid(_:)``.
struct SettingsReader: Sendable {
    let config: ConfigReader

    /// The setting's text as given, or nil when no source gives it. A JSON number in the config
    /// file reads as its text (`{"smtp": {"port": 587}}` is `"587"`), so numbers are read the
    /// same way from the environment and from the file (JSON booleans: ``flag(_:yes:no:)``).
    func text(_ setting: some SettingDescription) -> String? {
        let key = ConfigKey(setting.key)
        if let text = config.string(forKey: key, isSecret: setting.isSecret) { return text }
        if let number = config.int(forKey: key, isSecret: setting.isSecret) { return String(number) }
        if let number = config.double(forKey: key, isSecret: setting.isSecret) { return String(number) }
        return nil
    }

    /// The setting's text, or nil when it is not given or empty.
    func nonEmptyText(_ setting: some SettingDescription) -> String? {
        guard let value = text(setting), !value.isEmpty else { return nil }
        return value
    }

    /// A text setting: as given (even empty), else its default.
    func string(_ setting: SettingKey<String>) -> String {
        text(setting) ?? setting.defaultValue
    }

    /// An optional text setting: as given unless empty, else its default.
    func string(_ setting: SettingKey<String?>) -> String? {
        nonEmptyText(setting) ?? setting.defaultValue
    }

    /// A whole number (a JSON number, or text that is one); not given is the default, a value
    /// that is no whole number an error naming the setting (it used to fall back to the
    /// default silently: `HERALD_HTTP_PORT=80a` served on 8080).
    func int(_ setting: SettingKey<Int>) throws -> Int {
        try wholeNumber(setting)
    }

    /// A whole number given as text (surrounding spaces ignored); not given or empty is the
    /// default, anything else that is no number is an error naming the setting.
    func wholeNumber(_ setting: SettingKey<Int?>) throws -> Int? {
        guard let value = nonEmptyText(setting) else { return setting.defaultValue }
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)) else {
            throw setting.invalid("must be a whole number, got '\(value)'")
        }
        return number
    }

    /// ``wholeNumber(_:)`` for a setting that always has a value.
    func wholeNumber(_ setting: SettingKey<Int>) throws -> Int {
        guard let value = nonEmptyText(setting) else { return setting.defaultValue }
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)) else {
            throw setting.invalid("must be a whole number, got '\(value)'")
        }
        return number
    }

    /// One of a set of names, as `parse` reads them; not given is the default. A name `parse`
    /// refuses is an error listing `expected`.
    func choice<Value>(_ setting: SettingKey<Value>, expected: String, _ parse: (String) -> Value?) throws -> Value {
        guard let value = text(setting) else { return setting.defaultValue }
        guard let parsed = parse(value) else { throw setting.invalid("must be \(expected), got '\(value)'") }
        return parsed
    }

    /// A yes/no setting: one of `yes` or `no`, in any case; not given is the default.
    /// A JSON `true`/`false` in the config file is taken as it is.
    func flag(_ setting: SettingKey<Bool>, yes: Set<String> = ["true"], no: Set<String> = ["false"]) throws -> Bool {
        let key = ConfigKey(setting.key)
        if config.string(forKey: key) == nil, let value = config.bool(forKey: key) { return value }
        return try choice(setting, expected: "true or false") {
            yes.contains($0.lowercased()) ? true : no.contains($0.lowercased()) ? false : nil
        }
    }

    /// A secret: the setting's value unless empty, else the trimmed contents of the file named
    /// by `<key>.file`, else nil. A file that cannot be read is an error naming `<key>.file`.
    func secret(_ setting: some SettingDescription) throws -> String? {
        if let value = config.string(forKey: ConfigKey(setting.key), isSecret: true), !value.isEmpty { return value }
        guard let path = config.string(forKey: ConfigKey(setting.fileKey)) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw setting.invalidFile("names a secret file that cannot be read: \(path)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
