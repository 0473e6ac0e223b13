import Foundation
import NIOCore
import SFTP
import Testing

/// The client against the OpenSSH sshd (internal-sftp) that scripts/servers/sshd.sh starts.
/// Run through scripts/test.sh: without its HERALD_TEST_SFTP_* variables these tests fail.
@Suite("SFTP against OpenSSH", .serialized)
struct OpenSSHIntegrationTests {
    struct Server {
        let host: String, port: Int, user: String, password: String
        let keyFile: String, ecdsaKeyFile: String, knownHosts: String, root: String, readonlyDirectory: String
    }

    static func server() throws -> Server {
        let env = ProcessInfo.processInfo.environment
        func value(_ name: String) throws -> String {
            guard let value = env["HERALD_TEST_SFTP_\(name)"], !value.isEmpty else {
                throw ServerMissing(variable: "HERALD_TEST_SFTP_\(name)")
            }
            return value
        }
        return Server(
            host: try value("HOST"), port: Int(try value("PORT"))!, user: try value("USER"), password: try value("PASSWORD"),
            keyFile: try value("KEY_FILE"), ecdsaKeyFile: try value("ECDSA_KEY_FILE"), knownHosts: try value("KNOWN_HOSTS"),
            root: try value("ROOT"), readonlyDirectory: try value("READONLY_DIR"))
    }

    struct ServerMissing: Error, CustomStringConvertible {
        let variable: String
        var description: String { "\(variable) is not set: run these tests through scripts/test.sh (it starts sshd)" }
    }

    static func configuration(
        _ server: Server, authentication: SFTPConfiguration.Authentication? = nil, knownHosts: String? = nil, sessions: Int = 2
    ) -> SFTPConfiguration {
        SFTPConfiguration(
            host: server.host, port: server.port, user: server.user,
            authentication: authentication ?? .privateKey(path: server.keyFile),
            knownHostsFile: knownHosts ?? server.knownHosts, sessions: sessions,
            timeouts: .init(connect: .seconds(10), request: .seconds(20), keepAlive: .seconds(5)))
    }

    /// A fresh directory under the server's test root for one test.
    static func scratch(_ server: Server, _ name: String) -> String {
        "\(server.root)/\(name)-\(UInt32.random(in: 0...UInt32.max))"
    }

    static func bytes(_ count: Int, seed: UInt8 = 7) -> [UInt8] {
        var state = UInt32(seed) &* 2_654_435_761
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    @Test func ed25519KeyAuthenticationOpensASession() async throws {
        let server = try Self.server()
        let client = SFTPClient(configuration: Self.configuration(server, authentication: .privateKey(path: server.keyFile)))
        let home = try await client.realpath(server.root)
        #expect(home == server.root)
        await client.shutdown()
    }

    @Test func ecdsaKeyAuthenticationOpensASession() async throws {
        let server = try Self.server()
        let client = SFTPClient(configuration: Self.configuration(server, authentication: .privateKey(path: server.ecdsaKeyFile)))
        let attributes = try await client.stat(server.root)
        #expect(attributes.isDirectory == true)
        await client.shutdown()
    }

    @Test func passwordAuthenticationOpensASession() async throws {
        let server = try Self.server()
        let client = SFTPClient(configuration: Self.configuration(server, authentication: .password(server.password)))
        let attributes = try await client.stat(server.root)
        #expect(attributes.isDirectory == true)
        await client.shutdown()
    }

    @Test func wrongPasswordIsRefusedWithATypedError() async throws {
        let server = try Self.server()
        let client = SFTPClient(configuration: Self.configuration(server, authentication: .password("not-the-password")))
        await #expect {
            _ = try await client.stat(server.root)
        } throws: { error in
            guard case SFTPError.authenticationFailed(let user, _, _) = error else { return false }
            return user == server.user && !(error as! SFTPError).isTransient
        }
        await client.shutdown()
    }

