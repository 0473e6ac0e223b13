import Foundation
import HeraldCatalog
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTransports
import Logging
import STOMP
import ServiceLifecycle

/// The assembled engine for one data folder: store, catalog, doorbells, intake, and every
/// stage worker. `herald serve`, `herald demo`, `herald import`, the benchmark and the
/// end-to-end tests all build it the same way.
public final class HeraldRuntime: Sendable {
    public let settings: HeraldSettings
    public let store: SQLiteStore
    public let catalog: ReloadableCatalog
    public let signals: WorkSignals
    public let intake: TriggerIntake
    public let documents: FileDocumentStore
    /// The Email Monitor's composer (`MIMEEmailComposer`, DKIM-signing when configured).
    public let emailComposer: MIMEEmailComposer
    /// The Letter Monitor's renderer: merged HTML to PDF (Letterpress), one per process so
    /// fonts and letterheads are parsed once.
    public let letterRenderer: PDFLetterRenderer
    /// The email transmitter when `email.transport` is `smtp`; nil for the outbox.
    public let smtpTransmitter: SMTPTransmitter?
    /// The SMPP route when `sms.transport` is `smpp` (a `Service` in ``pipelineServices()``); nil otherwise.
    public let smppRoute: SMPPRoute?
    /// The SMS transmitter when `sms.transport` is `http` (the aggregator route); nil otherwise.
    public let httpGatewayTransmitter: HTTPGatewayTransmitter?
    /// Where every document's long-term copy goes (`storage.backend`), sealed with AES-256-GCM
    /// when `storage.encryption.key.file` is set.
    public let archive: any DocumentArchive
    /// The print bureau route when `letter.transport` is `print`; nil otherwise.
    public let printRoute: PrintRoute?
    /// The one STOMP connection of the queue route (push and external share it) when either
    /// method's transport is `queue`; nil otherwise.
    public let queueClient: STOMPClient?
    /// The push transmitter when `push.transport` is `direct` (APNs and FCM over one HTTP/2
    /// client, closed by its service in ``transportServices()``); nil otherwise.
    public let pushTransmitter: PushTransmitter?
    /// The external transmitter when `external.transport` is `webhook` or `extract`; nil otherwise.
    public let externalTransmitter: (any Transmitter)?
    /// The queue route's transmitters (push, external), sharing ``queueClient``.
    let queueTransmitters: [DeliveryMethod: QueueTransmitter]
    /// Sends status callbacks to subscribed systems (the `callback` stage's HTTP side).
    public let callbackSender: any CallbackSender
    public let logger: Logger
    public let clock: @Sendable () -> Date

    /// Opens the data folder: creates it, opens and migrates the database, loads the catalog.
    public init(settings: HeraldSettings, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) async throws {
        self.settings = settings
        self.logger = logger
        self.clock = clock
        try FileManager.default.createDirectory(at: settings.dataDirectory, withIntermediateDirectories: true)
        var storeConfig = SQLiteStore.Configuration()
        storeConfig.clock = clock
        storeConfig.synchronous = settings.sqliteSynchronous
        store = try SQLiteStore(path: settings.databasePath, configuration: storeConfig)
        try await store.migrate()
        callbackSender = settings.callbacks.makeSender()
        guard FileManager.default.fileExists(atPath: settings.catalogDirectory.path) else {
            throw HeraldSettings.Keys.catalogDir.invalid(
                "names the catalog folder \(settings.catalogDirectory.path), which does not exist (run `herald demo` for a sample, or pass --catalog)")
        }
        catalog = try ReloadableCatalog(directory: settings.catalogDirectory, letterClearStrip: settings.print.clearStrip, logger: logger)
        signals = WorkSignals()
        intake = TriggerIntake(store: store, catalog: catalog, signals: signals, clock: clock)
        documents = FileDocumentStore(root: settings.documentsDirectory)
        emailComposer = try settings.email.makeComposer()
        letterRenderer = PDFLetterRenderer(catalogDirectory: settings.catalogDirectory, archival: settings.letterPDFA)
        smtpTransmitter = settings.email.makeTransmitter(documents: documents)
        archive = try settings.storage.makeArchive(settings: settings, logger: logger)
        printRoute = settings.print.transport == .print ? try PrintRoute(settings: settings, logger: logger) : nil
        if settings.sms.transport == .smpp, let route = settings.sms.smpp {
            smppRoute = SMPPRoute(settings: route, logger: logger)
        } else {
            smppRoute = nil
        }
        queueClient = try settings.queue.map { try QueueTransmitter.makeClient(settings: $0, logger: logger) }
        var queued: [DeliveryMethod: QueueTransmitter] = [:]
        if let queue = settings.queue, let queueClient {
            for method in [DeliveryMethod.push, .external]
            where (method == .push ? settings.push.transport == .queue : settings.external.transport == .queue) {
                queued[method] = try QueueTransmitter(method: method, settings: queue, client: queueClient, logger: logger)
            }
        }
        queueTransmitters = queued
        switch (settings.external.transport, settings.externalRoutes) {
        case (.webhook, let routes?):
            externalTransmitter = try routes.makeTransmitter(.webhook, dataDirectory: settings.dataDirectory, catalog: catalog, logger: logger)
        case (.extract, let routes?):
            externalTransmitter = try routes.makeTransmitter(.extract, dataDirectory: settings.dataDirectory, catalog: catalog, logger: logger)
        default:
            externalTransmitter = nil
        }
        if let direct = settings.pushDirect {
            pushTransmitter = try await direct.makeTransmitter(logger: logger)
        } else {
            pushTransmitter = nil
        }
        if settings.sms.transport == .http, let gateway = settings.sms.http {
            httpGatewayTransmitter = HTTPGatewayTransmitter(settings: gateway, logger: logger)
        } else {
            httpGatewayTransmitter = nil
        }
    }

