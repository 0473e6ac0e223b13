import Foundation
import HeraldApp
import HeraldAppTestSupport
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import Logging
import Testing

/// The print bureau route with `HERALD_PRINT_DROP=sftp` against the OpenSSH sshd
/// (internal-sftp) that `scripts/test.sh` starts (scripts/servers/sshd.sh) as the bureau: the
/// batch's ZIP lands in the inbox as `<name>.zip` (written as `.tmp`, renamed; nothing else
/// left), readable by Python's `zipfile`; the bureau's return files are read from its SFTP
/// folder and moved to `processed/` there. Then the faults of a real server — an inbox the
/// user may not write, a host key that is not the known one — under which the batch waits
/// (closed, its error kept, retried no sooner than 15 minutes) with its letters still batched,
/// until the configuration is fixed. The server is local, so its files are read as plain files.
@Suite("Print bureau route, SFTP drop on OpenSSH", .serialized)
struct PrintBureauSFTPTests {
    /// The sshd of scripts/servers/sshd.sh (HERALD_TEST_SFTP_*); missing variables fail the test.
    struct Server {
        let host: String, port: Int, user: String, keyFile: String, knownHosts: String, root: String, readonlyDirectory: String

        static func fromEnvironment() throws -> Server {
            let env = ProcessInfo.processInfo.environment
            func value(_ name: String) throws -> String {
                guard let value = env["HERALD_TEST_SFTP_\(name)"], !value.isEmpty else {
                    throw EmailTestFailure(message: "HERALD_TEST_SFTP_\(name) is not set: run these tests through scripts/test.sh (it starts sshd)")
                }
                return value
            }
            guard let port = Int(try value("PORT")) else { throw EmailTestFailure(message: "HERALD_TEST_SFTP_PORT is not a number") }
            return Server(host: try value("HOST"), port: port, user: try value("USER"), keyFile: try value("KEY_FILE"),
                          knownHosts: try value("KNOWN_HOSTS"), root: try value("ROOT"), readonlyDirectory: try value("READONLY_DIR"))
        }

        /// A fresh folder under the server's test root.
        func scratch(_ name: String) -> String { "\(root)/\(name)-\(UUID().uuidString.prefix(8))" }

        /// The runtime's settings: letters to the bureau on this server, inbox `inbox`, return
        /// files in `returns`.
        func environment(inbox: String, returns: String, knownHosts: String? = nil) -> [String: String] {
            [
                "HERALD_LETTER_TRANSPORT": "print", "HERALD_PRINT_CUTOFF": "16:00 Europe/London", "HERALD_PRINT_DROP": "sftp",
                "HERALD_PRINT_SFTP_HOST": host, "HERALD_PRINT_SFTP_PORT": "\(port)", "HERALD_PRINT_SFTP_USER": user,
                "HERALD_PRINT_SFTP_KEY_FILE": keyFile, "HERALD_PRINT_SFTP_KNOWN_HOSTS": knownHosts ?? self.knownHosts,
                "HERALD_PRINT_SFTP_DIRECTORY": inbox, "HERALD_PRINT_RETURNS_DIRECTORY": returns,
            ]
        }
    }

