import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A UTC calendar date-time (libc `gmtime_r`: no Calendar or locale), formatted for the
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
        var time = time_t(seconds)
        var fields = tm()
        gmtime_r(&time, &fields)
        year = Int(fields.tm_year) + 1900
        month = Int(fields.tm_mon) + 1
        day = Int(fields.tm_mday)
        hour = Int(fields.tm_hour)
        minute = Int(fields.tm_min)
        second = Int(fields.tm_sec)
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
