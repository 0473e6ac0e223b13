import Foundation
import HeraldCore
import HeraldTestSupport
@testable import HeraldTransports
import Testing

/// Encryption of stored documents: the envelope's bytes as documented (checked by Python's
/// `cryptography` too), the keyring file and its rotation, and every way a stored object can fail
/// to open.
@Suite("SealingArchive and StorageKeyring")
struct SealingArchiveTests {
    static func keyBytes(_ seed: UInt8) -> [UInt8] { (0..<32).map { UInt8($0) &* 7 &+ seed } }
    static func key(_ id: String, _ seed: UInt8) -> StorageKey { StorageKey(id: id, bytes: keyBytes(seed))! }
    static func line(_ id: String, _ seed: UInt8) -> String { "\(id) \(Data(keyBytes(seed)).base64EncodedString())" }

    static let letter = Array("%PDF-1.7\nletter for 5002761: Dear customer, ...\n%%EOF\n".utf8)

    /// A FileArchive in a fresh folder, removed afterwards.
    static func withFiles<T>(_ body: (FileArchive, URL) async throws -> T) async throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-seal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        return try await body(try FileArchive(root: dir.appendingPathComponent("storage"), locationBase: dir), dir)
    }

    static func corruptFailure(_ body: () async throws -> Void) async -> ArchiveFailure? {
        let failure = await #expect(throws: ArchiveFailure.self) { try await body() }
        #expect(failure?.kind == .corrupt)
        return failure
    }

    @Test("round trip over files: ciphertext on disk, plaintext back, the key id recorded")
    func roundTrip() async throws {
        try await Self.withFiles { files, dir in
            let sealing = SealingArchive(files, keyring: try StorageKeyring([Self.key("2026-12", 1)]))
            #expect(sealing.backend == "fs")
            let object = try await sealing.put(Self.letter, key: "herald/2026/12/07/08/5002761.pdf")
            #expect(object.location == "fs:storage/herald/2026/12/07/08/5002761.pdf")
            #expect(object.keyId == "2026-12")
            #expect(object.storedSize == Self.letter.count + 8 + 1 + 1 + 7 + 12 + 16)
            let stored = Array(try Data(contentsOf: dir.appendingPathComponent("storage/herald/2026/12/07/08/5002761.pdf")))
            #expect(stored.count == object.storedSize)
            #expect(Array(stored.prefix(8)) == Array("HRLD-ENC".utf8))
            #expect(!String(decoding: stored, as: UTF8.self).contains("Dear customer"))
            #expect(try await sealing.get(location: object.location) == Self.letter)
            // Two seals of one document differ (a fresh nonce each time).
            #expect(try StorageEnvelope.seal(Self.letter, key: Self.key("k", 1)) != StorageEnvelope.seal(Self.letter, key: Self.key("k", 1)))
        }
    }

    @Test("rotation: a new first key writes, objects of the old key still open; without it they do not")
    func rotation() async throws {
        try await Self.withFiles { files, _ in
            let before = SealingArchive(files, keyring: try StorageKeyring.parse(Self.line("old", 1) + "\n"))
            let old = try await before.put(Self.letter, key: "h/old.pdf")
            #expect(old.keyId == "old")

            let rotated = SealingArchive(files, keyring: try StorageKeyring.parse("# rotated\n" + Self.line("new", 2) + "\n" + Self.line("old", 1) + "\n"))
            #expect(rotated.keyring.writeKey.id == "new")
            let new = try await rotated.put(Array("email".utf8), key: "h/new.eml")
            #expect(new.keyId == "new")
            #expect(try await rotated.get(location: old.location) == Self.letter)
            #expect(try await rotated.get(location: new.location) == Array("email".utf8))

            let withoutOld = SealingArchive(files, keyring: try StorageKeyring([Self.key("new", 2)]))
            let failure = await Self.corruptFailure { _ = try await withoutOld.get(location: old.location) }
            #expect(failure?.message.contains("key id old") == true)
        }
    }

    @Test("a changed byte anywhere (header, nonce, ciphertext, tag) fails as corrupt")
    func tampered() throws {
        let keyring = try StorageKeyring([Self.key("k1", 1)])
        let envelope = try StorageEnvelope.seal(Self.letter, key: keyring.writeKey)
        // 8: version; 10: key id; 12: nonce; 30: ciphertext; last: tag.
        for index in [8, 10, 12, 20, 30, envelope.count / 2, envelope.count - 16, envelope.count - 1] {
            var altered = envelope
            altered[index] ^= 0x01
            let failure = #expect(throws: ArchiveFailure.self) { try StorageEnvelope.open(altered, keyring: keyring) }
            #expect(failure?.kind == .corrupt, "byte \(index)")
        }
        var ciphertext = envelope
        ciphertext[40] ^= 0x80
        let failure = #expect(throws: ArchiveFailure.self) { try StorageEnvelope.open(ciphertext, keyring: keyring) }
        #expect(failure?.message.contains("altered or wrong key") == true)
        // Truncated: no tag.
        #expect(throws: ArchiveFailure.self) { try StorageEnvelope.open(Array(envelope.prefix(30)), keyring: keyring) }
        // Intact, it opens.
        #expect(try StorageEnvelope.open(envelope, keyring: keyring).plaintext == Self.letter)
    }

    @Test("a tampered stored object, the wrong key under the right id, or a plain object: corrupt")
    func tamperedOnDisk() async throws {
        try await Self.withFiles { files, dir in
            let sealing = SealingArchive(files, keyring: try StorageKeyring([Self.key("k1", 1)]))
            let object = try await sealing.put(Self.letter, key: "h/a.pdf")
            let path = dir.appendingPathComponent("storage/h/a.pdf")
            var bytes = Array(try Data(contentsOf: path))
            bytes[bytes.count - 20] ^= 0xFF
            try Data(bytes).write(to: path)
            let altered = await Self.corruptFailure { _ = try await sealing.get(location: object.location) }
            #expect(altered?.message.contains("altered or wrong key") == true)

            let good = try await sealing.put(Self.letter, key: "h/b.pdf")
            let impostor = SealingArchive(files, keyring: try StorageKeyring([Self.key("k1", 9)]))
            _ = await Self.corruptFailure { _ = try await impostor.get(location: good.location) }

            let plain = try await files.put(Self.letter, key: "h/plain.pdf")
            let noMagic = await Self.corruptFailure { _ = try await sealing.get(location: plain.location) }
            #expect(noMagic?.message.contains("HRLD-ENC") == true)
            // A missing object stays notFound through the seal.
            let missing = await #expect(throws: ArchiveFailure.self) { _ = try await sealing.get(location: "fs:storage/h/none.pdf") }
            #expect(missing?.kind == .notFound)
        }
    }

    @Test("the envelope's bytes are as documented, and Python's cryptography opens it")
    func envelopeLayout() async throws {
        let key = Self.key("key-2026", 3)
        let nonce: [UInt8] = Array(0xA0..<0xAC)
        let envelope = try StorageEnvelope.seal(Self.letter, key: key, nonce: nonce)
        let id = Array("key-2026".utf8)
        #expect(Array(envelope[0..<8]) == [0x48, 0x52, 0x4C, 0x44, 0x2D, 0x45, 0x4E, 0x43])  // HRLD-ENC
        #expect(envelope[8] == 1)
        #expect(envelope[9] == UInt8(id.count))
        #expect(Array(envelope[10..<18]) == id)
        #expect(Array(envelope[18..<30]) == nonce)
        #expect(envelope.count == 30 + Self.letter.count + 16)

        // An independent AES-GCM: header (magic..nonce) as the additional data, tag last.
        let script = """
            import sys, base64
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            data = sys.stdin.buffer.read()
            key = base64.b64decode(sys.argv[1])
            assert data[:8] == b"HRLD-ENC" and data[8] == 1
            n = data[9]
            header_end = 10 + n + 12
            sys.stdout.buffer.write(AESGCM(key).decrypt(data[10 + n:header_end], data[header_end:], data[:header_end]))
            """
        let result = try await TestProcess.python(script, [Data(Self.keyBytes(3)).base64EncodedString()], input: envelope)
        try #require(result.status == 0, "python: \(result.errors)")
        #expect(Array(result.stdout) == Self.letter)
    }

    @Test("key file errors name the file and the line", arguments: [
        ("k1 " + Data(repeating: 1, count: 16).base64EncodedString(), 1, "16 bytes"),
        ("# keys\n\nk1 not*base64!", 3, "base64"),
        (SealingArchiveTests.line("k1", 1) + "\n" + SealingArchiveTests.line("k2", 2) + "\n" + SealingArchiveTests.line("k1", 3), 3, "already given on line 1"),
        ("# header\n" + SealingArchiveTests.line("k1", 1) + " extra", 2, "3 fields"),
        ("\n" + Data(SealingArchiveTests.keyBytes(1)).base64EncodedString(), 2, "1 field"),
    ])
    func keyFileErrors(text: String, line: Int, reason: String) throws {
        let error = #expect(throws: StorageKeyring.FileError.self) { try StorageKeyring.parse(text, file: "/etc/herald/storage.keys") }
        #expect(error?.line == line)
        #expect(error?.file == "/etc/herald/storage.keys")
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "")")
        #expect(error?.description.hasPrefix("storage key file /etc/herald/storage.keys, line \(line): ") == true)
        // Never the key material.
        #expect(error?.description.contains(Data(Self.keyBytes(1)).base64EncodedString()) == false)
    }

    @Test("a key file with no keys, or missing, is refused naming the file")
    func keyFileEmptyOrMissing() throws {
        let empty = #expect(throws: StorageKeyring.FileError.self) { try StorageKeyring.parse("# only a comment\n\n", file: "/k") }
        #expect(empty?.description == "storage key file /k: has no keys (lines `<key id> <base64 of 32 bytes>`)")
        let missing = #expect(throws: StorageKeyring.FileError.self) { try StorageKeyring.load(path: "/nonexistent/herald.keys") }
        #expect(missing?.description.hasPrefix("storage key file /nonexistent/herald.keys: cannot be read") == true)
    }

    @Test("a key file loads: comments, blank lines, CRLF and tabs; first key writes")
    func keyFileLoads() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("storage.keys").path
        let text = "# Herald storage keys\r\n\r\n" + Self.line("2026-12", 1) + "\r\n  # old\n" + Self.line("2026-06", 2).replacingOccurrences(of: " ", with: "\t") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let keyring = try StorageKeyring.load(path: path)
        #expect(keyring.keys.map(\.id) == ["2026-12", "2026-06"])
        #expect(keyring.writeKey.id == "2026-12")
        #expect(keyring.key(id: "2026-06") != nil && keyring.key(id: "nope") == nil)
        #expect("\(keyring.writeKey)" == "StorageKey(2026-12)")
    }
}
