/// The caller of a request, as authenticated by the ``APIKeyring``.
public struct APIPrincipal: Sendable, Hashable {
    /// The name of the API key (never the key itself).
    public var name: String
    /// The roles of the key.
    public var roles: Set<APIRole>
    /// The one system a `status-update` key speaks for (`name:status-update@SYSTEM:key`): its
    /// updates are recorded as `system:<SYSTEM>` and may only touch comms of codes that name it
    /// (code.json `external.system`). Nil: any comm, recorded as the key.
    public var system: String?

    /// Creates a principal.
    public init(name: String, roles: Set<APIRole>, system: String? = nil) {
        self.name = name
        self.roles = roles
        self.system = system
    }

    /// The actor recorded in audit fields: `api:<key name>`.
    public var actor: String { "api:\(name)" }

    /// Whether the principal holds one of `roles` (``APIRole/admin`` holds them all).
    public func mayAct(as roles: Set<APIRole>) -> Bool {
        self.roles.contains(.admin) || !self.roles.isDisjoint(with: roles)
    }
}
