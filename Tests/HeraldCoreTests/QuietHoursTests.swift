import Foundation
import HeraldCore
import Testing

/// An instant from an ISO 8601 text with an offset (`2026-01-15T22:30:00Z`).
func instant(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let d = f.date(from: text) { return d }
    f.formatOptions = [.withInternetDateTime]
    guard let d = f.date(from: text) else { fatalError("bad test date \(text)") }
    return d
}

@Suite("Quiet hours")
struct QuietHoursTests {
    static let night = QuietHours(from: "21:00", to: "08:00")

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var window: QuietHours
        var zone: String
        var now: String
        var expected: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "London winter 22:30 → next 08:00", window: night, zone: "Europe/London",
             now: "2026-01-15T22:30:00Z", expected: "2026-01-16T08:00:00Z"),
        Case(name: "London summer 22:30 BST → next 08:00 BST", window: night, zone: "Europe/London",
             now: "2026-07-15T21:30:00Z", expected: "2026-07-16T07:00:00Z"),
        Case(name: "after midnight → same morning 08:00", window: night, zone: "Europe/London",
             now: "2026-01-16T03:00:00Z", expected: "2026-01-16T08:00:00Z"),
        Case(name: "exactly at the start is inside", window: night, zone: "Europe/London",
             now: "2026-01-15T21:00:00Z", expected: "2026-01-16T08:00:00Z"),
        Case(name: "exactly at the end is outside", window: night, zone: "Europe/London",
             now: "2026-01-16T08:00:00Z", expected: nil),
        Case(name: "midday is outside", window: night, zone: "Europe/London",
             now: "2026-01-15T12:00:00Z", expected: nil),
        Case(name: "20:59 is outside", window: night, zone: "Europe/London",
             now: "2026-01-15T20:59:00Z", expected: nil),
        Case(name: "same-day window inside", window: QuietHours(from: "12:00", to: "14:00"), zone: "UTC",
             now: "2026-05-05T13:15:00Z", expected: "2026-05-05T14:00:00Z"),
        Case(name: "same-day window before", window: QuietHours(from: "12:00", to: "14:00"), zone: "UTC",
             now: "2026-05-05T11:59:00Z", expected: nil),
        Case(name: "same-day window at end", window: QuietHours(from: "12:00", to: "14:00"), zone: "UTC",
             now: "2026-05-05T14:00:00Z", expected: nil),
        Case(name: "same-day window evening", window: QuietHours(from: "12:00", to: "14:00"), zone: "UTC",
             now: "2026-05-05T23:00:00Z", expected: nil),
        Case(name: "explicit window zone Asia/Kolkata beats customer zone", window: QuietHours(from: "21:00", to: "08:00", timeZone: "Asia/Kolkata"),
             zone: "Europe/London", now: "2026-01-15T18:00:00Z", expected: "2026-01-16T02:30:00Z"),
        Case(name: "Kolkata window, London night but Kolkata morning", window: QuietHours(from: "21:00", to: "08:00", timeZone: "Asia/Kolkata"),
             zone: "Europe/London", now: "2026-01-15T23:00:00Z", expected: "2026-01-16T02:30:00Z"),
        Case(name: "Kolkata window outside", window: QuietHours(from: "21:00", to: "08:00", timeZone: "Asia/Kolkata"),
             zone: "Europe/London", now: "2026-01-16T03:00:00Z", expected: nil),
        Case(name: "customer zone America/New_York used as fallback", window: night, zone: "America/New_York",
             now: "2026-01-16T03:00:00Z", expected: "2026-01-16T13:00:00Z"),
        Case(name: "New York afternoon is outside even though London night", window: night, zone: "America/New_York",
             now: "2026-01-15T22:30:00Z", expected: nil),
        Case(name: "spring forward night, London (GMT evening → BST morning)", window: night, zone: "Europe/London",
             now: "2026-03-28T22:30:00Z", expected: "2026-03-29T07:00:00Z"),
        Case(name: "fall back night, London (BST evening → GMT morning)", window: night, zone: "Europe/London",
             now: "2026-10-24T21:30:00Z", expected: "2026-10-25T08:00:00Z"),
        Case(name: "after the spring change, 03:00 BST", window: night, zone: "Europe/London",
             now: "2026-03-29T02:00:00Z", expected: "2026-03-29T07:00:00Z"),
        Case(name: "equal bounds is no window", window: QuietHours(from: "08:00", to: "08:00"), zone: "UTC",
             now: "2026-01-15T08:00:00Z", expected: nil),
    ]

    @Test(arguments: cases)
    func excludedUntil(_ c: Case) throws {
        let got = try c.window.excludedUntil(now: instant(c.now), fallbackTimeZone: c.zone)
        #expect(got == c.expected.map(instant))
    }

    /// A comm created mid-minute one minute before the end of the window must be held until
    /// the end of this window, not the next day's.
    @Test func midMinuteJustBeforeTheEndEndsThisMorning() throws {
        let got = try Self.night.excludedUntil(now: instant("2026-01-16T07:59:30Z"), fallbackTimeZone: "Europe/London")
        #expect(got == instant("2026-01-16T08:00:00Z"))
    }

    @Test func midMinuteInTheEveningEndsNextMorning() throws {
        let got = try Self.night.excludedUntil(now: instant("2026-01-15T22:30:45.250Z"), fallbackTimeZone: "Europe/London")
        #expect(got == instant("2026-01-16T08:00:00Z"))
    }

    @Test(arguments: [
        (QuietHours(from: "25:00", to: "08:00"), "preferences.quietHours.from"),
        (QuietHours(from: "21:60", to: "08:00"), "preferences.quietHours.from"),
        (QuietHours(from: "9pm", to: "08:00"), "preferences.quietHours.from"),
        (QuietHours(from: "21:00", to: "24:00"), "preferences.quietHours.to"),
        (QuietHours(from: "21:00", to: "8"), "preferences.quietHours.to"),
        (QuietHours(from: "21:00", to: "08:00:00"), "preferences.quietHours.to"),
        (QuietHours(from: "21:00", to: "08:00", timeZone: "Mars/Olympus_Mons"), "preferences.quietHours.timeZone"),
    ])
    func malformedWindowThrowsNamingTheField(window: QuietHours, field: String) {
        let error = #expect(throws: HeraldError.self) {
            try window.excludedUntil(now: instant("2026-01-15T22:30:00Z"), fallbackTimeZone: "Europe/London")
        }
        #expect(error?.kind == .invalidInput)
        #expect(error?.field == field)
        let validation = #expect(throws: HeraldError.self) { try window.validate(fallbackTimeZone: "Europe/London") }
        #expect(validation?.field == field)
    }

    @Test func unknownFallbackZoneThrows() {
        let error = #expect(throws: HeraldError.self) {
            try Self.night.excludedUntil(now: instant("2026-01-15T22:30:00Z"), fallbackTimeZone: "Not/AZone")
        }
        #expect(error?.field == "preferences.quietHours.timeZone")
    }

    @Test func validWindowValidates() {
        #expect(throws: Never.self) { try Self.night.validate(fallbackTimeZone: "Europe/London") }
    }

    @Test func onlyInterruptingMethodsAreHeld() {
        #expect(QuietHours.heldMethods == [.sms, .push])
    }
}
