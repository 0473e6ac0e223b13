import Foundation
import HeraldAgentView
import HeraldCore
import HeraldSQLite

/// `herald users add|passwd|disable|list`: AgentView's users, on a store. Passwords are given
/// (read from standard input by the command) or generated and returned once to be printed.
public struct AgentUserAdmin: Sendable {
    let store: any AgentStore
    let passwords: AgentPasswords
    let clock: @Sendable () -> Date

    /// Manages the users of `store`, hashing with bcrypt at `bcryptCost` (12; tests use 4).
    public init(store: any AgentStore, bcryptCost: UInt8 = 12, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.passwords = AgentPasswords(cost: bcryptCost)
        self.clock = clock
    }

    /// Reads a role name; throws `invalidInput` (field `--role`) naming the choices.
    public static func role(_ text: String?) throws -> AgentRole {
        guard let text else { return .agent }
        guard let role = AgentRole(rawValue: text.lowercased()) else {
            throw HeraldError.invalid("--role", "unknown role '\(text)': expected agent, supervisor or admin")
        }
        return role
    }

    /// Adds a user. With `password` nil a password is generated and returned (print it once);
    /// throws `conflict` when the name is taken, `invalidInput` for a bad name or password.
    @discardableResult
    public func add(name: String, role: AgentRole, password: String?) async throws -> String? {
        guard AgentUser.isValidName(name) else {
            throw HeraldError.invalid("NAME", "a user name has 1 to 64 letters, digits, '.', '_', '-' or '@'; got '\(name)'")
        }
        let chosen = password ?? AgentPasswords.generate()
        let hash = try await passwords.hash(chosen)
        try await store.addAgentUser(AgentUser(name: name, role: role, passwordHash: hash, createdAt: clock()))
        return password == nil ? chosen : nil
    }

    /// Sets a new password (given, or generated and returned), clearing any lock and ending the
    /// user's sessions; throws `notFound` for an unknown user.
    @discardableResult
    public func passwd(name: String, password: String?) async throws -> String? {
        guard try await store.agentUser(name: name) != nil else { throw HeraldError.notFound("no agent user '\(name)'", field: "NAME") }
        let chosen = password ?? AgentPasswords.generate()
        try await store.setAgentPassword(name: name, passwordHash: try await passwords.hash(chosen), at: clock())
        return password == nil ? chosen : nil
    }

    /// Disables a user and ends its sessions; throws `notFound` for an unknown user.
    public func disable(name: String) async throws {
        try await store.setAgentDisabled(name: name, disabled: true, at: clock())
    }

    /// Every user by name, or only `name` (throws `notFound` when there is no such user).
    public func list(name: String? = nil) async throws -> [AgentUser] {
        guard let name else { return try await store.agentUsers() }
        guard let user = try await store.agentUser(name: name) else { throw HeraldError.notFound("no agent user '\(name)'", field: "NAME") }
        return [user]
    }

    /// The list as `herald users list` prints it: name, role, state, created.
    public static func table(_ users: [AgentUser], now: Date) -> String {
        let rows = users.map { u -> [String] in
            let locked = u.lockedUntil.flatMap { u.isLocked(at: now) ? "locked until \($0.ISO8601Format())" : nil }
            let state = u.disabled ? "disabled" : locked ?? "active"
            return [u.name, u.role.rawValue, state, u.createdAt.ISO8601Format()]
        }
        let all = [["NAME", "ROLE", "STATE", "CREATED"]] + rows
        let widths = (0..<4).map { c in all.map { $0[c].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    /// A password read from standard input (`--password-stdin`): the first line, without its
    /// line end; throws `invalidInput` when it is empty.
    public static func readPassword(from handle: FileHandle = .standardInput) throws -> String {
        let data = handle.readDataToEndOfFile()
        let text = String(decoding: data, as: UTF8.self)
        // "\r\n" is one Character: split on the scalars of any line end.
        let password = text.components(separatedBy: CharacterSet.newlines).first ?? ""
        guard !password.isEmpty else {
            throw HeraldError.invalid("--password-stdin", "the password read from standard input is empty")
        }
        return password
    }

    /// `herald demo`'s AgentView user: `demo`, a supervisor (it sees every page), with a new
    /// generated password, returned to be printed once. Opens the demo folder's database.
    public static func addDemoAgent(dataDirectory: URL, bcryptCost: UInt8 = 12) async throws -> String {
        let store = try HeraldSQLiteOpen.open(HeraldSettings(dataDirectory: dataDirectory))
        try await store.migrate()
        let password = AgentPasswords.generate()
        try await AgentUserAdmin(store: store, bcryptCost: bcryptCost).add(name: "demo", role: .supervisor, password: password)
        return password
    }
}
