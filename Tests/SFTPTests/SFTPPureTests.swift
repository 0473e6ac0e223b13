import Crypto
import NIOCore
import NIOSSH
import Testing

@testable import SFTP

@Suite("SFTP packet codec")
struct SFTPCodecTests {
    static func roundTrip(_ message: SFTPMessage) throws -> SFTPMessage? {
        var buffer = ByteBuffer()
        SFTPPacketCodec.encode(message, into: &buffer)
        return try SFTPPacketCodec.decode(&buffer)
    }

    @Test func everyPacketRoundTrips() throws {
        let handle = ByteBuffer(bytes: [0, 1, 2, 3])
        let attributes = SFTPFileAttributes(size: 1 << 40, userID: 1000, groupID: 100, permissions: 0o100644,
                                            accessTime: 1, modificationTime: 2, extended: [.init(name: "x@y", data: [9])])
        let messages: [SFTPMessage] = [
            .initialize(version: 3),
            .version(3, extensions: [.init(name: "posix-rename@openssh.com", data: "1")]),
            .open(id: 1, path: "/a/b", flags: [.write, .create, .truncate], attributes: .none),
            .close(id: 2, handle: handle),
            .read(id: 3, handle: handle, offset: 1 << 33, length: 32768),
            .write(id: 4, handle: handle, offset: 7, data: ByteBuffer(bytes: Array(repeating: 0xAB, count: 1000))),
            .lstat(id: 5, path: "l"), .fstat(id: 6, handle: handle), .setstat(id: 7, path: "s", attributes: attributes),
            .fsetstat(id: 8, handle: handle, attributes: attributes), .opendir(id: 9, path: "d"), .readdir(id: 10, handle: handle),
            .remove(id: 11, path: "r"), .mkdir(id: 12, path: "m", attributes: .init(permissions: 0o755)), .rmdir(id: 13, path: "rd"),
            .realpath(id: 14, path: "."), .stat(id: 15, path: "st"), .rename(id: 16, oldPath: "o", newPath: "n"),
            .extended(id: 17, request: "posix-rename@openssh.com", data: ByteBuffer(bytes: [0, 0, 0, 1, 65])),
            .status(id: 18, code: .permissionDenied, message: "Permission denied", language: "en"),
            .handle(id: 19, handle: handle), .data(id: 20, data: ByteBuffer(string: "hello")),
            .name(id: 21, entries: [.init(filename: "f", longname: "-rw-r--r-- f", attributes: attributes)]),
            .attributes(id: 22, attributes: attributes), .extendedReply(id: 23, data: ByteBuffer(bytes: [1, 2])),
        ]
        for message in messages {
            #expect(try Self.roundTrip(message) == message)
        }
    }

    @Test func wireBytesOfAWriteAndAStatus() throws {
        var buffer = ByteBuffer()
        SFTPPacketCodec.encode(.write(id: 5, handle: ByteBuffer(bytes: [0xAA]), offset: 2, data: ByteBuffer(bytes: [1, 2])), into: &buffer)
        #expect(Array(buffer.readableBytesView) == [0, 0, 0, 24, 6, 0, 0, 0, 5, 0, 0, 0, 1, 0xAA, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2])
        // A STATUS without message and language (old servers) still decodes.
        var status = ByteBuffer(bytes: [0, 0, 0, 9, 101, 0, 0, 0, 7, 0, 0, 0, 2])
        #expect(try SFTPPacketCodec.decode(&status) == .status(id: 7, code: .noSuchFile, message: "", language: ""))
    }

    @Test func partialPacketsWaitAndBadOnesThrow() throws {
        var buffer = ByteBuffer()
        SFTPPacketCodec.encode(.stat(id: 1, path: "/x"), into: &buffer)
        var partial = buffer.getSlice(at: 0, length: buffer.readableBytes - 1)!
        #expect(try SFTPPacketCodec.decode(&partial) == nil)
        #expect(partial.readableBytes == buffer.readableBytes - 1)
        var huge = ByteBuffer(bytes: [0x7F, 0, 0, 0, 1])
        #expect(throws: SFTPError.self) { try SFTPPacketCodec.decode(&huge) }
        var unknown = ByteBuffer(bytes: [0, 0, 0, 1, 99])
        #expect(throws: SFTPError.protocolError("unknown packet type 99")) { try SFTPPacketCodec.decode(&unknown) }
        var truncated = ByteBuffer(bytes: [0, 0, 0, 3, 102, 0, 0])
        #expect(throws: SFTPError.self) { try SFTPPacketCodec.decode(&truncated) }
    }

