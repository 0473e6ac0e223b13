import Foundation
import GRDB
import HeraldCore
@testable import HeraldSQLite
import Testing

/// `SQLiteStore.checkpointContinuously`: the WAL copied into the database file by a connection
/// beside the writer while `herald serve` runs.
@Suite("WAL checkpoints beside the writer")
struct WALCheckpointTests {
    static func fileStore() async throws -> (SQLiteStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: dir.appendingPathComponent("db.sqlite").path)
        try await store.migrate()
        try await store.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        return (store, dir)
    }

    static func autocheckpoint(_ store: SQLiteStore) async throws -> Int? {
        try await store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
    }

    /// While it runs, the writer's own checkpoint is only a backstop (every 20,000 pages), yet
    /// what was committed reaches the database file: a copy of the file alone, without its WAL,
    /// holds it. Cancelled, the writer checkpoints as SQLite does by default again.
    @Test func committedPagesReachTheDatabaseFileWhileTheWriterGoesOn() async throws {
        let (store, dir) = try await Self.fileStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("db.sqlite").path
        var checkpoints = SQLiteStore.Checkpoints()
        checkpoints.every = .milliseconds(10)
        let running = Task { try await store.checkpointContinuously(checkpoints) }
        let deadline = Date().addingTimeInterval(60)
        while try await Self.autocheckpoint(store) != 20_000 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await Self.autocheckpoint(store) == 20_000)

        /// Customers in a copy of the database file without its WAL (nil while a copy catches a
        /// page half-written).
        func customersInTheFile() -> Int? {
            let copy = dir.appendingPathComponent("copy-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: copy) }
            guard (try? FileManager.default.copyItem(atPath: path, toPath: copy)) != nil,
                  let queue = try? DatabaseQueue(path: copy) else { return nil }
            return try? queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customers") }
        }
        for n in 0..<200 {
            try await store.upsertCustomer(Customer(id: "C\(n)", language: "en", timeZone: "UTC"))
        }
        var seen = customersInTheFile()
        while seen != 200 && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
            seen = customersInTheFile()
        }
        #expect(seen == 200, "the database file held \(String(describing: seen)) of 200 committed customers")

        running.cancel()
        try await running.value
        while try await Self.autocheckpoint(store) != 1_000 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await Self.autocheckpoint(store) == 1_000)
    }

    /// Under writes that never pause, a copy is never complete when the writer starts its next
    /// transaction; the RESTART copies make the WAL start over, so its file stays small (3,000
    /// transactions write some 10,000 frames, 40 MB, into a WAL never started over).
    @Test func theWALStartsOverUnderConstantWrites() async throws {
        let (store, dir) = try await Self.fileStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var checkpoints = SQLiteStore.Checkpoints()
        checkpoints.every = .milliseconds(10)
        checkpoints.restartEach = 3
        let running = Task { try await store.checkpointContinuously(checkpoints) }
        let deadline = Date().addingTimeInterval(60)
        while try await Self.autocheckpoint(store) != 20_000 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        for n in 0..<3_000 {
            try await store.upsertCustomer(Customer(id: "C\(n)", language: "en", timeZone: "UTC", email: "c\(n)@example.net"))
        }
        running.cancel()
        try await running.value
        let wal = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("db.sqlite-wal").path)[.size] as? Int ?? -1
        #expect(wal >= 0 && wal < 20 << 20, "WAL file of \(wal) bytes")
        #expect(try await store.customer(id: "C2999") != nil)
    }

    /// An in-memory store has no WAL: nothing to do, and it returns at once.
    @Test func anInMemoryStoreHasNothingToCheckpoint() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await store.checkpointContinuously()
    }
}
