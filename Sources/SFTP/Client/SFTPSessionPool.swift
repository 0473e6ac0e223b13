import Logging
import NIOCore

/// The client's sessions: at most `configuration.sessions` SSH connections, shared by all
/// operations (many operations run on one session at once). A broken session is dropped and
/// the next operation connects again; a failed connection attempt makes the next one wait,
/// doubling from `backoff.initial` to `backoff.maximum`.
actor SFTPSessionPool {
    private struct Slot {
        var session: SFTPSession?
        var connecting: Task<SFTPSession, any Error>?
        var users = 0
        var failures = 0
        var lastFailure: ContinuousClock.Instant?
    }

    private let configuration: SFTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private var slots: [Slot]
    private var isShutdown = false

    init(configuration: SFTPConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.slots = Array(repeating: Slot(), count: configuration.sessions)
    }

    /// A session to run an operation on; give it back with ``release(_:session:error:)``.
    func acquire() async throws(SFTPError) -> (Int, SFTPSession) {
        guard !isShutdown else { throw .clientShutdown }
        for index in slots.indices where slots[index].session?.isActive == false {
            slots[index].session = nil
        }
        let index = chooseSlot()
        slots[index].users += 1
        if let session = slots[index].session { return (index, session) }
        do {
            return (index, try await connect(index))
        } catch {
            slots[index].users -= 1
            throw error
        }
    }

    /// An idle open session first; then a slot with no session (a new connection); then the
    /// least busy.
    private func chooseSlot() -> Int {
        if let idle = slots.indices.first(where: { slots[$0].session != nil && slots[$0].users == 0 }) { return idle }
        if let empty = slots.indices.first(where: { slots[$0].session == nil && slots[$0].connecting == nil && slots[$0].users == 0 }) {
            return empty
        }
        return slots.indices.min { slots[$0].users < slots[$1].users }!
    }

    private func connect(_ index: Int) async throws(SFTPError) -> SFTPSession {
        let task: Task<SFTPSession, any Error>
        var isOwner = false
        if let running = slots[index].connecting {
            task = running
        } else {
            let wait: Duration
            if let last = slots[index].lastFailure {
                let delay = configuration.backoff.delay(afterFailures: slots[index].failures)
                wait = max(.zero, delay - (ContinuousClock.now - last))
            } else {
                wait = .zero
            }
            let configuration = self.configuration, group = eventLoopGroup, logger = self.logger
            task = Task {
                if wait > .zero { try await Task.sleep(for: wait) }
                return try await SFTPSession.connect(configuration: configuration, eventLoopGroup: group, logger: logger)
            }
            slots[index].connecting = task
            isOwner = true
        }
        let result = await task.result
        if isOwner { slots[index].connecting = nil }
        switch result {
        case .success(let session):
            if isShutdown {
                await session.close()
                throw .clientShutdown
            }
            if isOwner {
                slots[index].session = session
                slots[index].failures = 0
                slots[index].lastFailure = nil
            }
            return session
        case .failure(let error):
            let sftpError: SFTPError = (error as? SFTPError) ?? (error is CancellationError ? .clientShutdown : .connectionFailed("\(error)"))
            guard isOwner else { throw sftpError }
            slots[index].failures += 1
            slots[index].lastFailure = .now
            logger.warning("sftp connection failed", metadata: ["sftp.server": "\(configuration.host):\(configuration.port)", "sftp.error": "\(sftpError)"])
            throw sftpError
        }
    }

    /// Gives a session back; an error that broke it drops it from the pool.
    func release(_ index: Int, session: SFTPSession, error: SFTPError?) async {
        slots[index].users -= 1
        if let error, error.breaksConnection || !session.isActive, slots[index].session === session {
            slots[index].session = nil
            await session.close()
        }
    }

    /// Refuses new operations, waits up to `grace` for running ones, then closes every session.
    func shutdown(grace: Duration) async {
        isShutdown = true
        for slot in slots { slot.connecting?.cancel() }
        let deadline = ContinuousClock.now + grace
        while slots.contains(where: { $0.users > 0 }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let sessions = slots.compactMap(\.session)
        for index in slots.indices { slots[index].session = nil }
        for session in sessions { await session.close() }
    }
}