    @Test func statusCodesHaveNamesAndTransience() {
        #expect([SFTPStatusCode.eof, .noSuchFile, .permissionDenied, .failure, .badMessage, .noConnection, .connectionLost, .opUnsupported]
            .map(\.rawValue) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(SFTPStatusCode(rawValue: 42).description == "status(42)")
        #expect(SFTPError.status(.failure, message: "No space left on device", path: "/x").isTransient)
        #expect(!SFTPError.status(.permissionDenied, message: "", path: nil).isTransient)
        #expect(!SFTPError.hostKeyMismatch(host: "h", keyType: "ssh-ed25519", fingerprint: "SHA256:x").isTransient)
        #expect(SFTPError.connectionLost("x").isTransient)
    }
}

@Suite("SFTP session state machine")
struct SFTPStateMachineTests {
    @Test func opensThenMatchesResponsesByID() throws {
        var machine = SFTPSessionStateMachine()
        #expect(machine.channelActive() == .requestSubsystem)
        #expect(throws: SFTPError.self) { try machine.startRequest { .stat(id: $0, path: "x") } }
        #expect(machine.subsystemAccepted() == .send(.initialize(version: 3)))
        let info = SFTPSessionStateMachine.ServerInfo(version: 3, extensions: [.init(name: "posix-rename@openssh.com", data: "1")])
        #expect(machine.received(.version(3, extensions: info.extensions)) == .sessionReady(info))
        #expect(machine.serverInfo?.supportsPosixRename == true)

        let first = try machine.startRequest { .stat(id: $0, path: "a") }
        let second = try machine.startRequest { .stat(id: $0, path: "b") }
        #expect(first.id != second.id)
        #expect(machine.outstandingRequestIDs == [first.id!, second.id!])
        // Out of order is fine.
        let answer = SFTPMessage.status(id: second.id!, code: .ok, message: "", language: "")
        #expect(machine.received(answer) == .deliver(id: second.id!, answer))
        #expect(machine.outstandingRequestIDs == [first.id!])
    }

    @Test func unknownIDsAndUnexpectedPacketsCloseTheSession() throws {
        var machine = SFTPSessionStateMachine()
        _ = machine.channelActive()
        _ = machine.subsystemAccepted()
        guard case .fail(.protocolError) = machine.received(.status(id: 1, code: .ok, message: "", language: "")) else {
            Issue.record("a STATUS before VERSION must fail the session")
            return
        }
        var ready = SFTPSessionStateMachine()
        _ = ready.channelActive()
        _ = ready.subsystemAccepted()
        _ = ready.received(.version(3, extensions: []))
        guard case .fail(.protocolError) = ready.received(.status(id: 99, code: .ok, message: "", language: "")) else {
            Issue.record("a response to no request must fail the session")
            return
        }
        #expect(ready.received(.status(id: 1, code: .ok, message: "", language: "")) == .none)
        #expect(throws: SFTPError.self) { try ready.startRequest { .stat(id: $0, path: "x") } }
    }

    @Test func oldVersionsAndRefusedSubsystemFail() {
        var machine = SFTPSessionStateMachine()
        _ = machine.channelActive()
        #expect(machine.subsystemRefused() == .fail(.connectionFailed("the server refused the sftp subsystem")))
        var old = SFTPSessionStateMachine()
        _ = old.channelActive()
        _ = old.subsystemAccepted()
        #expect(old.received(.version(2, extensions: [])) == .fail(.protocolError("server speaks SFTP version 2, not 3")))
    }

    @Test func channelCloseFailsOnce() throws {
        var machine = SFTPSessionStateMachine()
        _ = machine.channelActive()
        _ = machine.subsystemAccepted()
        _ = machine.received(.version(3, extensions: []))
        _ = try machine.startRequest { .stat(id: $0, path: "x") }
        #expect(machine.channelClosed(.connectionLost("gone")) == .fail(.connectionLost("gone")))
        #expect(machine.channelClosed(.connectionLost("again")) == .none)
        #expect(throws: SFTPError.connectionLost("gone")) { try machine.startRequest { .stat(id: $0, path: "x") } }
    }

