import Foundation

/// Times are stored as integer milliseconds since 1970 (portable to PostgreSQL's BIGINT).
enum Millis {
    static func from(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func from(_ date: Date?) -> Int64? { date.map(from) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(ms) / 1000) }
    static func date(_ ms: Int64?) -> Date? { ms.map(date) }
}
