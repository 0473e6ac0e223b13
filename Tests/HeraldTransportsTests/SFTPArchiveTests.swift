import Foundation
import HeraldCore
@testable import HeraldTransports
import SFTP
import Testing

/// The SFTP backend's pure parts, no server: how each ``SFTPError`` reads as a storage failure
/// (transient, permanent, not found), and its locations (`sftp://user@host:port/<path>`), which
/// `get` refuses when they name another server.
@Suite("SFTPArchive: failure mapping and locations")
struct SFTPArchiveTests {
    /// An archive whose client never connects in these tests (no operation reaches the network).
    static func archive(user: String = "herald", host: String = "files.example.net", port: Int = 2222,
                        directory: String = "/srv/storage") -> SFTPArchive {
        SFTPArchive(client: SFTPClient(configuration: SFTPConfiguration(
            host: host, port: port, user: user, authentication: .password("secret"), knownHostsFile: "/nonexistent/known_hosts")),
            directory: directory)
    }

    static func kind(_ error: SFTPError, doing what: String = "put /srv/storage/a.pdf") -> ArchiveFailure.Kind {
        SFTPArchive.failure(error, doing: what).kind
    }

    @Test("no such file on a read is notFound; on a put it is a refusal")
    func noSuchFile() {
        let missing = SFTPError.status(.noSuchFile, message: "No such file", path: "/srv/storage/a.pdf")
        #expect(Self.kind(missing, doing: "read /srv/storage/a.pdf") == .notFound)
        #expect(Self.kind(missing, doing: "put /srv/storage/a.pdf") == .permanent)
    }

    @Test("a full disk (SSH_FX_FAILURE) and the connection pseudo-codes are transient")
    func failureStatusIsTransient() {
        #expect(Self.kind(.status(.failure, message: "No space left on device", path: "/srv/storage/a.pdf.tmp")) == .transient)
        #expect(Self.kind(.status(.noConnection, message: "", path: nil)) == .transient)
        #expect(Self.kind(.status(.connectionLost, message: "", path: nil)) == .transient)
    }

    @Test("permission denied and the other refusing status codes are permanent")
    func permissionDeniedIsPermanent() {
        let denied = SFTPArchive.failure(.status(.permissionDenied, message: "Permission denied", path: "/srv/readonly/x"),
                                         doing: "put /srv/readonly/x/a.pdf")
        #expect(denied.kind == .permanent)
        #expect(denied.message.hasPrefix("put /srv/readonly/x/a.pdf: "), "\(denied.message)")
        #expect(denied.message.contains("Permission denied"), "\(denied.message)")
        #expect(Self.kind(.status(.opUnsupported, message: "", path: nil)) == .permanent)
        #expect(Self.kind(.status(.badMessage, message: "", path: nil)) == .permanent)
    }

    @Test("an unknown or changed host key and a refused login are permanent, naming the cause")
    func refusalsArePermanent() {
        let cases: [(SFTPError, String)] = [
            (.hostKeyMismatch(host: "[files.example.net]:2222", keyType: "ssh-ed25519", fingerprint: "SHA256:abc"), "CHANGED"),
            (.unknownHostKey(host: "[files.example.net]:2222", keyType: "ssh-ed25519", fingerprint: "SHA256:abc"), "not in known_hosts"),
            (.authenticationFailed(user: "herald", host: "files.example.net", reason: "publickey refused"), "authentication of herald"),
            (.invalidConfiguration("cannot read /keys/id_ed25519"), "cannot read"),
            (.clientShutdown, "shut down"),
        ]
        for (error, words) in cases {
            let failure = SFTPArchive.failure(error, doing: "put herald/a.pdf")
            #expect(failure.kind == .permanent, "\(error)")
            #expect(failure.message.contains(words), "\(failure.message)")
            // The same on a read: only a missing file is notFound.
            #expect(Self.kind(error, doing: "read herald/a.pdf") == .permanent, "\(error)")
        }
    }

    @Test("a lost or refused connection, a timeout and a protocol error are transient")
    func connectionFaultsAreTransient() {
        let cases: [SFTPError] = [
            .connectionLost("channel closed"), .connectionFailed("connection refused"), .timeout("no answer in 30 s"),
            .protocolError("unexpected packet"),
        ]
        for error in cases {
            #expect(Self.kind(error) == .transient, "\(error)")
            #expect(Self.kind(error, doing: "read herald/a.pdf") == .transient, "\(error)")
        }
    }

    @Test("paths and locations: the directory without its trailing slashes, the key below it")
    func locations() {
        let archive = Self.archive(directory: "/srv/storage//")
        #expect(archive.backend == "sftp")
        #expect(archive.directory == "/srv/storage")
        #expect(archive.authority == "herald@files.example.net:2222")
        #expect(archive.path(of: "herald/2018/08/02/17/5002761.pdf") == "/srv/storage/herald/2018/08/02/17/5002761.pdf")
        #expect(Self.archive(directory: "storage").path(of: "herald/a.eml") == "storage/herald/a.eml")
        #expect(Self.archive(directory: ".").path(of: "herald/a.eml") == "herald/a.eml")
        #expect(Self.archive(directory: "").path(of: "herald/a.eml") == "herald/a.eml")
    }

    @Test("get refuses a location on another server, user or port, without connecting")
    func getRefusesAnotherServer() async {
        let archive = Self.archive()
        for location in [
            "sftp://herald@other.example.net:2222//srv/storage/herald/a.pdf",
            "sftp://someone@files.example.net:2222//srv/storage/herald/a.pdf",
            "sftp://herald@files.example.net:22//srv/storage/herald/a.pdf",
            "sftp://herald@files.example.net:22220//srv/storage/herald/a.pdf",
            "s3://bucket/herald/a.pdf",
            "fs:storage/herald/a.pdf",
        ] {
            let error = await #expect(throws: ArchiveFailure.self) { _ = try await archive.get(location: location) }
            #expect(error?.kind == .permanent, "\(location)")
            #expect(error?.message.contains("is not on the configured SFTP server herald@files.example.net:2222") == true,
                    "\(error?.message ?? "")")
        }
        await archive.client.shutdown()
    }
}
