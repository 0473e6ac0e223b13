import Foundation
import HeraldCore
import Logging
import ServiceLifecycle
import Synchronization

/// Settings every stage worker shares, with documented defaults.
public struct WorkerConfiguration: Sendable {
    /// Rows claimed per batch (``Keys/batchSize``): one write transaction claims them, one commits them.
    public var batchSize: Int = Keys.batchSize.defaultValue
    /// Batches a stage works on at once (``Keys/batchesInFlight``): while one batch waits for its commit,
    /// its claim, the disk or the network, the next one is claimed and processed, so a stage
    /// does not stall between batches. Each batch has its own claim ticket.
    public var batchesInFlight: Int = Keys.batchesInFlight.defaultValue
    /// After a batch smaller than ``batchSize`` is claimed, how long the stage waits before
    /// claiming again (``Keys/gatherMilliseconds``, default 10 ms; zero claims again at once):
    /// every loop of the stage in this process waits, the ones idle on the doorbell too. Rows
    /// arriving in a steady stream (an API burst: thousands of triggers a second) then gather
    /// into batches of dozens instead of a few each, and every per-batch cost — the claim and
    /// commit transactions with their WAL pages, a spool file and its fsync, wake-ups — is
    /// shared by more rows. A stage that claimed nothing for longer than this claims at once on
    /// its doorbell, so a lone trigger is not delayed; a stream's comms wait at most this long
    /// more. Batches still overlap: a loop still working on its batch does not hold the others.
    public var gatherWait: Duration = .milliseconds(Keys.gatherMilliseconds.defaultValue)
    /// How long a claim holds (``Keys/leaseSeconds``). A worker that dies loses its rows after this.
    public var lease: Duration = .seconds(Keys.leaseSeconds.defaultValue)
    /// Longest sleep of an idle worker between looks at the store (default 2 s). Idle workers
    /// are woken at once by in-process doorbells; this bounds how late they notice rows written
    /// by another process (`herald import` beside `herald serve`) or freed by its expired lease.
    /// A look is one indexed query: nine stages looking every 2 s cost far under 1% of a core.
    public var maxIdleWait: Duration = .seconds(2)
    /// Pause after a store error before trying again (default 1 s).
    public var errorBackoff: Duration = .seconds(1)
    /// Retry limit and backoff for transmissions.
    public var retry: RetryPolicy = .init()
    public init() {}
}

/// The one claim loop every job and daemon runs: claim a batch of due rows of its stage,
/// process it, repeat; when nothing is due, sleep until the store's next due time, a doorbell
/// ring, or ``WorkerConfiguration/maxIdleWait`` — never a busy poll. On graceful shutdown the
/// batch in hand is finished and the loop returns.
public struct ClaimLoop: Sendable {
    public let stage: Stage
    public let store: any CommsStore
    public let signals: WorkSignals
    public let configuration: WorkerConfiguration
    public let clock: @Sendable () -> Date
    public let logger: Logger
    /// Identifies this worker in logs (`host:pid/stage`); claims are told apart by their token.
    public let workerName: String

