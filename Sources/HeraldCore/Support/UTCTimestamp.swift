import Foundation

/// UTC timestamps written by hand (on hot paths: webhook bodies, AgentView's lists), the same
/// text ISO 8601 formatters give for these forms, without their cost.
public enum UTCTimestamp {
    /// `2026-12-07T09:45:46.123Z`, or `2026-12-07T09:45:46Z` without `milliseconds` (rounded
    /// down; proleptic Gregorian, UTC).
    public static func string(_ date: Date, milliseconds: Bool = true) -> String {
        let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = totalMs >= 0 ? totalMs / 86_400_000 : (totalMs - 86_399_999) / 86_400_000
        let msOfDay = totalMs - days * 86_400_000
        let (year, month, day) = CivilDate.fromDays(days)
        let h = msOfDay / 3_600_000, m = msOfDay / 60_000 % 60, sec = msOfDay / 1000 % 60, ms = msOfDay % 1000
        guard (0...9999).contains(year) else {
            func pad(_ v: Int64, _ width: Int) -> String {
                let s = String(v)
                return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
            }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(h, 2)):\(pad(m, 2)):\(pad(sec, 2))" + (milliseconds ? ".\(pad(ms, 3))Z" : "Z")
        }
        // Digits written straight into the bytes (on every webhook's path).
        return String(unsafeUninitializedCapacity: 24) { out in
            var i = 0
            func put(_ v: Int64, _ width: Int) {
                var v = v
                for k in stride(from: width - 1, through: 0, by: -1) {
                    out[i + k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
                i += width
            }
            func sep(_ c: Unicode.Scalar) {
                out[i] = UInt8(ascii: c)
                i += 1
            }
            put(year, 4); sep("-"); put(month, 2); sep("-"); put(day, 2); sep("T")
            put(h, 2); sep(":"); put(m, 2); sep(":"); put(sec, 2)
            if milliseconds { sep("."); put(ms, 3) }
            sep("Z")
            return i
        }
    }
}
