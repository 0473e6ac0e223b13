import HeraldCore
import Logging

/// Everything the HTTP API needs from the rest of Herald. The composition root builds one and
/// passes it to ``buildRouter(_:)``.
public struct APIDependencies: Sendable {
    /// The store the API reads requests, customers and events from.
    public var store: any CommsStore
    /// The comms-code catalog (`GET /v1/comms-codes`).
    public var catalog: any TemplateCatalog
    /// Validates and stores triggers (comms requests, workflow events, external triggers).
    public var intake: TriggerIntake
    /// The API keys and their roles.
    public var keyring: APIKeyring
    /// Prometheus text exposition for `GET /metrics`.
    public var metricsText: @Sendable () async -> String
    /// Largest request body accepted; larger bodies get 413. Default 1 MiB.
    public var maxBodyBytes: Int = 1_048_576
    /// Where unexpected errors are logged.
    public var logger: Logger
    /// The names of the SMS HTTP-gateway routes whose status callbacks
    /// `POST /v1/inbound/sms-status/{route}` accepts; any other name is 404. Default none.
    public var smsStatusRoutes: Set<String> = []
    /// Reads a comm's document for `GET /v1/comms-requests/{id}/document` (local pack, else the
    /// long-term copy); nil answers 404 for every document.
    public var documents: DocumentRetrieval?

    /// Creates the dependencies of the API.
    public init(
        store: any CommsStore, catalog: any TemplateCatalog, intake: TriggerIntake, keyring: APIKeyring,
        metricsText: @escaping @Sendable () async -> String, maxBodyBytes: Int = 1_048_576, logger: Logger,
        smsStatusRoutes: Set<String> = [], documents: DocumentRetrieval? = nil
    ) {
        self.documents = documents
        self.store = store
        self.catalog = catalog
        self.intake = intake
        self.keyring = keyring
        self.metricsText = metricsText
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        self.smsStatusRoutes = smsStatusRoutes
    }
}