    public init(stage: Stage, store: any CommsStore, signals: WorkSignals, configuration: WorkerConfiguration,
                clock: @escaping @Sendable () -> Date, logger: Logger, workerName: String? = nil) {
        self.stage = stage
        self.store = store
        self.signals = signals
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.workerName = workerName ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)/\(stage)"
    }

    /// Claims one batch and processes it. Returns the number of rows claimed (0 when idle).
    @discardableResult
    public func runOnce(_ process: @Sendable ([WorkItem], ClaimTicket) async throws -> Void) async throws -> Int {
        try await runOnce(process, claimed: { _ in })
    }

    /// ``runOnce(_:)``, telling `claimed` how many rows were claimed before processing them.
    func runOnce(_ process: @Sendable ([WorkItem], ClaimTicket) async throws -> Void,
                 claimed: (Int) -> Void) async throws -> Int {
        let ticket = ClaimTicket(worker: workerName, now: clock(), lease: configuration.lease)
        let items = try await store.claim(stage, ticket: ticket, limit: configuration.batchSize)
        claimed(items.count)
        if items.isEmpty { return 0 }
        do {
            try await withLeaseRenewed(ticket) { try await process(items, ticket) }
        } catch {
            // Hand the rows back at once rather than parking them for a whole lease; rows the
            // batch already committed are no longer held by this ticket.
            try? await store.release(stage, ticket: ticket)
            throw error
        }
        return items.count
    }

    /// Runs until graceful shutdown or cancellation: ``WorkerConfiguration/batchesInFlight``
    /// loops, each claiming and processing its own batches.
    public func run(_ process: @escaping @Sendable ([WorkItem], ClaimTicket) async throws -> Void) async {
        let stopping = StopFlag()
        let bell = signals.bell(stage)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                let gate = GatherGate()
                for _ in 0..<max(1, configuration.batchesInFlight) {
                    group.addTask { await loop(process, stopping: stopping, bell: bell, gate: gate) }
                }
            }
        } onGracefulShutdown: {
            stopping.value.store(true, ordering: .relaxed)
            bell.ring(remembered: max(1, configuration.batchesInFlight))  // every loop, waiting or on its way
        }
    }

    private final class StopFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    /// When the stage's loops may claim next (``WorkerConfiguration/gatherWait``).
    private final class GatherGate: Sendable {
        private let notBefore = Mutex<ContinuousClock.Instant?>(nil)

        /// Sleeps until the gate is open.
        func waitTurn() async throws {
            guard let until = notBefore.withLock({ $0 }), until > .now else { return }
            try await Task.sleep(until: until, clock: .continuous)
        }

        /// Closes the gate for `wait` from now.
        func hold(for wait: Duration) {
            let until = ContinuousClock.now + wait
            notBefore.withLock { $0 = max($0 ?? until, until) }
        }
    }

    private func loop(_ process: @escaping @Sendable ([WorkItem], ClaimTicket) async throws -> Void, stopping: StopFlag,
                      bell: Doorbell, gate: GatherGate) async {
        let gather = configuration.gatherWait, full = configuration.batchSize
        while !stopping.value.load(ordering: .relaxed) && !Task.isCancelled {
            do {
                try await gate.waitTurn()
                if stopping.value.load(ordering: .relaxed) { return }
                let claimed = try await runOnce(process, claimed: { count in
                    if count > 0 && count < full && gather > .zero { gate.hold(for: gather) }
                })
                if claimed > 0 { continue }
                await bell.wait(upTo: try await idleWait())
            } catch is CancellationError {
                return
            } catch {
                logger.error("stage failed; backing off", metadata: ["herald.stage": "\(stage)", "error": "\(error)"])
                try? await Task.sleep(for: configuration.errorBackoff)
            }
        }
    }

    /// Runs `body` while renewing the ticket's lease every third of the lease, so a batch that
    /// takes longer than its lease (a slow relay; sessions shared with other batches) is not
    /// claimed again by another worker meanwhile. A failed renewal is logged; the batch goes on.
    func withLeaseRenewed(_ ticket: ClaimTicket, _ body: @Sendable () async throws -> Void) async throws {
        let lease = configuration.lease
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    do {
                        try await Task.sleep(for: lease / 3)
                    } catch {
                        return  // the batch is done
                    }
                    do {
                        _ = try await store.renew(stage, ticket: ticket, until: clock().addingTimeInterval(lease.seconds))
                    } catch {
                        logger.warning("claim lease not renewed", metadata: ["herald.stage": "\(stage)", "error": "\(error)"])
                    }
                }
            }
            defer { group.cancelAll() }
            try await body()
        }
    }

    /// How long to sleep when nothing is due: until the next due row, capped.
    func idleWait() async throws -> Duration {
        let now = clock()
        guard let next = try await store.nextDue(stage, now: now) else { return configuration.maxIdleWait }
        let seconds = next.timeIntervalSince(now)
        if seconds <= 0 { return .milliseconds(20) }  // due but held by a live claim elsewhere; look again soon
        return min(configuration.maxIdleWait, .milliseconds(Int64(seconds * 1000) + 5))
    }
}
