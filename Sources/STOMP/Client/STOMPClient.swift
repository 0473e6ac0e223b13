import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A STOMP 1.2 client that keeps one connection to a broker: it connects on the first send,
/// again on the next send after the connection died, and waits between failed attempts with
/// exponential backoff (``Configuration/reconnectBackoff`` doubling up to
/// ``Configuration/maxReconnectBackoff``).
///
/// ```swift
/// let client = STOMPClient(configuration: try .init(url: "stomp://127.0.0.1:61613", login: "admin", passcode: "admin"))
/// let receipt = try await client.send(STOMPMessage(destination: "/queue/herald.push", text: "{}", contentType: "application/json"))
/// await client.close()
/// ```
///
/// ``send(_:)`` may be called from many tasks at once; the frames are pipelined on the one
/// connection and each call returns when its `RECEIPT` came. It never resends: a send in flight
/// when the connection dies fails with ``STOMPError/Code/connectionLost`` and
/// ``STOMPError/mayHaveBeenDelivered``; a send that finds no connection and cannot make one (or
/// comes during the backoff) fails at once with ``STOMPError/Code/notConnected`` or
/// ``STOMPError/Code/connectionFailed`` and was not sent. Both are retryable.
public final class STOMPClient: Sendable {
    /// The settings.
    public let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var connection: STOMPConnection?
        var connecting: Task<STOMPConnection, any Error>?
        var failures = 0
        var retryAt: ContinuousClock.Instant?
        var lastError: STOMPError?
        var closed = false
        var connections = 0
    }

    /// Creates a client; it connects on the first ``send(_:)`` (or ``connect()``).
    public init(configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger = Logger(label: "stomp")) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Sends `message` with a receipt; returns the receipt id once the broker confirmed it.
    /// The errors are those of ``STOMPConnection/send(_:)`` and of connecting.
    public func send(_ message: STOMPMessage) async throws(STOMPError) -> String {
        let frame = try message.frame()
        return try await connect().request(frame)
    }

    /// The open connection, connecting when there is none (not during the backoff after a
    /// failed attempt: then it throws ``STOMPError/Code/notConnected`` with the last error).
    @discardableResult
    public func connect() async throws(STOMPError) -> STOMPConnection {
        enum Next { case ready(STOMPConnection), wait(Task<STOMPConnection, any Error>), fail(STOMPError) }
        let now = ContinuousClock.now
        let next: Next = state.withLock { state in
            if state.closed { return .fail(STOMPError(.notConnected, "the client is closed")) }
            if let connection = state.connection {
                if connection.isActive { return .ready(connection) }
                state.connection = nil
            }
            if let task = state.connecting { return .wait(task) }
            if let retryAt = state.retryAt, now < retryAt {
                let wait = retryAt - now
                let last = state.lastError?.reason ?? "the last attempt failed"
                return .fail(STOMPError(.notConnected, "reconnecting to \(configuration.endpoint) in \(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000) ms: \(last)"))
            }
            let (configuration, group, logger) = (self.configuration, self.eventLoopGroup, self.logger)
            let task = Task { () throws -> STOMPConnection in
                try await STOMPConnection.connect(configuration: configuration, eventLoopGroup: group, logger: logger)
            }
            state.connecting = task
            return .wait(task)
        }
        let task: Task<STOMPConnection, any Error>
        switch next {
        case .ready(let connection): return connection
        case .fail(let error): throw error
        case .wait(let waitFor): task = waitFor
        }
        let result = await task.result
        let connection: STOMPConnection? = state.withLock { state in
            let first = state.connecting == task
            if first { state.connecting = nil }
            switch result {
            case .success(let connection):
                if first {
                    state.connection = connection
                    state.failures = 0
                    state.retryAt = nil
                    state.connections += 1
                    if state.closed { return nil }
                }
                return connection
            case .failure(let error):
                if first {
                    state.failures += 1
                    state.lastError = error as? STOMPError
                    let delay = configuration.backoff(afterFailures: state.failures)
                    state.retryAt = ContinuousClock.now + .nanoseconds(delay.nanoseconds)
                    logger.warning("stomp connection failed; retrying with backoff", metadata: [
                        "stomp.broker": "\(configuration.endpoint)", "stomp.error": "\(error)",
                        "stomp.failures": "\(state.failures)", "stomp.retry_in_ms": "\(delay.nanoseconds / 1_000_000)",
                    ])
                }
                return nil
            }
        }
        if let connection { return connection }
        if case .failure(let error) = result {
            throw (error as? STOMPError) ?? STOMPError(.connectionFailed, "\(error)")
        }
        // Closed while connecting.
        if case .success(let connection) = result { await connection.close() }
        throw STOMPError(.notConnected, "the client is closed")
    }

    /// Whether a connection is open now.
    public var isConnected: Bool { state.withLock { $0.connection?.isActive ?? false } }

    /// How many connections were made so far (the first and every reconnection).
    public var connectionCount: Int { state.withLock { $0.connections } }

    /// Disconnects gracefully (waiting for receipts of frames in flight, up to the receipt
    /// timeout) and refuses further sends.
    public func close() async {
        let (connection, task) = state.withLock { state in
            state.closed = true
            defer { state.connection = nil }
            return (state.connection, state.connecting)
        }
        if let task, case .success(let pending) = await task.result { await pending.close() }
        await connection?.close()
    }
}
