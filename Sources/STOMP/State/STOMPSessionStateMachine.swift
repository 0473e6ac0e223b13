import NIOCore

/// What the broker said in `CONNECTED`.
public struct STOMPConnectedInfo: Hashable, Sendable {
    /// The protocol version (`1.2`).
    public var version: String
    /// The `server` header (`ActiveMQ/5.17.x`), if any.
    public var server: String?
    /// The `session` header, if any.
    public var session: String?
    /// The heart-beat intervals agreed.
    public var heartBeat: STOMPHeartBeat.Negotiated
}

/// The rules of one STOMP 1.2 client session, without I/O: events in (connected, a frame or
/// a heart-beat received, a frame to send, time passed, disconnect asked, connection closed),
/// actions out (write a frame, write a heart-beat, complete a request, deliver a message, close).
///
/// Every frame sent through ``submit(_:now:)`` carries a `receipt` header with an id of this
/// session; the request completes when the `RECEIPT` naming it arrives, fails when an `ERROR`
/// names it, when it is late (``Configuration/receiptTimeout``) or when the connection ends
/// first (then ``STOMPError/mayHaveBeenDelivered`` is set). At most
/// ``Configuration/maxInFlight`` requests await their receipts; more wait in a queue, in order,
/// as they do before `CONNECTED`. Time is an input (`now`), so tests drive it directly.
public struct STOMPSessionStateMachine: Sendable {
    /// Session settings.
    public struct Configuration: Sendable, Hashable {
        /// `host` of `CONNECT`: the virtual host (ActiveMQ ignores it; RabbitMQ uses it).
        public var host: String
        /// `login`, if any.
        public var login: String?
        /// `passcode`, if any.
        public var passcode: String?
        /// The heart-beats offered. Default 10 s both ways.
        public var heartBeat: STOMPHeartBeat
        /// How many agreed intervals may pass without a byte from the broker before it counts as
        /// gone. Default 2.5 (the specification leaves the margin to the client).
        public var heartBeatTolerance: Double
        /// How long to wait for `CONNECTED`. Default 10 s.
        public var connectTimeout: TimeAmount
        /// How long to wait for each `RECEIPT`. Default 30 s.
        public var receiptTimeout: TimeAmount
        /// The most frames awaiting a receipt at once. Default 256.
        public var maxInFlight: Int

        /// Creates a configuration.
        public init(
            host: String,
            login: String? = nil,
            passcode: String? = nil,
            heartBeat: STOMPHeartBeat = STOMPHeartBeat(send: .seconds(10), receive: .seconds(10)),
            heartBeatTolerance: Double = 2.5,
            connectTimeout: TimeAmount = .seconds(10),
            receiptTimeout: TimeAmount = .seconds(30),
            maxInFlight: Int = 256
        ) {
            self.host = host
            self.login = login
            self.passcode = passcode
            self.heartBeat = heartBeat
            self.heartBeatTolerance = max(1, heartBeatTolerance)
            self.connectTimeout = connectTimeout
            self.receiptTimeout = receiptTimeout
            self.maxInFlight = max(1, maxInFlight)
        }
    }

    /// Identifies one request from ``submit(_:now:)`` to its completion.
    public typealias RequestID = UInt64

    /// What the caller must do.
    public enum Action: Sendable, Hashable {
        /// Write this frame.
        case send(STOMPFrame)
        /// Write a heart-beat (one end-of-line).
        case sendHeartBeat
        /// `CONNECTED` arrived.
        case connected(STOMPConnectedInfo)
        /// The connection was refused or did not complete; a `close` follows.
        case connectFailed(STOMPError)
        /// The broker confirmed the request (its `RECEIPT`).
        case requestSucceeded(RequestID, receiptID: String)
        /// The request failed (refused, late, connection ended, never sent).
        case requestFailed(RequestID, STOMPError)
        /// A `MESSAGE` frame from a subscription.
        case deliver(STOMPFrame)
        /// The `DISCONNECT` completed (or the session ended while disconnecting).
        case disconnected
        /// Close the connection; the error says why, when it is not a normal end.
        case close(STOMPError?)
    }

