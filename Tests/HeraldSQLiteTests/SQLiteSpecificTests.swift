import Foundation
import HeraldCore
import HeraldSQLite
import Testing

@Suite("SQLite store specifics")
struct SQLiteSpecificTests {
    @Test func migrateTwiceIsHarmlessAndListsTheMigration() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        let applied = try await store.appliedMigrations()
        #expect(applied.first == "2026-11-27-initial")
        #expect(applied.contains("2026-11-27-delivery-reports"))
        #expect(Set(applied).count == applied.count)
        try await store.migrate()
        #expect(try await store.appliedMigrations() == applied)
        try await store.upsertCustomer(Fixtures.alice)
        try await store.migrate()
        #expect(try await store.customer(id: "C1") == Fixtures.alice)
    }

    @Test func fileStoreReopensWithItsData() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-sqlite-reopen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("db.sqlite").path
        do {
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            try await store.upsertCustomer(Fixtures.alice)
        }
        let again = try SQLiteStore(path: path)
        try await again.migrate()
        let applied = try await again.appliedMigrations()
        #expect(applied.first == "2026-11-27-initial" && applied.contains("2026-11-27-delivery-reports"))
        #expect(try await again.customer(id: "C1") == Fixtures.alice)
    }

    @Test func unmigratedStoreHasNoMigrations() async throws {
        let store = try SQLiteStore.inMemory()
        #expect(try await store.appliedMigrations().isEmpty)
    }
}
