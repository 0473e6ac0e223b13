import Foundation

/// A person who signs in to AgentView (`agent_users`). The password is kept only as a bcrypt
/// hash, made and checked outside the core (`HeraldAgentView`).
public struct AgentUser: Sendable, Hashable {
    /// The sign-in name, unique; recorded as the actor (`agent:<name>`).
    public var name: String
    /// What the user may do in AgentView.
    public var role: AgentRole
    /// `$2b$…`: bcrypt with its salt and cost.
    public var passwordHash: String
    /// A disabled user cannot sign in and loses its sessions.
    public var disabled: Bool
    /// Failed sign-ins since the last success or lock (see ``AgentSignInPolicy``).
    public var failedAttempts: Int
    /// Refused until this time after too many failed sign-ins.
    public var lockedUntil: Date?
    /// When the user was added.
    public var createdAt: Date
    /// When the user last changed (password, lock, disabled).
    public var updatedAt: Date

    /// Creates a user; `updatedAt` defaults to `createdAt`.
    public init(name: String, role: AgentRole, passwordHash: String, disabled: Bool = false, failedAttempts: Int = 0,
                lockedUntil: Date? = nil, createdAt: Date, updatedAt: Date? = nil) {
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.failedAttempts = failedAttempts
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// Whether sign-in is refused at `now` because of failed attempts.
    public func isLocked(at now: Date) -> Bool { lockedUntil.map { $0 > now } ?? false }

    /// The actor recorded in history and audit rows: `agent:<name>`.
    public var actor: String { "agent:\(name)" }

    /// Whether `name` is acceptable as a user name: 1–64 letters, digits, `.`, `_`, `-`, `@`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-@".unicodeScalars.contains($0)) }
    }
}

/// The rules of signing in, as values: how many failures lock a user, for how long, and how
/// long an unused session lives. Pure; the store applies them.
public struct AgentSignInPolicy: Sendable, Hashable {
    /// Failed attempts that lock the user (default 5).
    public var maxFailedAttempts: Int = 5
    /// How long a locked user is refused (default 15 minutes).
    public var lockout: TimeInterval = 15 * 60
    /// A session unused for this long has expired (default 30 minutes; each use extends it).
    public var idleTimeout: TimeInterval = 30 * 60
    /// A use within this long of the last recorded one does not write the session again
    /// (default 60 s): a page view is then a read, and the idle timeout is exact to a minute.
    public var touchInterval: TimeInterval = 60

    /// A policy; the defaults are ``standard``.
    public init(maxFailedAttempts: Int = 5, lockout: TimeInterval = 15 * 60, idleTimeout: TimeInterval = 30 * 60,
                touchInterval: TimeInterval = 60) {
        self.maxFailedAttempts = maxFailedAttempts
        self.lockout = lockout
        self.idleTimeout = idleTimeout
        self.touchInterval = touchInterval
    }

    /// The default policy: 5 failures lock for 15 minutes; sessions idle out after 30 minutes.
    public static let standard = AgentSignInPolicy()

    /// The user after one more failed attempt at `now`: the count grows, and at the limit the
    /// user is locked for ``lockout`` and the count starts again.
    public func failed(_ user: AgentUser, at now: Date) -> AgentUser {
        var u = user
        // A lock that has run out starts a fresh count.
        if let until = u.lockedUntil, until <= now { u.lockedUntil = nil }
        u.failedAttempts += 1
        if u.failedAttempts >= maxFailedAttempts {
            u.failedAttempts = 0
            u.lockedUntil = now.addingTimeInterval(lockout)
        }
        u.updatedAt = now
        return u
    }
}
