import Foundation
import GRDB
import HeraldCore

/// A row of `agent_users`.
struct AgentUserRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "agent_users"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case name, role, passwordHash = "password_hash", disabled, failedAttempts = "failed_attempts"
        case lockedUntil = "locked_until", createdAt = "created_at", updatedAt = "updated_at"
    }

    var name: String
    var role: String
    var passwordHash: String
    var disabled: Bool
    var failedAttempts: Int
    var lockedUntil: Int64?
    var createdAt: Int64
    var updatedAt: Int64

    init(_ u: AgentUser) {
        name = u.name
        role = u.role.rawValue
        passwordHash = u.passwordHash
        disabled = u.disabled
        failedAttempts = u.failedAttempts
        lockedUntil = Millis.from(u.lockedUntil)
        createdAt = Millis.from(u.createdAt)
        updatedAt = Millis.from(u.updatedAt)
    }

    var model: AgentUser {
        // An unknown role in the table (a later version's) is read as the least one.
        AgentUser(name: name, role: AgentRole(rawValue: role) ?? .agent, passwordHash: passwordHash, disabled: disabled,
                  failedAttempts: failedAttempts, lockedUntil: Millis.date(lockedUntil), createdAt: Millis.date(createdAt),
                  updatedAt: Millis.date(updatedAt))
    }
}

/// A row of `agent_sessions`.
struct AgentSessionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "agent_sessions"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case id, userName = "user_name", csrfToken = "csrf_token", createdAt = "created_at", lastSeenAt = "last_seen_at"
        case expiresAt = "expires_at"
    }

    var id: String
    var userName: String
    var csrfToken: String
    var createdAt: Int64
    var lastSeenAt: Int64
    var expiresAt: Int64

    init(_ s: AgentSession) {
        id = s.id
        userName = s.user
        csrfToken = s.csrfToken
        createdAt = Millis.from(s.createdAt)
        lastSeenAt = Millis.from(s.lastSeenAt)
        expiresAt = Millis.from(s.expiresAt)
    }

    var model: AgentSession {
        AgentSession(id: id, user: userName, csrfToken: csrfToken, createdAt: Millis.date(createdAt),
                     lastSeenAt: Millis.date(lastSeenAt), expiresAt: Millis.date(expiresAt))
    }
}

/// A row of `agent_audit`.
struct AgentAuditRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "agent_audit"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case id, at, agent, action, requestId = "request_id", reason, detail
    }

    var id: Int64?
    var at: Int64
    var agent: String
    var action: String
    var requestId: String?
    var reason: String?
    var detail: String?

    init(_ e: AgentAuditEntry) {
        id = e.id
        at = Millis.from(e.at)
        agent = e.agent
        action = e.action
        requestId = e.requestId
        reason = e.reason
        detail = e.detail
    }

    var model: AgentAuditEntry {
        AgentAuditEntry(id: id, at: Millis.date(at), agent: agent, action: action, requestId: requestId, reason: reason, detail: detail)
    }
}
