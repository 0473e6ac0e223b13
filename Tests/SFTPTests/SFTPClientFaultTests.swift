import Crypto
import Foundation
import NIOCore
import NIOSSH
import Synchronization
import Testing

@testable import SFTP

/// The client against the in-process fake SSH/SFTP server, with faults.
@Suite("SFTP client faults")
struct SFTPClientFaultTests {
    static func client(_ server: FakeSFTPServer, knownHosts: String? = nil, password: String? = nil, requestTimeout: Duration = .seconds(10)) throws -> (SFTPClient, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sftp-fake-known_hosts-\(UUID().uuidString)").path
        try (knownHosts ?? server.knownHostsLine).write(toFile: file, atomically: true, encoding: .utf8)
        let configuration = SFTPConfiguration(
            host: "127.0.0.1", port: server.port, user: server.user, authentication: .password(password ?? server.password),
            knownHostsFile: file, sessions: 1,
            timeouts: .init(connect: .seconds(5), request: requestTimeout, keepAlive: nil),
            backoff: .init(initial: .milliseconds(10), maximum: .milliseconds(100)), chunkSize: 1024, maxRequestsInFlight: 8)
        return (SFTPClient(configuration: configuration), file)
    }

    static let payload = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    @Test func roundTripThroughTheFake() async throws {
        let server = FakeSFTPServer()
        try await server.start()
        let (client, file) = try Self.client(server)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await client.putFile(Self.payload, to: "/store/2018/08/02/17/5002761.pdf")
        #expect(server.files["/store/2018/08/02/17/5002761.pdf"] == Self.payload)
        #expect(server.files.keys.contains { $0.hasSuffix(".tmp") } == false)
        #expect(try await client.readFile("/store/2018/08/02/17/5002761.pdf") == Self.payload)
        await client.shutdown()
        await server.stop()
    }