    func loop(_ stage: Stage) -> ClaimLoop {
        ClaimLoop(stage: stage, store: store, signals: signals, configuration: settings.worker, clock: clock,
                  logger: logger)
    }

    /// The Comms Monitor.
    public func commsMonitor() -> CommsMonitor { CommsMonitor(loop: loop(.monitor), catalog: catalog, smtpUTF8: settings.email.smtpUTF8) }

    /// The Email Monitor or the Letter Monitor.
    public func mergeMonitor(_ method: DeliveryMethod) -> MergeMonitor {
        MergeMonitor(loop: loop(.merge(method)), catalog: catalog, documents: documents,
                     emailComposer: emailComposer, letterRenderer: letterRenderer)
    }

    /// The transmitter configured for a method: SMTP for email when `email.transport` is `smtp`,
    /// SMPP for SMS when `sms.transport` is `smpp`, the HTTP gateway for SMS when it is `http`,
    /// otherwise the outbox transport.
    public func transmitter(for method: DeliveryMethod) -> any Transmitter {
        if method == .email, let smtpTransmitter { return smtpTransmitter }
        if method == .sms, let smppRoute { return SMPPTransmitter(route: smppRoute) }
        if method == .sms, let httpGatewayTransmitter { return httpGatewayTransmitter }
        if let queued = queueTransmitters[method] { return queued }
        if method == .push, let pushTransmitter { return pushTransmitter }
        if method == .external, let externalTransmitter { return externalTransmitter }
        return OutboxTransmitter(method: method, outbox: settings.outboxDirectory, documents: documents)
    }

    /// The daemon of one delivery method.
    public func sender(_ method: DeliveryMethod) -> Sender {
        Sender(loop: loop(.send(method)), transmitter: transmitter(for: method))
    }

    /// The storage daemon: every merged email and letter into ``archive``.
    public func documentArchiver() -> DocumentArchiver {
        DocumentArchiver(loop: loop(.store), documents: documents, archive: archive, prefix: settings.storage.prefix,
                         concurrency: settings.storage.concurrency)
    }

    /// Makes the store's config-file subscriptions (`webhooks.subscriptions`) those of this
    /// runtime's config file. `herald serve` and the demo call it when they start; other
    /// commands opening the same store (`herald import`, perhaps with another config file)
    /// leave the subscriptions as serve set them.
    public func applyConfiguredSubscriptions() async throws {
        try await store.syncConfiguredSubscriptions(settings.callbacks.subscriptions, at: clock())
    }

    /// The status-callback daemon: changes subscribed systems asked for, as signed webhooks.
    public func callbackDeliverer() -> CallbackDeliverer {
        CallbackDeliverer(loop: loop(.callback), sender: callbackSender, backoff: settings.callbacks.backoff,
                          window: .seconds(3600 * settings.callbacks.retryWindowHours))
    }

    /// Reads a comm's document for the API: the local pack, else the long-term copy.
    public var documentRetrieval: DocumentRetrieval { DocumentRetrieval(documents: documents, archive: archive) }