    private enum State: Sendable {
        case idle
        case connecting(since: NIODeadline)
        case connected(STOMPHeartBeat.Negotiated)
        case disconnecting(STOMPHeartBeat.Negotiated)
        case closed
    }

    private enum Pending: Sendable {
        case request(RequestID)
        case disconnect
    }

    private struct Outstanding: Sendable {
        var pending: Pending
        var deadline: NIODeadline
        /// The order written, for failing them in order.
        var order: UInt64
    }

    /// The configuration.
    public let configuration: Configuration
    private var state: State = .idle
    private var outstanding: [String: Outstanding] = [:]
    private var queue = CircularBuffer<(RequestID, STOMPFrame)>()
    private var requestsInFlight = 0
    private var nextRequestID: RequestID = 1
    private var nextReceipt: UInt64 = 1
    private var lastReceived: NIODeadline = .uptimeNanoseconds(0)
    private var lastSent: NIODeadline = .uptimeNanoseconds(0)
    private var closeReason: STOMPError?

    /// Creates a session in the idle (not yet connected) state.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Whether `CONNECTED` arrived and the session is not ending.
    public var isConnected: Bool {
        if case .connected = state { return true }
        return false
    }

    /// Whether the session has ended.
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// Requests written and awaiting their receipt.
    public var inFlightCount: Int { requestsInFlight }
    /// Requests waiting for `CONNECTED` or for room in the window.
    public var queuedCount: Int { queue.count }

    /// The `CONNECT` frame this session sends (`accept-version:1.2`, `host`, `login`,
    /// `passcode`, `heart-beat`).
    public var connectFrame: STOMPFrame {
        var headers: [(String, String)] = [("accept-version", STOMP.version), ("host", configuration.host)]
        if let login = configuration.login { headers.append(("login", login)) }
        if let passcode = configuration.passcode { headers.append(("passcode", passcode)) }
        headers.append(("heart-beat", configuration.heartBeat.headerValue))
        return STOMPFrame(.connect, headers: headers)
    }

    // MARK: Events

    /// The connection is up: send `CONNECT`.
    public mutating func connected(now: NIODeadline) -> [Action] {
        guard case .idle = state else { return [] }
        state = .connecting(since: now)
        lastReceived = now
        lastSent = now
        return [.send(connectFrame)]
    }

    /// Asks to send `frame` with a receipt: written now if connected and the window allows,
    /// else queued. Completes with `requestSucceeded` or `requestFailed`.
    public mutating func submit(_ frame: STOMPFrame, now: NIODeadline) -> (RequestID, [Action]) {
        let id = nextRequestID
        nextRequestID += 1
        switch state {
        case .idle, .connecting:
            queue.append((id, frame))
            return (id, [])
        case .connected:
            queue.append((id, frame))
            return (id, drain(now: now))
        case .disconnecting, .closed:
            let reason = closeReason.map { "the connection is closed: \($0.reason)" } ?? "the connection is closed"
            return (id, [.requestFailed(id, STOMPError(.notConnected, reason))])
        }
    }

    /// A heart-beat (bare end-of-line) arrived.
    public mutating func receivedHeartBeat(now: NIODeadline) -> [Action] {
        lastReceived = now
        return []
    }

