import Foundation
import HeraldCore
import HeraldTestSupport
@testable import HeraldTransports
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The filesystem backend of the storage step: atomic writes under `<data-dir>/storage`,
/// locations `fs:storage/<key>`, refusals, and errno read as transient or permanent.
@Suite("FileArchive")
struct FileArchiveTests {
    /// A fresh data folder, removed afterwards.
    static func withDataFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try await body(dir)
    }

    static let key = "herald/2026/12/07/08/REQ0001.pdf"
    static let letter = Array("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)

    @Test("put then get: the same bytes at fs:storage/<key>, folders made, written again replaces")
    func roundTrip() async throws {
        try await Self.withDataFolder { data in
            let archive = try FileArchive(root: data.appendingPathComponent("storage"), locationBase: data)
            #expect(archive.backend == "fs")
            let object = try await archive.put(Self.letter, key: Self.key)
            #expect(object == ArchivedObject(location: "fs:storage/herald/2026/12/07/08/REQ0001.pdf", keyId: nil, storedSize: Self.letter.count))
            let file = data.appendingPathComponent("storage/herald/2026/12/07/08/REQ0001.pdf")
            #expect(try Data(contentsOf: file) == Data(Self.letter))
            #expect(try await archive.get(location: object.location) == Self.letter)

            // The same key again (a store whose commit was lost) replaces the object.
            let again = Array("%PDF-1.7 second\n".utf8)
            #expect(try await archive.put(again, key: Self.key).location == object.location)
            #expect(try await archive.get(location: object.location) == again)
            // An empty document is an object too.
            let empty = try await archive.put([], key: "herald/2026/12/07/08/EMPTY.eml")
            #expect(try await archive.get(location: empty.location) == [])
        }
    }

    @Test("without a base, locations are relative to the root")
    func locationRelativeToRoot() async throws {
        try await Self.withDataFolder { data in
            let archive = try FileArchive(root: data)
            let object = try await archive.put([1, 2, 3], key: "a/b.eml")
            #expect(object.location == "fs:a/b.eml")
            #expect(try await archive.get(location: "fs:a/b.eml") == [1, 2, 3])
            #expect(throws: ArchiveFailure.self) { try FileArchive(root: data, locationBase: data.appendingPathComponent("storage")) }
        }
    }

    @Test("atomic: no temporary file is left, after a write or a failed one")
    func noTemporaryLeft() async throws {
        try await Self.withDataFolder { data in
            let archive = try FileArchive(root: data.appendingPathComponent("storage"), locationBase: data)
            let folder = data.appendingPathComponent("storage/herald/2026/12/07/08")
            for i in 0..<5 { _ = try await archive.put(Array(repeating: UInt8(i), count: 100_000), key: "herald/2026/12/07/08/R\(i).pdf") }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == (0..<5).map { "R\($0).pdf" })

            // A key whose name is a folder cannot be renamed over: the put fails, its temporary goes.
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("DIR.pdf"), withIntermediateDirectories: true)
            let failure = await #expect(throws: ArchiveFailure.self) { try await archive.put([1], key: "herald/2026/12/07/08/DIR.pdf") }
            #expect(failure?.kind == .permanent)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") } == [])
        }
    }

    @Test("each key's folders are made, the root too")
    func foldersMade() async throws {
        try await Self.withDataFolder { data in
            let archive = try FileArchive(root: data.appendingPathComponent("deep/storage"), locationBase: data)
            let object = try await archive.put([42], key: "p/q/2026/01/02/03/X.eml")
            #expect(object.location == "fs:deep/storage/p/q/2026/01/02/03/X.eml")
            var isFolder: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("deep/storage/p/q/2026/01/02/03").path, isDirectory: &isFolder))
            #expect(isFolder.boolValue)
        }
    }

    @Test("a missing object is notFound")
    func notFound() async throws {
        try await Self.withDataFolder { data in
            let archive = try FileArchive(root: data.appendingPathComponent("storage"), locationBase: data)
            for location in ["fs:storage/herald/2026/12/07/08/NONE.pdf", "fs:storage/nofolder/x.eml"] {
                let failure = await #expect(throws: ArchiveFailure.self) { try await archive.get(location: location) }
                #expect(failure?.kind == .notFound)
                #expect(failure?.message.contains(location) == true)
            }
        }
    }

    @Test("locations and keys that leave the root, or are not fs:, are refused",
          arguments: ["fs:storage/../etc/passwd", "fs:storage/a/../../x", "fs:other/x.pdf", "fs:/etc/passwd",
                      "s3://bucket/storage/x.pdf", "fs:storage//x.pdf", "fs:storage/./x.pdf", "fs:storage/", "storage/x.pdf"])
    func escapingLocationRefused(location: String) async throws {
        try await Self.withDataFolder { data in
            let archive = try FileArchive(root: data.appendingPathComponent("storage"), locationBase: data)
            let failure = await #expect(throws: ArchiveFailure.self) { try await archive.get(location: location) }
            #expect(failure?.kind == .permanent)
        }
    }

    @Test("keys that leave the root are refused", arguments: ["../x.pdf", "a/../../x.pdf", "/etc/x", "", "a//b", "a/./b"])
    func escapingKeyRefused(key: String) async throws {
        try await Self.withDataFolder { data in
            let archive = try FileArchive(root: data.appendingPathComponent("storage"), locationBase: data)
            let failure = await #expect(throws: ArchiveFailure.self) { try await archive.put([1], key: key) }
            #expect(failure?.kind == .permanent)
            #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("x.pdf").path))
        }
    }

    @Test("a folder that refuses writes is a permanent failure")
    func readOnlyFolderIsPermanent() async throws {
        try await Self.withDataFolder { data in
            let root = data.appendingPathComponent("storage")
            let folder = root.appendingPathComponent("herald")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            #expect(chmod(folder.path, 0o555) == 0)
            // root ignores permission bits: make the folder immutable as well (EPERM, even for root).
            let immutable = geteuid() == 0
            if immutable {
                let result = try await TestProcess.run("chattr", ["+i", folder.path])
                try #require(result.status == 0, "chattr +i failed: \(result.errors)")
            }
            let archive = try FileArchive(root: root, locationBase: data)
            var kinds: [ArchiveFailure.Kind?] = []
            for key in ["herald/R1.pdf", "herald/2026/12/07/08/R2.pdf"] {
                do {
                    _ = try await archive.put(Self.letter, key: key)
                    kinds.append(nil)
                } catch let failure as ArchiveFailure {
                    kinds.append(failure.kind)
                }
            }
            // Undone before any expectation, so the data folder can be removed.
            if immutable { _ = try await TestProcess.run("chattr", ["-i", folder.path]) }
            chmod(folder.path, 0o755)
            #expect(kinds == [.permanent, .permanent])
        }
    }

    @Test("errno: full, I/O and busy are transient; refusals permanent")
    func errnoMapping() {
        for code in [ENOSPC, EDQUOT, EIO, EAGAIN, EMFILE, ENFILE, ENOMEM, EBUSY, ETIMEDOUT] {
            #expect(FileArchive.failure("write", "/x", code).kind == .transient, "errno \(code)")
        }
        for code in [EACCES, EPERM, EROFS, ENAMETOOLONG] {
            #expect(FileArchive.failure("open", "/x", code).kind == .permanent, "errno \(code)")
        }
        #expect(FileArchive.failure("open", "/x", ENOENT).kind == .notFound)
        #expect(FileArchive.failure("open", "/x", ENOSPC).message.contains("/x"))
    }
}
