import Foundation
import HeraldApp
import HeraldAppTestSupport
import Testing

/// The `sftp.*` settings of the storage step (`storage.backend` = `sftp`), read through the
/// settings loader: what is required, the defaults, `~` in file paths.
@Suite("Storage settings, SFTP backend")
struct StorageSFTPSettingsTests {
    static func load(_ environment: [String: String]) async throws -> HeraldSettings {
        try await HeraldSettings.load(dataDir: temporaryDirectory("sftp-settings").path,
                                      environment: environment.merging(["HERALD_STORAGE_BACKEND": "sftp"]) { a, _ in a })
    }

    @Test("host, port, user, key file and folder are read; ~ is expanded in the key and known_hosts files")
    func readsTheServer() async throws {
        let settings = try await Self.load([
            "HERALD_SFTP_HOST": "files.example.net", "HERALD_SFTP_PORT": "2222", "HERALD_SFTP_USER": "herald",
            "HERALD_SFTP_KEY_FILE": "~/.ssh/id_ed25519", "HERALD_SFTP_DIRECTORY": "/srv/permanentstorage",
        ])
        #expect(settings.storage.backend == .sftp)
        let sftp = try #require(settings.storage.sftp)
        #expect(sftp.host == "files.example.net" && sftp.port == 2222 && sftp.user == "herald")
        #expect(sftp.password == nil)
        #expect(sftp.keyFile == ("~/.ssh/id_ed25519" as NSString).expandingTildeInPath)
        #expect(sftp.keyFile?.hasPrefix("~") == false)
        #expect(sftp.knownHosts == ("~/.ssh/known_hosts" as NSString).expandingTildeInPath, "the default")
        #expect(sftp.directory == "/srv/permanentstorage")
    }

    @Test("a password instead of a key file; the folder defaults to herald-storage and the port to 22")
    func passwordAndDefaults() async throws {
        let settings = try await Self.load([
            "HERALD_SFTP_HOST": "files.example.net", "HERALD_SFTP_USER": "herald", "HERALD_SFTP_PASSWORD": "s3cret",
            "HERALD_SFTP_KNOWN_HOSTS": "/etc/herald/known_hosts",
        ])
        let sftp = try #require(settings.storage.sftp)
        #expect(sftp.port == 22)
        #expect(sftp.password == "s3cret" && sftp.keyFile == nil)
        #expect(sftp.knownHosts == "/etc/herald/known_hosts")
        #expect(sftp.directory == "herald-storage")
    }

    @Test("a missing host, user or login, or a bad port, is refused naming the setting")
    func refusals() async throws {
        let full = ["HERALD_SFTP_HOST": "h", "HERALD_SFTP_USER": "u", "HERALD_SFTP_PASSWORD": "p"]
        for (remove, add, setting) in [
            ("HERALD_SFTP_HOST", [:], "sftp.host"), ("HERALD_SFTP_USER", [:], "sftp.user"),
            ("HERALD_SFTP_PASSWORD", [:], "sftp.key.file"), ("", ["HERALD_SFTP_PORT": "70000"], "sftp.port"),
        ] as [(String, [String: String], String)] {
            var env = full.merging(add) { _, new in new }
            env.removeValue(forKey: remove)
            let error = await #expect(throws: (any Error).self) { _ = try await Self.load(env) }
            #expect("\(error.map { "\($0)" } ?? "")".contains(setting), "\(String(describing: error))")
        }
    }
}
