import Foundation
import HeraldCore
import Logging

/// Everything AgentView needs from the rest of Herald. The composition root builds one and
/// passes it to ``addAgentView(to:_:)``.
public struct AgentViewDependencies: Sendable {
    /// Customers, accounts and requests.
    public var store: any CommsStore
    /// Users, sessions, audit, search and the comms list.
    public var agents: any AgentStore
    /// Comms-code descriptions for the comms list.
    public var catalog: any TemplateCatalog
    /// bcrypt at the configured cost.
    public var passwords: AgentPasswords
    /// Lockout and idle timeout.
    public var policy: AgentSignInPolicy
    /// Adds `Secure` to the cookies (`agent.secureCookies`): on whenever AgentView is reached over HTTPS.
    public var secureCookies: Bool
    /// Wall clock, replaceable in tests.
    public var clock: @Sendable () -> Date
    /// Where sign-ins and unexpected errors are logged (never passwords or message bodies).
    public var logger: Logger
    /// A comm's stored email or letter (the local pack, else the long-term copy); nil: none shown.
    public var documents: DocumentRetrieval?
    /// Validates and builds the requests of resends and one-off comms (the API's own rules).
    public var intake: TriggerIntake?
    /// The default merge fields of previews.
    public var fields: DefaultFieldRegistry = .standard

    /// Creates the dependencies of AgentView.
    public init(store: any CommsStore, agents: any AgentStore, catalog: any TemplateCatalog, passwords: AgentPasswords = AgentPasswords(),
                policy: AgentSignInPolicy = .standard, secureCookies: Bool = false, clock: @escaping @Sendable () -> Date = { Date() },
                logger: Logger, documents: DocumentRetrieval? = nil, intake: TriggerIntake? = nil) {
        self.documents = documents
        self.intake = intake
        self.store = store
        self.agents = agents
        self.catalog = catalog
        self.passwords = passwords
        self.policy = policy
        self.secureCookies = secureCookies
        self.clock = clock
        self.logger = logger
    }
}
