import Foundation

/// The actor AgentView writes in a request's history for an agent's action: `agent:<name>`.
public func agentActor(_ name: String) -> String { "agent:" + name }

/// What AgentView keeps and reads beyond the comms themselves: its users, their sessions, the
/// audit of what they did, and the agent's look-ups (search, a customer's comms list). SQLite
/// implements it (`SQLiteStore`), PostgreSQL later.
public protocol AgentStore: Sendable {
    // MARK: Users
    /// Adds a user; throws `conflict` (field `name`) when the name is taken.
    func addAgentUser(_ user: AgentUser) async throws
    /// The user of that name, or nil.
    func agentUser(name: String) async throws -> AgentUser?
    /// Every user, by name.
    func agentUsers() async throws -> [AgentUser]
    /// Sets a new password hash, clears failed attempts and any lock, and ends the user's
    /// sessions. Throws `notFound` (field `name`) for an unknown user.
    func setAgentPassword(name: String, passwordHash: String, at: Date) async throws
    /// Disables (or enables) a user; disabling ends its sessions. Throws `notFound` for an unknown user.
    func setAgentDisabled(name: String, disabled: Bool, at: Date) async throws

    // MARK: Signing in
    /// Counts a failed sign-in of `name` under `policy` (locking it at the limit); returns the
    /// user as stored, nil for an unknown name (nothing is written then).
    func recordAgentSignInFailure(name: String, policy: AgentSignInPolicy, at: Date) async throws -> AgentUser?
    /// Records a good sign-in: clears failed attempts and stores the new session.
    func startAgentSession(_ session: AgentSession) async throws
    /// The live session with this id and its user, sliding its expiry to `now` + the policy's
    /// idle timeout (written only when the last recorded use is at least the policy's
    /// `touchInterval` old). Nil (and the session deleted) when it has expired or its user is
    /// gone or disabled; nil for an unknown id.
    func touchAgentSession(id: String, policy: AgentSignInPolicy, now: Date) async throws -> (AgentSession, AgentUser)?
    /// Deletes one session (sign-out); unknown ids are ignored.
    func endAgentSession(id: String) async throws
    /// Deletes sessions expired at `now`; returns how many.
    func purgeExpiredAgentSessions(now: Date) async throws -> Int

    // MARK: Audit
    /// Appends one audit row; returns its id. Actions on a comm write it in the same
    /// transaction as their change (later); sign-in and sign-out on their own.
    @discardableResult
    func appendAgentAudit(_ entry: AgentAuditEntry) async throws -> Int64
    /// The newest audit rows first.
    func agentAudit(limit: Int) async throws -> [AgentAuditEntry]

    // MARK: Actions on comms
    // Each writes its change, the request's history row (actor `agent:<name>`, the agent's
    // reason) and the audit row in one transaction: all or nothing.

    /// Cancels a waiting request (`awaitingProcessing` or `awaitingEventResolution` →
    /// `cancelled`, through ``StatusMachine`` as ``CommsStore/cancelRequest(id:actor:reason:at:)``
    /// does). Throws `notFound`, `illegalTransition` for any other status, `conflict` when it
    /// moved meanwhile.
    func agentCancel(requestId: String, audit: AgentAuditEntry) async throws -> RequestDetail
    /// Puts a request in `error` (without a distribution) back to `awaitingProcessing`. Throws
    /// `notFound`, `illegalTransition` for any other status, `conflict` when it has a
    /// distribution (resend it instead) or moved meanwhile.
    func agentRequeue(requestId: String, audit: AgentAuditEntry) async throws -> RequestDetail
    /// Stores a request an agent made (a resend, `copyOf` set, or a one-off comm) with its first
    /// history row (the audit's reason) and the audit row. Throws `invalidInput` for an unknown
    /// target.
    func agentSubmit(_ request: CommsRequest, audit: AgentAuditEntry) async throws

    // MARK: Operations
    /// When the oldest waiting item of each stage that has one was created (a request, a
    /// distribution, a merged document, a print batch, a callback), for the operations page.
    func oldestWaiting() async throws -> [Stage: Date]
    /// Per method (every method, zeros included): distributions sent since `since`, and those
    /// failed for good whose last change is since `since`.
    func sendCounts(since: Date) async throws -> [MethodSendCounts]
    /// The newest problems of kind `error` or `delivery`, newest first, at most `limit`.
    func recentProblems(limit: Int) async throws -> [RecentProblem]

    // MARK: Look-ups
    /// Customers matching any reading of `search`, by customer id, at most `limit`.
    func searchCustomers(_ search: CustomerSearch, limit: Int) async throws -> [CustomerMatch]
    /// A customer's accounts and subscriptions, by id.
    func holdings(customerId: String) async throws -> (accounts: [Account], subscriptions: [Subscription])
    /// One page of a customer's comms, newest first, each with its distribution (no history,
    /// problems or document: the list does not show them).
    func agentComms(_ query: AgentCommsQuery) async throws -> RequestPage
}
