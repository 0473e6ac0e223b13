import HeraldCatalog
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the catalog on SIGHUP (`kill -HUP <pid>`). A catalog with errors is refused and the
/// running one stays; the errors are logged with file and line.
public struct CatalogReloader: Service {
    public let catalog: ReloadableCatalog
    public let logger: Logger

    public init(catalog: ReloadableCatalog, logger: Logger) {
        self.catalog = catalog
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        try await cancelWhenGracefulShutdown {
            for await _ in signals {
                do {
                    try catalog.reload()  // logs the reload itself
                } catch {
                    logger.error("catalog reload refused; keeping the running catalog", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
