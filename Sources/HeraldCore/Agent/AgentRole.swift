/// What a signed-in agent may do in AgentView. Ordered: ``agent`` < ``supervisor`` < ``admin``;
/// a route names its minimum role and every higher role may use it too.
public enum AgentRole: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Searches customers, reads their comms, acts on one comm.
    case agent
    /// An agent who may also requeue errored requests and see the operations pages.
    case supervisor
    /// Everything.
    case admin

    private var rank: Int {
        switch self {
        case .agent: 0
        case .supervisor: 1
        case .admin: 2
        }
    }

    /// Whether a user of this role may use a route that needs `minimum`.
    public func satisfies(_ minimum: AgentRole) -> Bool { self >= minimum }

    /// Ordered by what the role may do.
    public static func < (lhs: AgentRole, rhs: AgentRole) -> Bool { lhs.rank < rhs.rank }
}