    @Test func unknownHostKeyIsRefusedNamingHostAndFingerprint() async throws {
        let server = try Self.server()
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("known_hosts-empty-\(UUID().uuidString)").path
        try "# no keys\n".write(toFile: empty, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let expectedFingerprint = try Self.hostKeyFingerprint(server)
        let client = SFTPClient(configuration: Self.configuration(server, knownHosts: empty))
        await #expect {
            _ = try await client.stat(server.root)
        } throws: { error in
            guard case SFTPError.unknownHostKey(let host, let type, let fingerprint) = error else { return false }
            return host == "[\(server.host)]:\(server.port)" && type == "ssh-ed25519" && fingerprint == expectedFingerprint
        }
        await client.shutdown()
    }

    @Test func changedHostKeyIsRefused() async throws {
        let server = try Self.server()
        // known_hosts with another ed25519 key for this host (hashed form) and the real key for another host.
        let realLine = try String(contentsOfFile: server.knownHosts, encoding: .utf8).split(separator: "\n")[0]
        let realKey = realLine.split(separator: " ").dropFirst().joined(separator: " ")
        let name = KnownHosts.hostName(host: server.host, port: server.port)
        let other = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
        let text = "\(KnownHosts.hashedPattern(for: name, salt: Array(repeating: 9, count: 20))) ssh-ed25519 \(other)\nother.example.com \(realKey)\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("known_hosts-changed-\(UUID().uuidString)").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let client = SFTPClient(configuration: Self.configuration(server, knownHosts: file))
        await #expect {
            _ = try await client.stat(server.root)
        } throws: { error in
            guard case SFTPError.hostKeyMismatch(let host, _, let fingerprint) = error else { return false }
            return host == name && fingerprint.hasPrefix("SHA256:")
        }
        await client.shutdown()
    }

    @Test func multiMegabyteRoundTripIsPipelined() async throws {
        let server = try Self.server()
        let client = SFTPClient(configuration: Self.configuration(server))
        let directory = Self.scratch(server, "big")
        let data = Self.bytes(5 * 1024 * 1024 + 123)
        let path = "\(directory)/big.bin"
        try await client.putFile(data, to: path)
        let back = try await client.readFile(path)
        #expect(back.count == data.count)
        #expect(back == data)
        #expect(try await client.stat(path).size == UInt64(data.count))
        await client.shutdown()
    }

    @Test func manyFilesConcurrentlyOnThePool() async throws {
        let server = try Self.server()
        let client = SFTPClient(configuration: Self.configuration(server, sessions: 3))
        let directory = Self.scratch(server, "many")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<60 {
                group.addTask {
                    try await client.putFile(Self.bytes(10_000 + index * 997, seed: UInt8(index)), to: "\(directory)/f\(index).bin")
                }
            }
            try await group.waitForAll()
        }
        let names = Set(try await client.list(directory).map(\.filename))
        #expect(names == Set((0..<60).map { "f\($0).bin" }))
        for index in [0, 17, 59] {
            #expect(try await client.readFile("\(directory)/f\(index).bin") == Self.bytes(10_000 + index * 997, seed: UInt8(index)))
        }
        await client.shutdown()
    }

    @Test func atomicPutLeavesNoTemporaryFileAndReplaces() async throws {
        let server = try Self.server()
        let client = SFTPClient(configuration: Self.configuration(server))
        let directory = Self.scratch(server, "atomic")
        try await client.putFile(Array("first".utf8), to: "\(directory)/doc.pdf")
        try await client.putFile(Array("second version".utf8), to: "\(directory)/doc.pdf")
        #expect(try await client.readFile("\(directory)/doc.pdf") == Array("second version".utf8))
        #expect(try await client.list(directory).map(\.filename) == ["doc.pdf"])
        await client.shutdown()
    }

    @Test func makeDirectoriesIsMkdirDashP() async throws {
        let server = try Self.server()
        let client = SFTPClient(configuration: Self.configuration(server))
        let directory = Self.scratch(server, "tree")
        let deep = "\(directory)/2018/08/02/17"
        try await client.makeDirectories(deep)
        try await client.makeDirectories(deep)  // existing: fine
        try await client.makeDirectories("\(directory)/2018/08/03")
        #expect(try await client.stat(deep).isDirectory == true)
        #expect(Set(try await client.list("\(directory)/2018/08").map(\.filename)) == ["02", "03"])
        // A file in the way is an error.
        try await client.putFile(Array("x".utf8), to: "\(directory)/file")
        await #expect(throws: SFTPError.self) { try await client.makeDirectories("\(directory)/file/sub") }
        await client.shutdown()
    }

    @Test func statListRenameRemoveRmdir() async throws {
        let server = try Self.server()
        let client = SFTPClient(configuration: Self.configuration(server, authentication: .password(server.password)))
        let directory = Self.scratch(server, "ops")
        try await client.putFile(Self.bytes(1000), to: "\(directory)/a.txt", atomically: false)
        try await client.putFile(Self.bytes(2500), to: "\(directory)/b.txt")
        let entries = try await client.list(directory).sorted { $0.filename < $1.filename }
        #expect(entries.map(\.filename) == ["a.txt", "b.txt"])
        #expect(entries.map(\.attributes.size) == [1000, 2500])
        #expect(entries.allSatisfy { $0.attributes.isRegularFile == true })

        try await client.rename("\(directory)/a.txt", to: "\(directory)/c.txt")
        await #expect(throws: SFTPError.self) { try await client.stat("\(directory)/a.txt") }
        #expect(try await client.stat("\(directory)/c.txt").size == 1000)
        try await client.rename("\(directory)/c.txt", to: "\(directory)/b.txt", replacing: true)
        #expect(try await client.stat("\(directory)/b.txt").size == 1000)

        // The low-level session: setstat, lstat, fstat, read/write by offset.
        try await client.withSession { session throws(SFTPError) in
            try await session.setstat("\(directory)/b.txt", attributes: .init(permissions: 0o600))
            #expect(try await session.lstat("\(directory)/b.txt").permissions.map { $0 & 0o777 } == 0o600)
            let handle = try await session.open("\(directory)/b.txt", flags: [.read, .write])
            var patch = ByteBuffer()
            patch.writeString("HELLO")
            try await session.write(handle, offset: 10, data: patch)
            #expect(try await session.fstat(handle).size == 1000)
            let chunk = try await session.read(handle, offset: 10, length: 5)
            #expect(chunk.map { String(buffer: $0) } == "HELLO")
            #expect(try await session.read(handle, offset: 5000, length: 5) == nil)
            try await session.close(handle)
        }

        try await client.remove("\(directory)/b.txt")
        #expect(try await client.list(directory).isEmpty)
        try await client.removeDirectory(directory)
        await #expect(throws: SFTPError.self) { try await client.stat(directory) }
        await client.shutdown()
    }

    @Test func statusErrorsAreTyped() async throws {
        let server = try Self.server()
        let client = SFTPClient(configuration: Self.configuration(server))
        let missing = "\(server.root)/no-such-file-\(UUID().uuidString)"
        await #expect {
            _ = try await client.readFile(missing)
        } throws: { error in
            guard case SFTPError.status(.noSuchFile, _, let path) = error else { return false }
            return path == missing
        }
        await #expect {
            try await client.putFile(Array("nope".utf8), to: "\(server.readonlyDirectory)/denied.txt", createDirectories: false)
        } throws: { error in
            (error as? SFTPError)?.statusCode == .permissionDenied
        }
        await #expect {
            try await client.removeDirectory("\(server.root)/missing-dir-\(UUID().uuidString)")
        } throws: { error in
            (error as? SFTPError)?.statusCode == .noSuchFile
        }
        // Status errors leave the session usable.
        #expect(try await client.stat(server.root).isDirectory == true)
        await client.shutdown()
    }

    /// `ssh-keygen -lf` of the server's host key, from the known_hosts file the script wrote.
    static func hostKeyFingerprint(_ server: Server) throws -> String {
        let line = try String(contentsOfFile: server.knownHosts, encoding: .utf8).split(separator: "\n")[0]
        let base64 = String(line.split(separator: " ")[2])
        return SSHKeyFormats.fingerprint(blob: Array(Data(base64Encoded: base64)!))
    }
}
