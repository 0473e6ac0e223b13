import Foundation
import HeraldCore

extension HeraldSettings {
    /// The settings table of the README, made from `settings`' descriptions: key, environment
    /// variable (and `…_FILE` for a secret), default, meaning. A test keeps the README equal to it.
    public static func markdownTable(_ settings: [any SettingDescription] = Keys.all) -> String {
        var lines = ["| Key | Environment variable | Default | Meaning |", "|---|---|---|---|"]
        for setting in settings {
            var variable = "`\(setting.environmentVariable)`"
            var meaning = setting.meaning
            if setting.isSecret {
                variable += " (or `\(SettingName.environmentVariable(for: setting.fileKey))`)"
                meaning += " (secret)"
            }
            let cells = ["`\(setting.key)`", variable, setting.defaultDescription, meaning]
            lines.append("| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