    @Test func connectionDroppedMidWriteIsATypedErrorAndTheNextCallReconnects() async throws {
        // The first connection drops on its 10th WRITE; later connections work.
        let server = FakeSFTPServer { request, connection, before in
            if case .write = request, connection == 1, before == 9 { return .dropConnection }
            return nil
        }
        try await server.start()
        let (client, file) = try Self.client(server)
        defer { try? FileManager.default.removeItem(atPath: file) }
        await #expect {
            try await client.putFile(Self.payload, to: "/a.pdf", createDirectories: false)
        } throws: { error in
            guard let error = error as? SFTPError, case .connectionLost = error else { return false }
            return error.isTransient
        }
        #expect(server.files["/a.pdf"] == nil)
        try await client.putFile(Self.payload, to: "/a.pdf", createDirectories: false)
        #expect(server.files["/a.pdf"] == Self.payload)
        #expect(server.connections == 2)
        await client.shutdown()
        await server.stop()
    }

    @Test func permissionDeniedIsTypedWithThePath() async throws {
        let server = FakeSFTPServer { request, _, _ in
            if case .open = request { return .status(.permissionDenied, "Permission denied") }
            return nil
        }
        try await server.start()
        let (client, file) = try Self.client(server)
        defer { try? FileManager.default.removeItem(atPath: file) }
        await #expect(throws: SFTPError.status(.permissionDenied, message: "Permission denied", path: "/x.pdf.tmp")) {
            try await client.putFile(Self.payload, to: "/x.pdf", createDirectories: false)
        }
        // A status error leaves the session up: no new connection for the next call.
        #expect(try await client.stat("/").isDirectory == true)
        #expect(server.connections == 1)
        await client.shutdown()
        await server.stop()
    }

    @Test func diskFullCarriesTheServersTextAndRemovesTheTemporaryFile() async throws {
        let server = FakeSFTPServer { request, _, before in
            if case .write = request, before >= 3 { return .status(.failure, "No space left on device") }
            return nil
        }
        try await server.start()
        let (client, file) = try Self.client(server)
        defer { try? FileManager.default.removeItem(atPath: file) }
        await #expect {
            try await client.putFile(Self.payload, to: "/full.pdf", createDirectories: false)
        } throws: { error in
            guard case SFTPError.status(.failure, let message, let path) = error else { return false }
            return message == "No space left on device" && path == "/full.pdf.tmp" && (error as! SFTPError).isTransient
        }
        #expect(server.files.isEmpty)
        await client.shutdown()
        await server.stop()
    }

    @Test func changedHostKeyIsRefused() async throws {
        let server = FakeSFTPServer()
        try await server.start()
        let other = NIOSSHPrivateKey(ed25519Key: Curve25519.Signing.PrivateKey()).publicKey
        let (client, file) = try Self.client(server, knownHosts: "[127.0.0.1]:\(server.port) \(String(openSSHPublicKey: other))\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let expected = SSHKeyFormats.fingerprint(server.hostKey.publicKey)
        await #expect(throws: SFTPError.hostKeyMismatch(host: "[127.0.0.1]:\(server.port)", keyType: "ssh-ed25519", fingerprint: expected)) {
            _ = try await client.stat("/")
        }
        #expect(server.files.isEmpty)
        await client.shutdown()
        await server.stop()
    }

    @Test func wrongPasswordIsRefused() async throws {
        let server = FakeSFTPServer()
        try await server.start()
        let (client, file) = try Self.client(server, password: "wrong")
        defer { try? FileManager.default.removeItem(atPath: file) }
        await #expect {
            _ = try await client.stat("/")
        } throws: { error in
            if case SFTPError.authenticationFailed(user: "tester", host: "127.0.0.1", _) = error { return true }
            return false
        }
        await client.shutdown()
        await server.stop()
    }

    @Test func silentServerTimesOut() async throws {
        let server = FakeSFTPServer { request, _, _ in
            if case .stat = request { return .silence }
            return nil
        }
        try await server.start()
        let (client, file) = try Self.client(server, requestTimeout: .milliseconds(300))
        defer { try? FileManager.default.removeItem(atPath: file) }
        await #expect {
            _ = try await client.stat("/")
        } throws: { error in
            if case SFTPError.timeout = error { return true }
            return false
        }
        await client.shutdown()
        await server.stop()
    }

    @Test func severalFilesAtOnceShareOneSession() async throws {
        let server = FakeSFTPServer()
        try await server.start()
        let (client, file) = try Self.client(server)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask { try await client.putFile(Self.payload, to: "/many/f\(index).bin") }
            }
            try await group.waitForAll()
        }
        #expect(server.files.count == 12)
        #expect(server.files.values.allSatisfy { $0 == Self.payload })
        #expect(server.connections == 1)
        await client.shutdown()
        await server.stop()
    }

    @Test func idleSessionsSendKeepAlives() async throws {
        let realpaths = Mutex(0)
        let server = FakeSFTPServer { request, _, _ in
            if case .realpath = request { realpaths.withLock { $0 += 1 } }
            return nil
        }
        try await server.start()
        let knownHosts = FileManager.default.temporaryDirectory.appendingPathComponent("sftp-ka-known_hosts-\(UUID().uuidString)").path
        try server.knownHostsLine.write(toFile: knownHosts, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: knownHosts) }
        let client = SFTPClient(configuration: SFTPConfiguration(
            host: "127.0.0.1", port: server.port, user: server.user, authentication: .password(server.password),
            knownHostsFile: knownHosts, sessions: 1, timeouts: .init(connect: .seconds(5), request: .seconds(5), keepAlive: .milliseconds(100))))
        _ = try await client.stat("/")
        try await Task.sleep(for: .milliseconds(1_500))  // 15 keep-alive periods: a loaded suite delays timers
        #expect(realpaths.withLock { $0 } >= 2)
        // The session survived its keep-alives.
        _ = try await client.stat("/")
        #expect(server.connections == 1)
        await client.shutdown()
        await server.stop()
    }

    @Test func refusedConnectionsBackOff() async throws {
        let server = FakeSFTPServer()
        try await server.start()
        let port = server.port
        await server.stop()
        let knownHosts = FileManager.default.temporaryDirectory.appendingPathComponent("sftp-empty-known_hosts-\(UUID().uuidString)").path
        try "".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: knownHosts) }
        let configuration = SFTPConfiguration(
            host: "127.0.0.1", port: port, user: "u", authentication: .password("p"), knownHostsFile: knownHosts, sessions: 1,
            backoff: .init(initial: .milliseconds(200), maximum: .milliseconds(400)))
        let client = SFTPClient(configuration: configuration)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<3 {
            await #expect {
                _ = try await client.stat("/")
            } throws: { error in
                if case SFTPError.connectionFailed = error { return true }
                return false
            }
        }
        // Waits of 200 ms then 400 ms before the second and third attempts.
        #expect(clock.now - start >= .milliseconds(600))
        await client.shutdown()
    }
}