    @Test func writePipelineKeepsAtMostMaxInFlight() {
        var pipeline = SFTPWritePipeline(totalBytes: 100, chunkSize: 10, maxInFlight: 4)
        #expect(pipeline.nextChunks() == [0..<10, 10..<20, 20..<30, 30..<40])
        #expect(pipeline.nextChunks().isEmpty)
        pipeline.chunkCompleted(nil)
        #expect(pipeline.nextChunks() == [40..<50])
        pipeline.chunkCompleted(.status(.failure, message: "No space left on device", path: nil))
        #expect(pipeline.nextChunks().isEmpty)
        #expect(!pipeline.isFinished)
        for _ in 0..<3 { pipeline.chunkCompleted(nil) }
        #expect(pipeline.isFinished)
        #expect(pipeline.failure == .status(.failure, message: "No space left on device", path: nil))
        var empty = SFTPWritePipeline(totalBytes: 0, chunkSize: 10, maxInFlight: 4)
        #expect(empty.nextChunks().isEmpty && empty.isFinished)
    }

    @Test func readPipelineRunsAheadRetriesShortReadsAndStopsAtEOF() {
        var pipeline = SFTPReadPipeline(chunkSize: 10, maxInFlight: 3, expectedSize: 25)
        let reads = pipeline.nextReads()
        #expect(reads.map(\.offset) == [0, 10, 20])
        pipeline.received(reads[0], count: 10)
        pipeline.received(reads[1], count: 7)  // short: ask again for the rest
        #expect(pipeline.nextReads() == [.init(offset: 17, length: 3)])  // nothing past the expected size yet
        pipeline.received(reads[2], count: 5)
        pipeline.received(.init(offset: 17, length: 3), count: 3)
        #expect(!pipeline.isFinished)
        #expect(pipeline.nextReads() == [.init(offset: 25, length: 5)])
        pipeline.reachedEnd(.init(offset: 25, length: 5))
        #expect(pipeline.isFinished)
        #expect(pipeline.endOffset == 25)
        // Without a size it runs ahead maxInFlight chunks.
        var unknown = SFTPReadPipeline(chunkSize: 10, maxInFlight: 4)
        #expect(unknown.nextReads().count == 4)
    }
}

@Suite("known_hosts and key files")
struct SSHKeyTests {
    @Test func privateKeysParseToTheirPublicKeys() throws {
        for (text, publicLine) in [
            (KeyFixtures.edPrivate, KeyFixtures.edPublic), (KeyFixtures.p256Private, KeyFixtures.p256Public),
            (KeyFixtures.p384Private, KeyFixtures.p384Public), (KeyFixtures.p521Private, KeyFixtures.p521Public),
        ] {
            let parsed = try SSHKeyFormats.parsePrivateKey(text)
            let expected = try NIOSSHPublicKey(openSSHPublicKey: publicLine)
            #expect(parsed.key.publicKey == expected)
            #expect(publicLine.hasPrefix(parsed.keyType + " "))
            #expect(publicLine.hasSuffix(parsed.comment))
        }
    }

    @Test func fingerprintsMatchSSHKeygen() throws {
        #expect(SSHKeyFormats.fingerprint(try NIOSSHPublicKey(openSSHPublicKey: KeyFixtures.edPublic)) == KeyFixtures.edFingerprint)
        #expect(SSHKeyFormats.fingerprint(try NIOSSHPublicKey(openSSHPublicKey: KeyFixtures.p521Public)) == KeyFixtures.p521Fingerprint)
    }

