import Foundation

/// A signed-in browser (`agent_sessions`). The cookie carries a random 256-bit token; the
/// store keeps only its SHA-256 (``id``), so a copy of the database signs no one in.
public struct AgentSession: Sendable, Hashable {
    /// The SHA-256 of the cookie's token, lower-case hex.
    public var id: String
    /// The user's name.
    public var user: String
    /// The token every form of this session must carry (checked on every POST).
    public var csrfToken: String
    /// When the user signed in.
    public var createdAt: Date
    /// The last use recorded (see ``AgentSignInPolicy/touchInterval``).
    public var lastSeenAt: Date
    /// ``lastSeenAt`` plus the idle timeout: moved forward on every use.
    public var expiresAt: Date

    /// Creates a session; `lastSeenAt` defaults to `createdAt`.
    public init(id: String, user: String, csrfToken: String, createdAt: Date, lastSeenAt: Date? = nil, expiresAt: Date) {
        self.id = id
        self.user = user
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt ?? createdAt
        self.expiresAt = expiresAt
    }
}

/// One row of `agent_audit`: what an agent did (sign-in, sign-out, and later each action on a
/// comm), when, why, and on which request.
public struct AgentAuditEntry: Sendable, Hashable {
    /// Assigned by the store (nil before it is written).
    public var id: Int64?
    /// When it happened.
    public var at: Date
    /// The user's name.
    public var agent: String
    /// `sign-in`, `sign-out`, `sign-in-refused`, and the actions' names (`cancel`, `resend`…).
    public var action: String
    public var requestId: String?
    /// The reason the agent gave (actions require one).
    public var reason: String?
    /// Anything else worth keeping (never a password or a message body).
    public var detail: String?

    /// Creates an audit row (``id`` is set by the store).
    public init(id: Int64? = nil, at: Date, agent: String, action: String, requestId: String? = nil, reason: String? = nil,
                detail: String? = nil) {
        self.id = id
        self.at = at
        self.agent = agent
        self.action = action
        self.requestId = requestId
        self.reason = reason
        self.detail = detail
    }
}