    /// Every file under `directory` (relative paths), as the server's disk holds them.
    static func files(under directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(directory)/\($0)", isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    @Test("the batch's ZIP lands in the bureau's SFTP inbox as <name>.zip, nothing else; return files read there and moved to processed/")
    func dropAndReturnsOverSFTP() async throws {
        let server = try Server.fromEnvironment()
        let inbox = server.scratch("print-inbox"), returns = server.scratch("print-returns")
        defer {
            try? FileManager.default.removeItem(atPath: inbox)
            try? FileManager.default.removeItem(atPath: returns)
        }
        let clock = TestClock(base: PrintBureauScenario.start)
        let runtime = try await PrintBureauScenario.makeRuntime("print-sftp", environment: server.environment(inbox: inbox, returns: returns),
                                                                clock: clock)
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let route = try #require(runtime.printRoute)
        #expect(route.target.description == "sftp://\(server.user)@\(server.host):\(server.port)/\(inbox)")
        try await PrintBureauScenario.seedCustomers(runtime.store, count: 3)
        let letters = [try await PrintBureauScenario.letter(runtime, customer: 1), try await PrintBureauScenario.letter(runtime, customer: 2),
                       try await PrintBureauScenario.letter(runtime, "STATEMENT", customer: 3, pages: 3)]
        try await runtime.runUntilQuiet()
        #expect(Self.files(under: inbox).isEmpty, "nothing dropped before the cut-off")

        clock.advance(7 * 3600 + 5)
        try await runtime.runUntilQuiet()
        let batches = try await runtime.store.printBatches(limit: 10)
        #expect(batches.count == 2 && batches.allSatisfy { $0.status == .dropped }, "\(batches)")
        #expect(Self.files(under: inbox) == batches.map(\.fileName).sorted(), "one <name>.zip per batch, no .tmp left")

        var pieces: [String: String] = [:]
        for id in letters {
            let d = try await PrintBureauScenario.distribution(runtime, id)
            pieces[d.id] = id
            let batch = try #require(batches.first { d.reference == "\($0.fileName)#\(d.id)" }, "\(d.reference ?? "-")")
            #expect(d.status == .sent)
            #expect(batch.postage == (id == letters[2] ? "first" : "second"))
        }
        let folder = temporaryDirectory("print-sftp-drop")
        defer { try? FileManager.default.removeItem(at: folder) }
        var dropped: [String] = []
        for batch in batches {
            let drop = try await PrintBureauScenario.read(zip: "\(inbox)/\(batch.fileName)", into: folder.appendingPathComponent(batch.id))
            let rows = drop.letterRows.compactMap { $0["piece_id"] }
            #expect(drop.entries == rows.map { "\($0).pdf" } + ["manifest.csv", "manifest.xml"])
            #expect(drop.controlRow?["letters"] == "\(batch.letters)")
            for piece in rows { #expect(try await PrintBureauScenario.qpdfProblem(drop.path("\(piece).pdf")) == nil) }
            dropped += rows
        }
        #expect(Set(dropped) == Set(pieces.keys) && dropped.count == 3)

        // The bureau answers in its outbox folder on the same server.
        let poller = runtime.printReturnsPoller(route)
        #expect(try await poller.pollOnce().isEmpty, "the folder is made on the first poll")
        let (p1, p2, p3) = (dropped[0], dropped[1], dropped[2])
        try Data("""
            pieceId,status,at,reason
            \(p1),posted,2026-12-08,
            \(p2),returned,2026-12-20T10:00:00Z,Moved away
            \(p3),printed,2026-12-08T06:00:00Z,
            \(p3),bogus,,

            """.utf8).write(to: URL(fileURLWithPath: "\(returns)/answers.csv"))
        let reports = try await poller.pollOnce()
        #expect(reports.map(\.name) == ["answers.csv"])
        #expect(reports.first?.results.count == 3)
        #expect(reports.first?.problems.count == 1 && reports.first?.problems.first?.hasPrefix("answers.csv:5: unknown status") == true,
                "\(reports.first?.problems ?? [])")
        #expect(Self.files(under: returns) == ["processed/answers.csv", "processed/answers.csv.errors"])
        let posted = try await PrintBureauScenario.distribution(runtime, pieces[p1]!)
        #expect(posted.status == .sent && posted.actualSentAt == Date(timeIntervalSince1970: 1_796_688_000))
        let returned = try await PrintBureauScenario.distribution(runtime, pieces[p2]!)
        #expect(returned.status == .undeliverable && returned.lastError == "print bureau: returned: Moved away")
        #expect(try await PrintBureauScenario.distribution(runtime, pieces[p3]!).status == .sent)
        #expect(try await poller.pollOnce().isEmpty, "a file is applied once")
        let logged = try await PrintBureauScenario.query(runtime, "SELECT reference, outcome, disposition FROM delivery_reports ORDER BY id")
        #expect(logged == [[p1, "posted", "applied"], [p2, "returned", "applied"], [p3, "printed", "logged"]], "\(logged)")
    }

    /// The batch's state as stored: status, attempts, last error, and seconds from `now` to its retry.
    static func batchState(_ runtime: HeraldRuntime, now: Date) async throws -> (status: String?, attempts: String?, lastError: String?, retryIn: Double?) {
        let rows = try await PrintBureauScenario.query(runtime, "SELECT status, attempts, last_error, retry_at FROM print_batches")
        try #require(rows.count == 1, "\(rows)")
        let row = rows[0]
        return (row[0], row[1], row[2], row[3].flatMap(Double.init).map { $0 / 1000 - now.timeIntervalSince1970 })
    }

    @Test("an inbox the user may not write, then a host key that is not the known one: the batch waits, its letters batched; fixed settings drop it")
    func refusalsUntilTheConfigurationIsFixed() async throws {
        let server = try Server.fromEnvironment()
        let inbox = server.scratch("print-inbox-faults"), returns = server.scratch("print-returns-faults")
        defer {
            try? FileManager.default.removeItem(atPath: inbox)
            try? FileManager.default.removeItem(atPath: returns)
        }
        let readonlyInbox = "\(server.readonlyDirectory)/print-inbox"
        let clock = TestClock(base: PrintBureauScenario.start)
        let first = try await PrintBureauScenario.makeRuntime("print-sftp-faults", environment: server.environment(inbox: readonlyInbox, returns: returns),
                                                              clock: clock)
        let dataDirectory = first.settings.dataDirectory
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        try await PrintBureauScenario.seedCustomers(first.store, count: 2)
        let letters = [try await PrintBureauScenario.letter(first, customer: 1), try await PrintBureauScenario.letter(first, customer: 2)]
        try await first.runUntilQuiet()
        clock.advance(7 * 3600 + 5)

        // Permission denied: permanent, retried no sooner than 15 minutes.
        try await first.runUntilQuiet()
        var state = try await Self.batchState(first, now: clock.now)
        #expect(state.status == PrintBatchStatus.closed.code && state.attempts == "1")
        #expect(state.lastError?.lowercased().contains("permission denied") == true, "\(state.lastError ?? "-")")
        #expect(try #require(state.retryIn) >= 14 * 60 + 50, "\(state.retryIn ?? 0)")
        for id in letters { #expect(try await PrintBureauScenario.distribution(first, id).status == .batched) }
        #expect(!FileManager.default.fileExists(atPath: readonlyInbox))
        clock.advance(14 * 60)
        try await first.runUntilQuiet()
        #expect(try await Self.batchState(first, now: clock.now).attempts == "1", "not retried within 15 minutes")

        // The folder fixed, but known_hosts names the server with another key: refused, permanent.
        let wrongKnownHosts = temporaryDirectory("print-known_hosts-other")
        defer { try? FileManager.default.removeItem(at: wrongKnownHosts) }
        let hostName = server.port == 22 ? server.host : "[\(server.host)]:\(server.port)"
        try Data("\(hostName) ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n".utf8).write(to: wrongKnownHosts)
        clock.advance(2 * 60)
        let second = try await PrintBureauScenario.restart(
            dataDirectory, environment: server.environment(inbox: inbox, returns: returns, knownHosts: wrongKnownHosts.path), clock: clock)
        try await second.runUntilQuiet()
        state = try await Self.batchState(second, now: clock.now)
        #expect(state.status == PrintBatchStatus.closed.code && state.attempts == "2")
        #expect(state.lastError?.contains("host key for \(hostName)") == true, "\(state.lastError ?? "-")")
        #expect(try #require(state.retryIn) >= 14 * 60 + 50, "\(state.retryIn ?? 0)")
        for id in letters { #expect(try await PrintBureauScenario.distribution(second, id).status == .batched) }
        #expect(Self.files(under: inbox).isEmpty, "nothing written to a server whose key was refused")

        // Both fixed, after the retry time: dropped once.
        clock.advance(16 * 60)
        let third = try await PrintBureauScenario.restart(dataDirectory, environment: server.environment(inbox: inbox, returns: returns), clock: clock)
        try await third.runUntilQuiet()
        let batch = try #require(try await third.store.printBatches(limit: 1).first)
        #expect(batch.status == .dropped && batch.attempts == 2)
        #expect(Self.files(under: inbox) == [batch.fileName])
        for id in letters {
            let d = try await PrintBureauScenario.distribution(third, id)
            #expect(d.status == .sent && d.reference == "\(batch.fileName)#\(d.id)")
        }
    }
}