    /// A frame arrived.
    public mutating func received(_ frame: STOMPFrame, now: NIODeadline) -> [Action] {
        lastReceived = now
        switch frame.command {
        case .connected:
            guard case .connecting = state else {
                return closeWithError(STOMPError(.malformedFrame, "CONNECTED out of sequence"))
            }
            let version = frame["version"] ?? "1.0"
            guard version == STOMP.version else {
                let error = STOMPError(.connectRefused, "the broker speaks STOMP \(version), this client 1.2 only")
                return closeWithConnectFailure(error)
            }
            let negotiated = configuration.heartBeat.negotiate(brokerHeader: frame["heart-beat"])
            state = .connected(negotiated)
            let info = STOMPConnectedInfo(version: version, server: frame["server"], session: frame["session"], heartBeat: negotiated)
            return [.connected(info)] + drain(now: now)
        case .receipt:
            guard let receiptID = frame["receipt-id"], let entry = outstanding.removeValue(forKey: receiptID) else {
                return []  // late or unknown: nothing waits for it
            }
            switch entry.pending {
            case .request(let id):
                requestsInFlight -= 1
                return [.requestSucceeded(id, receiptID: receiptID)] + drain(now: now)
            case .disconnect:
                state = .closed
                return [.disconnected, .close(nil)]
            }
        case .error:
            if case .connecting = state {
                return closeWithConnectFailure(STOMPError(.connectRefused, errorFrame: frame, context: "the broker refused CONNECT"))
            }
            if let receiptID = frame["receipt-id"], let entry = outstanding[receiptID], case .request(let id) = entry.pending {
                // The broker refused this frame. (It usually closes the connection after an ERROR
                // as the specification says; the others in flight then fail as possibly delivered.)
                outstanding.removeValue(forKey: receiptID)
                requestsInFlight -= 1
                return [.requestFailed(id, STOMPError(.rejected, errorFrame: frame, context: "the broker refused the frame"))] + drain(now: now)
            }
            return closeWithError(STOMPError(.brokerError, errorFrame: frame, context: "the broker sent ERROR"))
        case .message:
            return [.deliver(frame)]
        default:
            return closeWithError(STOMPError(.malformedFrame, "unexpected \(frame.command) frame from the broker"))
        }
    }

    /// Bytes arrived that are not STOMP: the stream cannot be trusted.
    public mutating func receivedMalformed(_ error: STOMPDecodingError, now: NIODeadline) -> [Action] {
        lastReceived = now
        let failure = STOMPError(.malformedFrame, error.description)
        if case .connecting = state { return closeWithConnectFailure(failure) }
        return closeWithError(failure)
    }

    /// Time passed: fail late receipts and a late `CONNECTED`, send a heart-beat when due, and
    /// close when the broker has been silent for too long.
    public mutating func tick(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        switch state {
        case .idle, .closed:
            return []
        case .connecting(let since):
            if now - since >= configuration.connectTimeout {
                return closeWithConnectFailure(STOMPError(.connectTimeout, "no CONNECTED within \(Self.text(configuration.connectTimeout))"))
            }
            return []
        case .connected(let heartBeat), .disconnecting(let heartBeat):
            let late = outstanding.filter { $0.value.deadline <= now }.sorted { $0.value.order < $1.value.order }
            for (receiptID, entry) in late {
                outstanding.removeValue(forKey: receiptID)
                switch entry.pending {
                case .request(let id):
                    requestsInFlight -= 1
                    actions.append(.requestFailed(id, STOMPError(
                        .receiptTimeout, "no RECEIPT within \(Self.text(configuration.receiptTimeout))", mayHaveBeenDelivered: true)))
                case .disconnect:
                    state = .closed
                    actions += [.disconnected, .close(nil)]
                }
            }
            if isClosed { return actions }
            if let every = heartBeat.receiveEvery {
                let allowed = TimeAmount.nanoseconds(Int64(Double(every.nanoseconds) * configuration.heartBeatTolerance))
                if now - lastReceived > allowed {
                    return actions + closeWithError(STOMPError(
                        .heartBeatTimeout, "nothing from the broker for \(Self.text(now - lastReceived)) (heart-beat every \(Self.text(every)))"))
                }
            }
            if let every = heartBeat.sendEvery, now - lastSent >= every {
                lastSent = now
                actions.append(.sendHeartBeat)
            }
            return actions + drain(now: now)
        }
    }

    /// The latest time at which ``tick(now:)`` has something to check: a heart-beat to send or
    /// expect, a receipt or `CONNECTED` due. The handler ticks at least this often.
    public var shortestInterval: TimeAmount {
        var intervals = [configuration.receiptTimeout, configuration.connectTimeout]
        switch state {
        case .connected(let heartBeat), .disconnecting(let heartBeat):
            if let every = heartBeat.sendEvery { intervals.append(every) }
            if let every = heartBeat.receiveEvery { intervals.append(every) }
        default: break
        }
        return intervals.min() ?? .seconds(1)
    }

