import Foundation
import HeraldCore

/// ISO-8601 UTC timestamps with milliseconds (`2026-11-27T14:01:01.123Z`), as every date in
/// the API is written: ``UTCTimestamp``'s text, the same AgentView and the callbacks write.
/// (Foundation's `ISO8601FormatStyle` wrote the millisecond below for about a third of
/// millisecond-exact dates — a stored `…49.754` as `…49.753`.)
enum Timestamp {
    /// The text of `date`.
    static func string(_ date: Date) -> String { UTCTimestamp.string(date) }

    /// The text of `date`, or nil.
    static func string(_ date: Date?) -> String? { date.map(string) }
}
