import Foundation

/// A UTC calendar date-time computed arithmetically (no Calendar or locale), formatted for the
/// Info dictionary (`D:YYYYMMDDHHmmSS+00'00'`) and for XMP (`YYYY-MM-DDTHH:mm:SS+00:00`).
struct CivilDate: Equatable {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// Converts a date to UTC fields, clamped to years 0001...9999.
    init(_ date: Date) {
        let minimum = -62_135_596_800.0  // 0001-01-01T00:00:00Z
        let maximum = 253_402_300_799.0  // 9999-12-31T23:59:59Z
        let raw = date.timeIntervalSince1970
        let seconds = Int64((raw.isFinite ? min(max(raw, minimum), maximum) : 0).rounded(.down))
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        hour = Int(rest / 3600)
        minute = Int(rest % 3600 / 60)
        second = Int(rest % 60)
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = Int(doy - (153 * mp + 2) / 5 + 1)
        month = Int(mp < 10 ? mp + 3 : mp - 9)
        year = Int(yoe + era * 400) + (month <= 2 ? 1 : 0)
    }

    /// `D:20240131120000+00'00'`
    var pdfString: String {
        "D:" + pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(hour, 2) + pad(minute, 2) + pad(second, 2) + "+00'00'"
    }

    /// `2024-01-31T12:00:00+00:00`
    var xmpString: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2) + "+00:00"
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
