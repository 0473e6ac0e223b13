import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func suppress(addresses: [String], reason: String, at: Date) async throws {
        let keys = Set(addresses.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
        guard !keys.isEmpty else { return }
        try await writer.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO email_suppressions (address, reason, at) VALUES (?, ?, ?)
                ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, at = excluded.at
                """)
            for key in keys.sorted() { try insert.execute(arguments: [key, reason, Millis.from(at)]) }
        }
    }

    public func suppressed(_ addresses: [String]) async throws -> Set<String> {
        let byKey = Dictionary(grouping: addresses) { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let keys = byKey.keys.filter { !$0.isEmpty }
        guard !keys.isEmpty else { return [] }
        let found = try await writer.read { db in
            // Chunks keep the parameter count under SQLite's limit.
            var found: [String] = []
            for start in stride(from: 0, to: keys.count, by: 500) {
                let chunk = Array(keys[start..<min(start + 500, keys.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                found += try String.fetchAll(db, sql: "SELECT address FROM email_suppressions WHERE address IN (\(marks))",
                                             arguments: StatementArguments(chunk))
            }
            return found
        }
        return Set(found.flatMap { byKey[$0] ?? [] })
    }
}
