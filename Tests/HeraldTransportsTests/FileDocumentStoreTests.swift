import Foundation
import HeraldCore
import HeraldTransports
import Testing

struct FileDocumentStoreTests {
    /// Appends one document in a batch of its own and makes it durable.
    static func store(_ data: Data, name: String, at date: Date, in store: FileDocumentStore) async throws -> String {
        let batch = store.makeBatch(createdAt: date)
        let location = try await batch.append(data, name: name)
        try await batch.finish()
        return location
    }

    @Test func writesUnderTheUTCHourFolderAndReadsBack() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-docs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = FileDocumentStore(root: dir)
        // 2026-02-28 23:59:59 UTC and one second later (a day, month and hour boundary).
        let late = Date(timeIntervalSince1970: 1_772_323_199)
        let a = try await Self.store(Data("first".utf8), name: "a.eml", at: late, in: store)
        let b = try await Self.store(Data("second".utf8), name: "b.eml", at: late.addingTimeInterval(1), in: store)
        #expect(a.hasPrefix("fs:2026/02/28/23/") && a.hasSuffix("#a.eml@22+5"))
        #expect(b.hasPrefix("fs:2026/03/01/00/") && b.hasSuffix("#b.eml@22+6"))
        #expect(try await store.read(a) == Data("first".utf8))
        #expect(try store.readBytes(b) == Array("second".utf8))
        #expect(try await store.read(try await Self.store(Data(), name: "empty.eml", at: late, in: store)) == Data())
    }

    @Test func documentsStoredAsFilesOfTheirOwnStillReadAndVanishedFoldersAreRemade() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-docs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = FileDocumentStore(root: dir)
        let now = Date(timeIntervalSince1970: 1_772_323_199)
        // A data folder from before packs: one file per document.
        let folder = dir.appendingPathComponent("2026/02/28/23")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("whole".utf8).write(to: folder.appendingPathComponent("d.eml"))
        #expect(try await store.read("fs:2026/02/28/23/d.eml") == Data("whole".utf8))
        await #expect(throws: HeraldError.self) { try await store.read("fs:2026/02/28/23/missing.eml") }
        // A folder removed behind the store's back (after the store made it once) is made again.
        _ = try await Self.store(Data("first".utf8), name: "e.eml", at: now, in: store)
        try FileManager.default.removeItem(at: folder)
        #expect(try await store.read(try await Self.store(Data("again".utf8), name: "f.eml", at: now, in: store)) == Data("again".utf8))
    }

    @Test func locationsOutsideTheRootAreRefused() async throws {
        let store = FileDocumentStore(root: FileManager.default.temporaryDirectory)
        await #expect(throws: HeraldError.self) { try await store.read("fs:../etc/passwd") }
        await #expect(throws: HeraldError.self) { try await store.read("s3:bucket/x") }
        await #expect(throws: HeraldError.self) { try await store.makeBatch(createdAt: Date()).append(Data(), name: "../x") }
        // '#' starts a pack entry in a location: a document name may not have it.
        await #expect(throws: HeraldError.self) { try await store.makeBatch(createdAt: Date()).append(Data(), name: "a#b.eml") }
    }

    @Test func aBatchSharesOnePackAndEachDocumentReadsBack() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-docs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = FileDocumentStore(root: dir)
        let now = Date(timeIntervalSince1970: 1_772_323_199)
        let batch = store.makeBatch(createdAt: now)
        // Appended from several tasks at once, as the merge stage does.
        let bodies: [Data] = (0..<40).map { (i: Int) -> Data in
            var bytes = Array("document \(i)\n".utf8)
            bytes += [UInt8](repeating: UInt8(65 + i % 26), count: i * 37)
            return Data(bytes)
        }
        let locations = await withTaskGroup(of: (Int, String).self) { group in
            for (i, body) in bodies.enumerated() { group.addTask { (i, try! await batch.append(body, name: "d\(i).eml")) } }
            var found = [String](repeating: "", count: bodies.count)
            for await (i, location) in group { found[i] = location }
            return found
        }
        try await batch.finish()
        let folder = dir.appendingPathComponent("2026/02/28/23")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count == 1 && files[0].hasSuffix(".pack"))
        for (i, location) in locations.enumerated() {
            let parsed = try DocumentLocation(location)
            #expect(parsed.scheme == "fs" && parsed.path == "2026/02/28/23/" + files[0] && parsed.name == "d\(i).eml")
            #expect(parsed.description == location)
            #expect(try await store.read(location) == bodies[i])
        }
        // One read of many opens the pack once and returns each document in order.
        let many = await store.readMany(locations.reversed())
        #expect(try many.map { try $0.get() } == bodies.reversed().map { [UInt8]($0) })
        // The pack describes itself: a tool can list and cut it without the database.
        let entries = try FilePack.entries(ofPackAt: folder.appendingPathComponent(files[0]).path)
        #expect(Set(entries.map(\.name)) == Set((0..<40).map { "d\($0).eml" }))
        // A batch whose every merge failed leaves no file.
        try await store.makeBatch(createdAt: now.addingTimeInterval(-7_200)).finish()
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("2026/02/28/21").path))
    }

    /// Many appends at once over many write blocks: each full block is written at its own
    /// offset outside the pack's lock while the others go on appending; every document reads
    /// back whole and the pack lists them all.
    @Test func concurrentAppendsAcrossManyBlocksReadBack() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-docs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = FileDocumentStore(root: dir)
        let batch = store.makeBatch(createdAt: Date())
        let bodies: [Data] = (0..<600).map { i in
            Data((0..<(2_000 + (i * 7_919) % 12_000)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) })
        }
        let total = bodies.reduce(0) { $0 + $1.count }
        #expect(total > 8 * 256 * 1024)  // several of the pack's 256 KiB write blocks
        let locations = try await withThrowingTaskGroup(of: [(Int, String)].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var mine: [(Int, String)] = []
                    for i in stride(from: worker, to: bodies.count, by: 8) { mine.append((i, try await batch.append(bodies[i], name: "d\(i).eml"))) }
                    return mine
                }
            }
            var found = [String](repeating: "", count: bodies.count)
            for try await part in group { for (i, location) in part { found[i] = location } }
            return found
        }
        try await batch.finish()
        let many = await store.readMany(locations)
        #expect(try many.map { try $0.get() } == bodies.map { [UInt8]($0) })
        let path = dir.appendingPathComponent(try DocumentLocation(locations[0]).path).path
        let entries = try FilePack.entries(ofPackAt: path)
        #expect(entries.count == bodies.count)
        #expect(Set(entries.map(\.name)) == Set((0..<bodies.count).map { "d\($0).eml" }))
        for entry in entries {
            let i = Int(entry.name.dropFirst().dropLast(4))!
            #expect(entry.length == bodies[i].count)
            #expect(locations[i].hasSuffix("#\(entry.name)@\(entry.offset)+\(entry.length)"))
        }
    }

    @Test func badPackLocationsAndPacksAreRefusedByName() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-docs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = FileDocumentStore(root: dir)
        let batch = store.makeBatch(createdAt: Date())
        let location = try await batch.append(Data("hello".utf8), name: "a.eml")
        await #expect(throws: HeraldError.self) { try await batch.append(Data(), name: "two words.eml") }
        try await batch.finish()
        // Past the end of the pack: an error naming the shortfall, not a short document.
        var parsed = try DocumentLocation(location)
        parsed.entry?.length = 500
        await #expect(throws: HeraldError.self) { try await store.read(parsed.description) }
        #expect(throws: HeraldError.self) { try DocumentLocation("fs:2026/x.pack#a.eml@12") }
        #expect(throws: HeraldError.self) { try DocumentLocation("no-scheme") }
        #expect(throws: HeraldError.self) { try DocumentLocation(":2026/x.pack") }
        #expect(throws: HeraldError.self) { try DocumentLocation("fs:x.pack#@1+2") }
        #expect(throws: HeraldError.self) { try DocumentLocation("fs:x.pack#a@-1+2") }
        // Non-ASCII around the delimiters: found by bytes, sliced on character boundaries.
        let odd = try DocumentLocation("fs:dossiers/é#/x.pack#Zoë\u{301}.eml@12+34")
        #expect(odd.scheme == "fs" && odd.path == "dossiers/é#/x.pack")
        #expect(odd.entry == DocumentLocation.Entry(name: "Zoë\u{301}.eml", offset: 12, length: 34))
        #expect(try DocumentLocation("s3:bucket/ü.pdf").path == "bucket/ü.pdf")
        await #expect(throws: HeraldError.self) { try await store.read("fs:../x.pack#a.eml@0+1") }
        // A pack cut off in the middle of a record is reported, not half read.
        let path = dir.appendingPathComponent(parsed.path).path
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Array("b.eml 100\nshort".utf8))
        try handle.close()
        #expect(throws: HeraldError.self) { try FilePack.entries(ofPackAt: path) }
    }
}