    @Test func encryptedAndForeignKeysAreRefusedClearly() {
        #expect {
            try SSHKeyFormats.parsePrivateKey(KeyFixtures.encPrivate)
        } throws: { error in
            guard case SFTPError.invalidConfiguration(let text) = error else { return false }
            return text.contains("passphrase")
        }
        #expect(throws: SFTPError.self) { try SSHKeyFormats.parsePrivateKey("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n") }
        #expect(throws: SFTPError.self) { try SSHKeyFormats.parsePrivateKey("garbage") }
        #expect(throws: SFTPError.self) { try SSHKeyFormats.readPrivateKey(path: "/nonexistent/key") }
    }

    @Test func hashedHostsMatchOnlyTheirNames() throws {
        let knownHosts = KnownHosts(parsing: KeyFixtures.hashedKnownHosts)
        let ed = try NIOSSHPublicKey(openSSHPublicKey: KeyFixtures.edPublic)
        let p256 = try NIOSSHPublicKey(openSSHPublicKey: KeyFixtures.p256Public)
        #expect(knownHosts.verdict(host: "sftp.example.com", port: 2222, key: ed) == .trusted)
        #expect(knownHosts.verdict(host: "sftp.example.com", port: 2222, key: p256) == .mismatch)
        #expect(knownHosts.verdict(host: "sftp.example.com", port: 22, key: ed) == .unknownHost)
        #expect(knownHosts.verdict(host: "files.example.org", port: 22, key: p256) == .trusted)
        #expect(knownHosts.verdict(host: "other.example.org", port: 22, key: p256) == .unknownHost)
    }

    @Test func plainPatternsWildcardsNegationsAndMarkers() throws {
        let ed = try NIOSSHPublicKey(openSSHPublicKey: KeyFixtures.edPublic)
        let p384 = try NIOSSHPublicKey(openSSHPublicKey: KeyFixtures.p384Public)
        let edKey = KeyFixtures.edPublic.split(separator: " ")[0...1].joined(separator: " ")
        let p384Key = KeyFixtures.p384Public.split(separator: " ")[0...1].joined(separator: " ")
        let text = """
            # comment line

            host-a,10.0.0.1 \(edKey) a comment
            *.example.net,!bad.example.net \(p384Key)
            [10.0.0.2]:2200 \(p384Key)
            rsa-only.example ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC
            @revoked * \(p384Key.replacingOccurrences(of: "x", with: "x"))
            """
        let withoutRevoked = KnownHosts(parsing: text.split(separator: "\n").filter { !$0.contains("@revoked") }.joined(separator: "\n"))
        #expect(withoutRevoked.verdict(host: "10.0.0.1", port: 22, key: ed) == .trusted)
        #expect(withoutRevoked.verdict(host: "HOST-A", port: 22, key: ed) == .trusted)
        #expect(withoutRevoked.verdict(host: "files.example.net", port: 22, key: p384) == .trusted)
        #expect(withoutRevoked.verdict(host: "bad.example.net", port: 22, key: p384) == .unknownHost)
        #expect(withoutRevoked.verdict(host: "10.0.0.2", port: 2200, key: p384) == .trusted)
        #expect(withoutRevoked.verdict(host: "10.0.0.2", port: 22, key: p384) == .unknownHost)
        // A host known only by a key type we cannot read: any key it shows is a mismatch, not unknown.
        #expect(withoutRevoked.verdict(host: "rsa-only.example", port: 22, key: ed) == .mismatch)
        // @revoked wins over a matching line.
        let revoked = KnownHosts(parsing: text)
        #expect(revoked.verdict(host: "files.example.net", port: 22, key: p384) == .mismatch)
        #expect(revoked.verdict(host: "host-a", port: 22, key: ed) == .trusted)
    }

    @Test func hashedPatternIsWhatSSHKeygenWrites() {
        // |1|salt|hmac from the fixture: recomputing it with the same salt gives the same text.
        let line = KeyFixtures.hashedKnownHosts.split(separator: "\n")[0]
        let pattern = String(line.split(separator: " ")[0])
        let salt = [UInt8](Data(base64Encoded: String(pattern.split(separator: "|")[1]))!)
        #expect(KnownHosts.hashedPattern(for: "[sftp.example.com]:2222", salt: salt) == pattern)
    }

    @Test func backoffDoublesUpToTheMaximum() {
        let backoff = SFTPConfiguration.Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        #expect([0, 1, 2, 3, 4, 5, 50].map { backoff.delay(afterFailures: $0) }
            == [.zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
    }

    @Test func parentPaths() {
        #expect(SFTPClient.parent(of: "/a/b/c.pdf") == "/a/b")
        #expect(SFTPClient.parent(of: "/c.pdf") == "/")
        #expect(SFTPClient.parent(of: "c.pdf") == "")
        #expect(SFTPClient.parent(of: "a/b/") == "a")
    }
}

import Foundation
