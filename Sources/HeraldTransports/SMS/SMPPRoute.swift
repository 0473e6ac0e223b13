import Logging
import NIOCore
import NIOPosix
import SMPP
import ServiceLifecycle
import Synchronization

/// One SMPP route to an SMSC, run as a `Service`: keeps ``SMPPRouteSettings/binds`` binds open
/// (a transceiver each, or a transmitter plus a receiver), reconnects with exponential backoff
/// when a bind is refused or a connection drops, and unbinds gracefully on shutdown.
///
/// ``submit(_:)`` sends through the next bound transmitting connection (round robin); each
/// connection pipelines up to the window. Everything the SMSC delivers on any bind (receipts,
/// mobile-originated messages) comes out of one stream, ``deliveries``, which ends when the
/// route stops.
public final class SMPPRoute: Service, Sendable {
    /// The route's settings.
    public let settings: SMPPRouteSettings
    /// Message ids submitted recently, for the receipt processor (see ``SMPPSubmissionLedger``).
    public let ledger: SMPPSubmissionLedger
    /// Every `deliver_sm` received on any bind of the route. Ends when ``run()`` returns.
    public let deliveries: AsyncStream<SMPPDelivery>
    private let deliveriesContinuation: AsyncStream<SMPPDelivery>.Continuation
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let bound: Mutex<Bound>

    private struct Bound {
        var clients: [Int: SMPPClient] = [:]
        var next = 0
    }

    /// Creates a route; it connects when ``run()`` starts.
    public init(settings: SMPPRouteSettings, logger: Logger, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.ledger = SMPPSubmissionLedger()
        self.bound = Mutex(Bound())
        (self.deliveries, self.deliveriesContinuation) = AsyncStream.makeStream(of: SMPPDelivery.self, bufferingPolicy: .unbounded)
    }

    /// The sender configured for the route.
    public var source: SMPPAddress { settings.source }

    /// Transmitting binds currently up.
    public var boundTransmitters: Int { bound.withLock { $0.clients.count } }

    /// Keeps the binds up until graceful shutdown or cancellation, then unbinds them.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            var slot = 0
            for _ in 0..<settings.binds {
                for type in settings.bindTypes {
                    let id = slot
                    group.addTask { await self.keepBound(slot: id, type: type) }
                    slot += 1
                }
            }
        }
        deliveriesContinuation.finish()
    }

    /// Submits a message through a bound connection; waits up to
    /// ``SMPPRouteSettings/bindWait`` for one. Throws ``SMPPError`` (``SMPPError/Code/notBound``
    /// when no bind came up: transient, not possibly accepted).
    public func submit(_ message: SMSMessage) async throws -> SMPPClient.SubmitResult {
        try await client().submit(message)
    }

    private func client() async throws -> SMPPClient {
        let deadline = ContinuousClock.now + settings.bindWait
        while true {
            let client: SMPPClient? = bound.withLock { b in
                let active = b.clients.sorted { $0.key < $1.key }.map(\.value).filter(\.isActive)
                guard !active.isEmpty else { return nil }
                b.next &+= 1
                return active[b.next % active.count]
            }
            if let client { return client }
            guard ContinuousClock.now < deadline, !Task.isCancelled else {
                throw SMPPError(code: .notBound, detail: "no bind to the SMSC at \(settings.host):\(settings.port) is up")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// One connection slot: connect, bind, forward deliveries until the connection ends, and
    /// again after a backoff; on graceful shutdown unbind and stop.
    private func keepBound(slot: Int, type: SMPPBindType) async {
        var failures = 0
        let meta: Logger.Metadata = ["smpp.host": "\(settings.host)", "smpp.port": "\(settings.port)", "smpp.slot": "\(slot)", "smpp.bind": "\(type)"]
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let client: SMPPClient
            do {
                client = try await SMPPClient.connect(
                    host: settings.host, port: settings.port, configuration: settings.clientConfiguration(bindType: type),
                    eventLoopGroup: eventLoopGroup, logger: logger)
            } catch {
                failures += 1
                let delay = backoff(failures)
                logger.error("smpp bind failed; reconnecting with backoff", metadata: meta.merging([
                    "error": "\(error)", "smpp.retry_in": "\(delay)", "smpp.failures": "\(failures)",
                ]) { $1 })
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                continue
            }
            failures = 0
            if type.canSubmit { bound.withLock { $0.clients[slot] = client } }
            await cancelWhenGracefulShutdown {
                for await delivery in client.deliveries { self.deliveriesContinuation.yield(delivery) }
            }
            if type.canSubmit { _ = bound.withLock { $0.clients.removeValue(forKey: slot) } }
            let stopping = Task.isCancelled || Task.isShuttingDownGracefully
            if !stopping {
                logger.warning("smpp connection lost; reconnecting", metadata: meta)
            }
            await client.close()
            if !stopping {
                failures += 1
                let delay = backoff(failures)
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            }
        }
    }

    /// `base × 2^(failures-1)`, capped, with up to 20 % jitter.
    func backoff(_ failures: Int) -> Duration {
        let base = settings.reconnectBaseDelay * Double(1 << min(max(failures - 1, 0), 16))
        let capped = min(base, settings.reconnectMaxDelay)
        return capped * Double.random(in: 0.8...1.0)
    }
}
