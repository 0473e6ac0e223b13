import ServiceLifecycle
import STOMP

/// Closes the queue transport's ``STOMPClient`` on graceful shutdown (`DISCONNECT` after the
/// receipts of messages in flight), so a stopping Herald does not leave `possibleDuplicate`
/// messages behind. The client connects on demand; this service only ends it.
public struct QueueConnectionService: Service {
    /// The client to close.
    public let client: STOMPClient

    /// Creates the service.
    public init(client: STOMPClient) {
        self.client = client
    }

    /// Waits for graceful shutdown (or cancellation), then disconnects.
    public func run() async throws {
        try? await gracefulShutdown()
        await client.close()
    }
}
