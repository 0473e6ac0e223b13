/// What an API key may do. ``admin`` may do everything.
public enum APIRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Raise triggers: comms requests, workflow events, external triggers, customer data.
    case trigger
    /// Report delivery outcomes of external systems.
    case statusUpdate = "status-update"
    /// The agent's view: list, read and cancel requests, read customers.
    case agent
    /// A customer portal: read a customer's online inbox and mark its comms read.
    case inbox
    /// Everything.
    case admin
}