    /// Every job and daemon, each a `Service`.
    public func pipelineServices() -> [any Service] {
        var services: [any Service] = [commsMonitor(), Housekeeping(store: store, clock: clock, logger: logger), bounceFolder(), statusFolder()]
        services += [DeliveryMethod.email, .letter].map { mergeMonitor($0) as any Service }
        if let printRoute {
            // Letters go to the print bureau in batches: the batcher takes the letter sender's place.
            services += DeliveryMethod.allCases.filter { $0 != .letter }.map { sender($0) as any Service }
            services += [printBatcher(printRoute), printDropper(printRoute), printReturnsPoller(printRoute)] as [any Service]
        } else {
            services += DeliveryMethod.allCases.map { sender($0) as any Service }
        }
        services.append(documentArchiver())
        services.append(callbackDeliverer())
        if settings.storage.localRetentionDays > 0 {
            services.append(LocalDocumentRetention(store: store, documents: documents, retention: .seconds(86_400 * settings.storage.localRetentionDays),
                                                   clock: clock, logger: logger))
        }
        // Transport services go first: a ServiceGroup stops services in reverse order, so the
        // route unbinds only after the senders finished their batches, and the receipt
        // processor drains after the route.
        services.insert(contentsOf: transportServices(), at: 0)
        // First, so it stops last.
        services.insert(WALCheckpointer(store: store, logger: logger), at: 0)
        return services
    }

    /// The watched bounce folder `<data-dir>/inbound/dsn/` (DSN `.eml` files, scanned every 2 s).
    public func bounceFolder() -> BounceFolder {
        BounceFolder(directory: settings.dataDirectory.appendingPathComponent("inbound/dsn"), store: store, clock: clock, logger: logger)
    }

    /// The watched status folder `<data-dir>/inbound/status/` (external status updates as JSON
    /// files, scanned every 2 s).
    public func statusFolder() -> StatusFolder {
        StatusFolder(directory: settings.dataDirectory.appendingPathComponent("inbound/status"), store: store, logger: logger)
    }

    /// The services of the configured transports: the SMPP receipt processor and route (in
    /// that order) when `sms.transport` is `smpp`. Run them beside ``runUntilQuiet(maxRounds:)``
    /// for an SMPP-configured runtime.
    public func transportServices() -> [any Service] {
        var services: [any Service] = []
        if let smppRoute { services += [SMPPReceiptProcessor(route: smppRoute, store: store, logger: logger), smppRoute] }
        if let queueClient { services.append(QueueConnectionService(client: queueClient)) }
        if let pushTransmitter { services.append(pushTransmitter.service) }
        return services
    }

    /// Runs every stage one batch at a time, in pipeline order, until no stage has a due row.
    /// Rows held back by quiet hours or a retry time stay where they are. Used by `herald
    /// demo`; the same handlers the services run.
    @discardableResult
    public func runUntilQuiet(maxRounds: Int = 10_000) async throws -> Int {
        let monitor = commsMonitor()
        let merges = [DeliveryMethod.email, .letter].map(mergeMonitor)
        let senders = DeliveryMethod.allCases.filter { printRoute == nil || $0 != .letter }.map(sender)
        let archiver = documentArchiver()
        let callbacks = callbackDeliverer()
        let batcher = printRoute.map(printBatcher)
        let dropper = printRoute.map(printDropper)
        var total = 0
        for _ in 0..<maxRounds {
            var claimed = try await monitor.loop.runOnce { items, ticket in try await monitor.handle(items, ticket: ticket) }
            for m in merges { claimed += try await m.loop.runOnce { items, ticket in try await m.handle(items, ticket: ticket) } }
            for s in senders { claimed += try await s.loop.runOnce { items, ticket in try await s.handle(items, ticket: ticket) } }
            if let batcher { claimed += try await batcher.loop.runOnce { items, ticket in try await batcher.handle(items, ticket: ticket) } }
            if let dropper { claimed += try await dropper.loop.runOnce { items, ticket in try await dropper.handle(items, ticket: ticket) } }
            claimed += try await archiver.loop.runOnce { items, ticket in try await archiver.handle(items, ticket: ticket) }
            claimed += try await callbacks.loop.runOnce { items, ticket in try await callbacks.handle(items, ticket: ticket) }
            total += claimed
            if claimed == 0 { return total }
        }
        return total
    }
}
