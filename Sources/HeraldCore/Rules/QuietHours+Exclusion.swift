import Foundation

extension QuietHours {
    /// Methods quiet hours hold back: the ones that interrupt (a phone buzzing at night).
    /// Emails, letters, online and external comms are not held.
    public static let heldMethods: Set<DeliveryMethod> = [.sms, .push]

    /// When a comm created at `now` may be sent: nil if `now` is outside the quiet window,
    /// otherwise the end of the window. `fallbackTimeZone` is used when the window names none.
    /// Throws `invalidInput` for a malformed time or an unknown time zone.
    public func excludedUntil(now: Date, fallbackTimeZone: String) throws(HeraldError) -> Date? {
        let zoneName = timeZone ?? fallbackTimeZone
        guard let zone = TimeZone(identifier: zoneName) else {
            throw .invalid("preferences.quietHours.timeZone", "unknown time zone '\(zoneName)'")
        }
        let start = try Self.minutes(from, field: "preferences.quietHours.from")
        let end = try Self.minutes(to, field: "preferences.quietHours.to")
        if start == end { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: now)
        let local = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let inside = start < end ? (local >= start && local < end) : (local >= start || local < end)
        guard inside else { return nil }
        // The next local time equal to `end`, today or tomorrow, honouring DST.
        let endParts = DateComponents(hour: end / 60, minute: end % 60, second: 0)
        // From the start of the current minute, so 07:59:30 inside a window ending 08:00 ends
        // this morning. (`date(bySetting:)` would search forward to the next :00 second.)
        let startOfMinute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        return calendar.nextDate(after: startOfMinute, matching: endParts, matchingPolicy: .nextTime, direction: .forward)
    }

    /// Parses `HH:mm` to minutes after midnight.
    static func minutes(_ text: String, field: String) throws(HeraldError) -> Int {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else {
            throw .invalid(field, "expected HH:mm, got '\(text)'")
        }
        return h * 60 + m
    }

    /// Checks the window without evaluating it (for input validation).
    public func validate(fallbackTimeZone: String) throws(HeraldError) {
        _ = try excludedUntil(now: Date(timeIntervalSince1970: 0), fallbackTimeZone: fallbackTimeZone)
    }
}
