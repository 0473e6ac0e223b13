import Foundation

/// ISO-8601 UTC timestamps with milliseconds (`2026-11-27T14:01:01.123Z`), as every date in
/// the API is written.
enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)

    /// The text of `date`.
    static func string(_ date: Date) -> String { date.formatted(style) }

    /// The text of `date`, or nil.
    static func string(_ date: Date?) -> String? { date.map(string) }
}
