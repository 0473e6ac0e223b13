import Foundation
import HeraldApp
import HeraldAppTestSupport
import HeraldCore
import HeraldSQLite
import Testing

/// `herald users`: the admin logic on a real store, then the command itself.
struct AgentUsersTests {
    static func admin() async throws -> (AgentUserAdmin, SQLiteStore) {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        return (AgentUserAdmin(store: store, bcryptCost: 4), store)
    }

    @Test func addGeneratesOrTakesAPasswordAndRefusesBadInput() async throws {
        let (admin, store) = try await Self.admin()
        let generated = try #require(try await admin.add(name: "kim", role: .agent, password: nil))
        #expect(generated.count == 20)
        #expect(try await admin.add(name: "ana", role: .supervisor, password: "correct horse") == nil)
        let ana = try #require(try await store.agentUser(name: "ana"))
        #expect(ana.role == .supervisor)
        #expect(ana.passwordHash.hasPrefix("$2b$04$"))
        #expect(!ana.passwordHash.contains("correct horse"))

        let taken = await #expect(throws: HeraldError.self) { try await admin.add(name: "kim", role: .admin, password: nil) }
        #expect(taken?.kind == .conflict)
        #expect(taken?.message.contains("already exists") == true)
        let role = #expect(throws: HeraldError.self) { try AgentUserAdmin.role("boss") }
        #expect(role?.message.contains("unknown role 'boss'") == true)
        #expect(try AgentUserAdmin.role(nil) == .agent)
        #expect(try AgentUserAdmin.role("Admin") == .admin)
        let empty = await #expect(throws: HeraldError.self) { try await admin.add(name: "zed", role: .agent, password: "") }
        #expect(empty?.message.contains("empty") == true)
        let short = await #expect(throws: HeraldError.self) { try await admin.add(name: "zed", role: .agent, password: "short") }
        #expect(short?.kind == .invalidInput)
        let name = await #expect(throws: HeraldError.self) { try await admin.add(name: "a b", role: .agent, password: nil) }
        #expect(name?.kind == .invalidInput)
        #expect(try await admin.list().map(\.name) == ["ana", "kim"])
    }

    @Test func passwdDisableAndListOfUnknownUsers() async throws {
        let (admin, store) = try await Self.admin()
        try await admin.add(name: "kim", role: .agent, password: "first password")
        let before = try #require(try await store.agentUser(name: "kim")).passwordHash
        #expect(try await admin.passwd(name: "kim", password: "second password") == nil)
        #expect(try await store.agentUser(name: "kim")?.passwordHash != before)
        #expect(try await admin.passwd(name: "kim", password: nil)?.count == 20)
        try await admin.disable(name: "kim")
        #expect(try await store.agentUser(name: "kim")?.disabled == true)
        for error in [
            await #expect(throws: HeraldError.self) { try await admin.passwd(name: "nobody", password: nil) },
            await #expect(throws: HeraldError.self) { try await admin.disable(name: "nobody") },
            await #expect(throws: HeraldError.self) { try await admin.list(name: "nobody") },
        ] {
            #expect(error?.kind == .notFound)
        }
        let table = AgentUserAdmin.table(try await admin.list(), now: Date())
        #expect(table.hasPrefix("NAME"))
        #expect(table.contains("kim") && table.contains("disabled"))
    }

    @Test func passwordFromStandardInputIsItsFirstLine() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data("s3cret pass\r\nignored\n".utf8))
        try pipe.fileHandleForWriting.close()
        #expect(try AgentUserAdmin.readPassword(from: pipe.fileHandleForReading) == "s3cret pass")
        let empty = Pipe()
        empty.fileHandleForWriting.write(Data("\n".utf8))
        try empty.fileHandleForWriting.close()
        #expect(throws: HeraldError.self) { try AgentUserAdmin.readPassword(from: empty.fileHandleForReading) }
    }

    /// The real binary, as an operator types it.
    @Test func theCommand() throws {
        let binary = packageRoot.appendingPathComponent(".build/debug/herald")
        #expect(FileManager.default.isExecutableFile(atPath: binary.path), "build the herald product first (swift build)")
        let dir = temporaryDirectory("users")
        defer { try? FileManager.default.removeItem(at: dir) }
        func herald(_ args: [String], stdin: String? = nil) throws -> (Int32, String, String) {
            let p = Process()
            p.executableURL = binary
            p.arguments = ["users"] + args + ["--data-dir", dir.path]
            let out = Pipe(), err = Pipe(), input = Pipe()
            p.standardOutput = out
            p.standardError = err
            p.standardInput = input
            try p.run()
            if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
            try input.fileHandleForWriting.close()
            let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, o, e)
        }
        let (added, addOut, _) = try herald(["add", "kim", "--role", "supervisor", "--password-stdin"], stdin: "a good password\n")
        #expect(added == 0)
        #expect(addOut.contains("added supervisor 'kim'") && !addOut.contains("a good password"))
        let (generated, genOut, _) = try herald(["add", "bob"])
        #expect(generated == 0)
        #expect(genOut.contains("password (shown once): "))
        let (again, _, againErr) = try herald(["add", "kim"])
        #expect(again == 2)
        #expect(againErr.contains("already exists"))
        let (role, _, roleErr) = try herald(["add", "zed", "--role", "boss"])
        #expect(role == 2)
        #expect(roleErr.contains("unknown role 'boss'"))
        let (empty, _, emptyErr) = try herald(["passwd", "kim", "--password-stdin"], stdin: "\n")
        #expect(empty == 2)
        #expect(emptyErr.contains("empty"))
        let (unknown, _, unknownErr) = try herald(["disable", "nobody"])
        #expect(unknown == 2)
        #expect(unknownErr.contains("no agent user 'nobody'"))
        #expect(try herald(["disable", "bob"]).0 == 0)
        let (listed, list, _) = try herald(["list"])
        #expect(listed == 0)
        let lines = list.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.contains { $0.hasPrefix("bob") && $0.contains("disabled") })
        #expect(lines.contains { $0.hasPrefix("kim") && $0.contains("supervisor") && $0.contains("active") })
    }
}

struct DemoAgentTests {
    @Test func theDemoFolderGetsADemoSupervisor() async throws {
        let dir = temporaryDirectory("demo-agent")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let password = try await AgentUserAdmin.addDemoAgent(dataDirectory: dir, bcryptCost: 4)
        #expect(password.count == 20)
        let store = try SQLiteStore(path: dir.appendingPathComponent("herald.sqlite").path)
        let demo = try #require(try await store.agentUser(name: "demo"))
        #expect(demo.role == .supervisor && !demo.disabled)
        #expect(demo.passwordHash.hasPrefix("$2b$04$"))
    }
}