    /// Asks for a graceful end: queued requests fail, `DISCONNECT` with a receipt is sent, and
    /// requests already written keep their chance to be confirmed until its `RECEIPT`.
    public mutating func disconnect(now: NIODeadline) -> [Action] {
        switch state {
        case .connected(let heartBeat):
            state = .disconnecting(heartBeat)
            var actions = failQueued(STOMPError(.notConnected, "disconnecting"))
            let receiptID = makeReceiptID(prefix: "disconnect")
            outstanding[receiptID] = Outstanding(pending: .disconnect, deadline: now + configuration.receiptTimeout, order: nextReceipt - 1)
            lastSent = now
            actions.append(.send(STOMPFrame(.disconnect, headers: [("receipt", receiptID)])))
            return actions
        case .idle, .connecting:
            var actions = failQueued(STOMPError(.notConnected, "disconnected before CONNECTED"))
            if case .connecting = state {
                actions.append(.connectFailed(STOMPError(.notConnected, "disconnected before CONNECTED")))
            }
            state = .closed
            return actions + [.disconnected, .close(nil)]
        case .disconnecting:
            return []
        case .closed:
            return [.disconnected]
        }
    }

    /// The connection closed: requests awaiting a receipt fail as possibly delivered
    /// (``STOMPError/Code/connectionLost``), queued ones as never sent.
    public mutating func connectionClosed() -> [Action] {
        let previous = state
        state = .closed
        var actions: [Action] = []
        let why = closeReason?.reason ?? "the connection closed"
        for (_, entry) in outstanding.sorted(by: { $0.value.order < $1.value.order }) {
            if case .request(let id) = entry.pending {
                actions.append(.requestFailed(id, STOMPError(
                    .connectionLost, "\(why) before the RECEIPT", brokerMessage: closeReason?.brokerMessage, mayHaveBeenDelivered: true)))
            }
        }
        outstanding.removeAll()
        requestsInFlight = 0
        actions += failQueued(STOMPError(.notConnected, "\(why) before the frame was sent"))
        switch previous {
        case .connecting:
            actions.append(.connectFailed(closeReason ?? STOMPError(.connectionFailed, "the connection closed before CONNECTED")))
        case .disconnecting:
            actions.append(.disconnected)
        default:
            break
        }
        return actions
    }

    // MARK: Internals

    private mutating func closeWithConnectFailure(_ error: STOMPError) -> [Action] {
        state = .closed
        closeReason = error
        return [.connectFailed(error)] + failQueued(STOMPError(.notConnected, "the connection failed: \(error.reason)")) + [.close(error)]
    }

    private mutating func closeWithError(_ error: STOMPError) -> [Action] {
        if case .connecting = state { return closeWithConnectFailure(error) }
        closeReason = error
        // Requests in flight fail when the connection has closed (connectionClosed()).
        return [.close(error)]
    }

    private mutating func failQueued(_ error: STOMPError) -> [Action] {
        var actions: [Action] = []
        while let (id, _) = queue.popFirst() { actions.append(.requestFailed(id, error)) }
        return actions
    }

    /// Writes queued requests while the window allows.
    private mutating func drain(now: NIODeadline) -> [Action] {
        guard case .connected = state else { return [] }
        var actions: [Action] = []
        while requestsInFlight < configuration.maxInFlight, let (id, queued) = queue.popFirst() {
            var frame = queued
            let receiptID = makeReceiptID(prefix: "r")
            frame["receipt"] = receiptID
            outstanding[receiptID] = Outstanding(pending: .request(id), deadline: now + configuration.receiptTimeout, order: nextReceipt - 1)
            requestsInFlight += 1
            lastSent = now
            actions.append(.send(frame))
        }
        return actions
    }

    private mutating func makeReceiptID(prefix: String) -> String {
        defer { nextReceipt += 1 }
        return "\(prefix)-\(nextReceipt)"
    }

    static func text(_ amount: TimeAmount) -> String {
        let ms = amount.nanoseconds / 1_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}
