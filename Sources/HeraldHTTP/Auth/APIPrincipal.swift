/// The caller of a request, as authenticated by the ``APIKeyring``.
public struct APIPrincipal: Sendable, Hashable {
    /// The name of the API key (never the key itself).
    public var name: String
    /// The roles of the key.
    public var roles: Set<APIRole>

    /// Creates a principal.
    public init(name: String, roles: Set<APIRole>) {
        self.name = name
        self.roles = roles
    }

    /// The actor recorded in audit fields: `api:<key name>`.
    public var actor: String { "api:\(name)" }

    /// Whether the principal holds one of `roles` (``APIRole/admin`` holds them all).
    public func mayAct(as roles: Set<APIRole>) -> Bool {
        self.roles.contains(.admin) || !self.roles.isDisjoint(with: roles)
    }
}
