import Foundation
import HeraldAgentView
import HeraldCore
import HeraldHTTP
import HeraldSQLite
import HeraldTransports
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `herald serve`: the HTTP API, AgentView (`/agent`) and every job and daemon in one process, one `ServiceGroup`,
/// graceful shutdown on SIGTERM/SIGINT (the batch in hand is finished, claims released by
/// their leases otherwise).
public enum HeraldServer {
    /// The Hummingbird application for a runtime.
    public static func application(
        runtime: HeraldRuntime, registry: PrometheusCollectorRegistry, port: Int? = nil
    ) -> some ApplicationProtocol {
        let keyring = APIKeyring(runtime.settings.apiKeys.map { entry in
            APIKeyring.Key(name: entry.name, key: entry.key, roles: Set(entry.roles.compactMap(APIRole.init(rawValue:))), system: entry.system)
        })
        let store = runtime.store
        let clock = runtime.clock
        let depths = RefreshCache<[QueueDepth]>(interval: queueDepthRefresh)
        let deps = APIDependencies(
            store: runtime.store, catalog: runtime.catalog, intake: runtime.intake, keyring: keyring,
            metricsText: { await metricsText(registry: registry, depths: { try await depths.value { try await store.queueDepths(now: clock()) } }) },
            logger: runtime.logger,
            smsStatusRoutes: smsStatusRoutes(runtime.settings), documents: runtime.documentRetrieval)
        let router = buildRouter(deps)
        addAgentView(to: router, AgentViewDependencies(
            store: runtime.store, agents: runtime.store, catalog: runtime.catalog, secureCookies: runtime.settings.agentSecureCookies,
            clock: clock, logger: runtime.logger, documents: runtime.documentRetrieval, intake: runtime.intake))
        return Application(
            router: router,
            configuration: .init(address: .hostname(runtime.settings.host, port: port ?? runtime.settings.port), serverName: "herald"),
            logger: runtime.logger)
    }

    /// The SMS gateway routes whose status callbacks the API accepts: the HTTP-gateway route's
    /// name when `sms.transport` is `http`.
    static func smsStatusRoutes(_ settings: HeraldSettings) -> Set<String> {
        guard settings.sms.transport == .http, let gateway = settings.sms.http else { return [] }
        return [gateway.route]
    }

    /// How often `/metrics` counts the queues: scrapes in between get the last counts (a count
    /// walks every waiting row; a scraper every second must not do that each time).
    static let queueDepthRefresh: Duration = .seconds(5)

    /// Prometheus text: the registry's counters and timers, plus queue depths per stage.
    static func metricsText(registry: PrometheusCollectorRegistry, depths: () async throws -> [QueueDepth]) async -> String {
        var text = registry.emitToString()
        if let depths = try? await depths() {
            text += "# TYPE herald_queue_depth gauge\n"
            for d in depths { text += "herald_queue_depth{stage=\"\(d.stage)\"} \(d.waiting)\n" }
        }
        return text
    }

    /// Runs the API and the pipeline until SIGTERM or SIGINT.
    public static func run(runtime: HeraldRuntime) async throws {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        if runtime.settings.apiKeys.isEmpty {
            runtime.logger.warning("no API keys configured: every /v1 call will be refused; set HERALD_ADMIN_API_KEY")
        }
        try await runtime.applyConfiguredSubscriptions()
        let app = application(runtime: runtime, registry: registry)
        var services: [any Service] = [app, CatalogReloader(catalog: runtime.catalog, logger: runtime.logger)]
        services += runtime.pipelineServices()
        let group = ServiceGroup(
            configuration: .init(services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: runtime.logger))
        runtime.logger.info("herald serving", metadata: [
            "http.address": "\(runtime.settings.host):\(runtime.settings.port)", "herald.data_dir": "\(runtime.settings.dataDirectory.path)",
        ])
        try await group.run()
    }
}
