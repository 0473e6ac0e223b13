import Foundation
import HeraldCore
import HeraldTransports
import Testing

struct FileDocumentStoreTests {
    @Test func writesUnderTheUTCHourFolderAndReadsBack() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-docs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = FileDocumentStore(root: dir)
        // 2026-02-28 23:59:59 UTC and one second later (a day, month and hour boundary).
        let late = Date(timeIntervalSince1970: 1_772_323_199)
        let a = try await store.write(Data("first".utf8), name: "a.eml", createdAt: late)
        let b = try await store.write(Data("second".utf8), name: "b.eml", createdAt: late.addingTimeInterval(1))
        #expect(a == "fs:2026/02/28/23/a.eml")
        #expect(b == "fs:2026/03/01/00/b.eml")
        try await store.flush()
        #expect(try await store.read(a) == Data("first".utf8))
        #expect(try store.readBytes(b) == Array("second".utf8))
        #expect(try await store.read(try await store.write(Data(), name: "empty.eml", createdAt: late)) == Data())
    }

    @Test func aLeftoverDocumentIsReplacedWhole() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-docs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = FileDocumentStore(root: dir)
        let now = Date(timeIntervalSince1970: 1_772_323_199)
        // A crashed attempt left a longer, cut-off file under the same name.
        let location = try await store.write(Data(repeating: 0x41, count: 10_000), name: "d.eml", createdAt: now)
        #expect(try await store.write(Data("whole".utf8), name: "d.eml", createdAt: now) == location)
        #expect(try await store.read(location) == Data("whole".utf8))
        let folder = dir.appendingPathComponent("2026/02/28/23")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["d.eml"])  // no temporary file left
        // A folder removed behind the store's back is made again.
        try FileManager.default.removeItem(at: folder)
        #expect(try await store.read(try await store.write(Data("again".utf8), name: "e.eml", createdAt: now)) == Data("again".utf8))
    }

    @Test func locationsOutsideTheRootAreRefused() async throws {
        let store = FileDocumentStore(root: FileManager.default.temporaryDirectory)
        await #expect(throws: HeraldError.self) { try await store.read("fs:../etc/passwd") }
        await #expect(throws: HeraldError.self) { try await store.read("s3:bucket/x") }
        await #expect(throws: HeraldError.self) { try await store.write(Data(), name: "../x", createdAt: Date()) }
    }
}
