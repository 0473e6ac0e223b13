import NIOCore

/// The rules of one ESME session, without I/O: events in (connected, a PDU received, a submit
/// requested, time passed, unbind requested, connection closed), actions out (send a PDU,
/// complete a request, deliver a message, close, wake me up at).
///
/// It runs the bind handshake, keeps a window of outstanding `submit_sm` keyed by sequence
/// number (queueing the rest), paces submits under a TPS cap, pauses after `ESME_RTHROTTLED` /
/// `ESME_RMSGQFUL`, answers `enquire_link`, `deliver_sm` and `unbind` from the SMSC, sends
/// `enquire_link` when the link has been idle, fails requests whose response is late, and
/// unbinds gracefully. Time is an input (`now`), so tests drive it directly.
public struct SMPPSessionStateMachine: Sendable {
    /// Session settings.
    public struct Configuration: Sendable, Hashable {
        /// The bind request to send.
        public var bind: SMPPBind
        /// The most `submit_sm` awaiting a response at once. Default 64.
        public var windowSize: Int
        /// How long to wait for any response. Default 10 seconds.
        public var responseTimeout: TimeAmount
        /// How long the link may be idle (nothing received) before an `enquire_link`. Default 30 seconds.
        public var enquireLinkInterval: TimeAmount
        /// The most `submit_sm` sent per second, or `nil` for no cap. Default `nil`.
        public var maxSubmitsPerSecond: Int?
        /// How long to hold further submits after `ESME_RTHROTTLED` or `ESME_RMSGQFUL`. Default 1 second.
        public var throttleBackoff: TimeAmount

        /// Creates a configuration.
        public init(
            bind: SMPPBind,
            windowSize: Int = 64,
            responseTimeout: TimeAmount = .seconds(10),
            enquireLinkInterval: TimeAmount = .seconds(30),
            maxSubmitsPerSecond: Int? = nil,
            throttleBackoff: TimeAmount = .seconds(1)
        ) {
            self.bind = bind
            self.windowSize = max(1, windowSize)
            self.responseTimeout = responseTimeout
            self.enquireLinkInterval = enquireLinkInterval
            self.maxSubmitsPerSecond = maxSubmitsPerSecond.map { max(1, $0) }
            self.throttleBackoff = throttleBackoff
        }
    }

    /// Identifies one submit request from ``submit(_:now:)`` to its completion.
    public typealias RequestID = UInt64

    /// What the caller must do.
    public enum Action: Sendable, Hashable {
        /// Write this PDU.
        case send(SMPPPDU)
        /// The bind completed.
        case bindSucceeded(SMPPBindResponse)
        /// The bind was refused or did not complete; a `close` follows.
        case bindFailed(SMPPError)
        /// The SMSC accepted a submit.
        case submitSucceeded(RequestID, messageID: String)
        /// A submit failed (rejected, timed out, connection closed, never sent).
        case submitFailed(RequestID, SMPPError)
        /// The SMSC delivered a message (a receipt or a mobile-originated message); it has
        /// already been answered with `deliver_sm_resp`.
        case deliver(SMPPShortMessage)
        /// The unbind completed (or the session ended while unbinding).
        case unbindCompleted
        /// Close the connection; the error says why, when it is not a normal end.
        case close(SMPPError?)
        /// Call ``tick(now:)`` at this time (submits are waiting for the TPS cap or a backoff).
        case scheduleWakeUp(NIODeadline)
    }

    private enum State: Sendable {
        case idle
        case binding
        case bound(SMPPBindType)
        case unbinding
        case closed
    }

    private enum Pending: Sendable {
        case bind
        case submit(RequestID)
        case enquireLink
        case unbind
    }

    private struct Outstanding: Sendable {
        var pending: Pending
        var deadline: NIODeadline
    }

    /// The configuration.
    public let configuration: Configuration
    private var state: State = .idle
    private var outstanding: [UInt32: Outstanding] = [:]
    private var queue = CircularBuffer<(RequestID, SMPPShortMessage)>()
    private var submitsInFlight = 0
    private var nextSequence: UInt32 = 1
    private var nextRequestID: RequestID = 1
    private var lastReceived: NIODeadline = .uptimeNanoseconds(0)
    private var enquireLinkSequence: UInt32?
    private var tokens: Double = 0
    private var lastRefill: NIODeadline = .uptimeNanoseconds(0)
    private var pausedUntil: NIODeadline?
    private var wakeUpAt: NIODeadline?
    private var closeReason: SMPPError?

    /// Creates a session in the idle (not yet connected) state.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Whether the session is bound.
    public var isBound: Bool {
        if case .bound = self.state { return true }
        return false
    }

    /// Whether the session has ended.
    public var isClosed: Bool {
        if case .closed = self.state { return true }
        return false
    }

    /// `submit_sm` sent and awaiting a response.
    public var submitsInFlightCount: Int { self.submitsInFlight }
    /// Submits waiting for window space, the TPS cap or the bind.
    public var queuedSubmitCount: Int { self.queue.count }

    // MARK: Events

    /// The connection is up: send the bind.
    public mutating func connected(now: NIODeadline) -> [Action] {
        guard case .idle = self.state else { return [] }
        self.state = .binding
        self.lastReceived = now
        let sequence = self.makeSequenceNumber()
        self.outstanding[sequence] = Outstanding(pending: .bind, deadline: now + self.configuration.responseTimeout)
        return [.send(SMPPPDU(.bind(self.configuration.bind), sequenceNumber: sequence))]
    }

    /// Asks to submit a message: it is sent now if the window and the TPS cap allow, else
    /// queued. The request completes with `submitSucceeded` or `submitFailed`.
    public mutating func submit(_ message: SMPPShortMessage, now: NIODeadline) -> (RequestID, [Action]) {
        let id = self.nextRequestID
        self.nextRequestID += 1
        switch self.state {
        case .idle, .binding:
            self.queue.append((id, message))
            return (id, [])
        case .bound(let type) where type.canSubmit:
            self.queue.append((id, message))
            return (id, self.drain(now: now))
        case .bound:
            return (id, [.submitFailed(id, SMPPError(code: .notBound, detail: "a receiver bind cannot submit"))])
        case .unbinding, .closed:
            return (id, [.submitFailed(id, SMPPError(code: .unbound, detail: "the session is closing"))])
        }
    }

    /// A well-formed PDU arrived.
    public mutating func received(_ pdu: SMPPPDU, now: NIODeadline) -> [Action] {
        self.lastReceived = now
        if pdu.commandID.isResponse {
            return self.receivedResponse(pdu, now: now)
        }
        switch pdu.body {
        case .enquireLink:
            return [.send(SMPPPDU(.enquireLinkResponse, sequenceNumber: pdu.sequenceNumber))]
        case .deliverSM(let message):
            return [.send(SMPPPDU(.deliverSMResponse(messageID: ""), sequenceNumber: pdu.sequenceNumber)), .deliver(message)]
        case .unbind:
            var actions: [Action] = [.send(SMPPPDU(.unbindResponse, sequenceNumber: pdu.sequenceNumber))]
            if case .unbinding = self.state { actions.append(.unbindCompleted) }
            self.state = .closed
            self.closeReason = SMPPError(code: .connectionClosed, detail: "the SMSC unbound")
            actions.append(.close(nil))
            return actions
        default:
            return [.send(SMPPPDU(.genericNack, sequenceNumber: pdu.sequenceNumber, commandStatus: .ESME_RINVCMDID))]
        }
    }

    /// A PDU arrived that could not be decoded.
    public mutating func receivedMalformed(_ error: SMPPDecodingError, now: NIODeadline) -> [Action] {
        self.lastReceived = now
        let failure = SMPPError(code: .malformedPDU, decodingError: error)
        guard let sequence = error.sequenceNumber, let commandID = error.commandID else {
            // The framing itself is broken: the stream cannot be trusted any more.
            return self.closeWithError(failure)
        }
        guard commandID.isResponse else {
            return [.send(SMPPPDU(.genericNack, sequenceNumber: sequence, commandStatus: error.suggestedStatus))]
        }
        guard let entry = self.outstanding.removeValue(forKey: sequence) else { return [] }
        return self.fail(entry.pending, with: failure, now: now)
    }

    /// Time passed: fail late requests, send `enquire_link` when due, send queued submits.
    public mutating func tick(now: NIODeadline) -> [Action] {
        if let wakeUpAt, wakeUpAt <= now { self.wakeUpAt = nil }
        var actions: [Action] = []
        let late = self.outstanding.filter { $0.value.deadline <= now }.keys.sorted()
        for sequence in late {
            guard let entry = self.outstanding.removeValue(forKey: sequence) else { continue }
            let error: SMPPError
            switch entry.pending {
            case .bind: error = SMPPError(code: .bindFailed, detail: "no bind response in time")
            case .enquireLink: error = SMPPError(code: .enquireLinkTimeout)
            case .submit, .unbind: error = SMPPError(code: .responseTimeout)
            }
            actions += self.fail(entry.pending, with: error, now: now)
        }
        if case .bound = self.state, self.enquireLinkSequence == nil, now - self.lastReceived >= self.configuration.enquireLinkInterval {
            let sequence = self.makeSequenceNumber()
            self.enquireLinkSequence = sequence
            self.outstanding[sequence] = Outstanding(pending: .enquireLink, deadline: now + self.configuration.responseTimeout)
            actions.append(.send(SMPPPDU(.enquireLink, sequenceNumber: sequence)))
        }
        actions += self.drain(now: now)
        return actions
    }

    /// Asks for a graceful end: queued submits fail, `unbind` is sent, and submits already
    /// sent keep their chance to be answered until `unbind_resp`.
    public mutating func unbind(now: NIODeadline) -> [Action] {
        switch self.state {
        case .bound:
            self.state = .unbinding
            var actions = self.failQueued(SMPPError(code: .unbound, detail: "unbinding"))
            let sequence = self.makeSequenceNumber()
            self.outstanding[sequence] = Outstanding(pending: .unbind, deadline: now + self.configuration.responseTimeout)
            actions.append(.send(SMPPPDU(.unbind, sequenceNumber: sequence)))
            return actions
        case .idle, .binding:
            var actions = self.failQueued(SMPPError(code: .unbound, detail: "unbound before the bind completed"))
            if case .binding = self.state {
                actions.append(.bindFailed(SMPPError(code: .bindFailed, detail: "unbound before the bind completed")))
            }
            self.outstanding.removeAll()
            self.state = .closed
            actions.append(.unbindCompleted)
            actions.append(.close(nil))
            return actions
        case .unbinding:
            return []
        case .closed:
            return [.unbindCompleted]
        }
    }

    /// The connection closed: everything outstanding fails (possibly accepted, as
    /// ``SMPPError/Code/connectionClosed``), everything queued fails as never sent.
    public mutating func connectionClosed() -> [Action] {
        let wasUnbinding: Bool
        if case .unbinding = self.state { wasUnbinding = true } else { wasUnbinding = false }
        let wasBinding: Bool
        if case .binding = self.state { wasBinding = true } else { wasBinding = false }
        self.state = .closed
        var actions: [Action] = []
        let detail = self.closeReason?.description ?? "the connection closed"
        for sequence in self.outstanding.keys.sorted() {
            if case .submit(let id) = self.outstanding[sequence]?.pending {
                actions.append(.submitFailed(id, SMPPError(code: .connectionClosed, detail: detail)))
            }
        }
        self.outstanding.removeAll()
        self.submitsInFlight = 0
        actions += self.failQueued(SMPPError(code: .unbound, detail: "\(detail) before the request was sent"))
        if wasBinding { actions.append(.bindFailed(SMPPError(code: .bindFailed, detail: detail))) }
        if wasUnbinding { actions.append(.unbindCompleted) }
        return actions
    }

    // MARK: Internals

    private mutating func receivedResponse(_ pdu: SMPPPDU, now: NIODeadline) -> [Action] {
        guard let entry = self.outstanding.removeValue(forKey: pdu.sequenceNumber) else {
            return []  // a late or unknown response: nothing waits for it
        }
        switch entry.pending {
        case .bind:
            guard pdu.commandStatus.isSuccess, case .bindResponse(let response) = pdu.body else {
                let status = pdu.commandStatus.isSuccess ? SMPPCommandStatus.ESME_RBINDFAIL : pdu.commandStatus
                return self.closeWithBindFailure(SMPPError(code: .bindFailed, commandStatus: status))
            }
            self.state = .bound(response.type)
            self.tokens = self.tokenCapacity
            self.lastRefill = now
            return [.bindSucceeded(response)] + self.drain(now: now)
        case .submit(let id):
            self.submitsInFlight -= 1
            var actions: [Action]
            if pdu.commandStatus.isSuccess, case .submitSMResponse(let messageID) = pdu.body {
                actions = [.submitSucceeded(id, messageID: messageID)]
            } else {
                let status = pdu.commandStatus.isSuccess ? SMPPCommandStatus.ESME_RSYSERR : pdu.commandStatus
                if status == .ESME_RTHROTTLED || status == .ESME_RMSGQFUL {
                    self.pausedUntil = now + self.configuration.throttleBackoff
                }
                actions = [.submitFailed(id, .commandStatus(status))]
            }
            return actions + self.drain(now: now)
        case .enquireLink:
            self.enquireLinkSequence = nil
            return []
        case .unbind:
            self.state = .closed
            return [.unbindCompleted, .close(nil)]
        }
    }

    private mutating func fail(_ pending: Pending, with error: SMPPError, now: NIODeadline) -> [Action] {
        switch pending {
        case .submit(let id):
            self.submitsInFlight -= 1
            return [.submitFailed(id, error)] + self.drain(now: now)
        case .bind:
            return self.closeWithBindFailure(error)
        case .enquireLink:
            self.enquireLinkSequence = nil
            return self.closeWithError(error)
        case .unbind:
            self.state = .closed
            return [.unbindCompleted, .close(nil)]
        }
    }

    private mutating func closeWithBindFailure(_ error: SMPPError) -> [Action] {
        self.state = .closed
        self.closeReason = error
        return [.bindFailed(error)] + self.failQueued(SMPPError(code: .unbound, detail: "the bind failed")) + [.close(error)]
    }

    private mutating func closeWithError(_ error: SMPPError) -> [Action] {
        var actions: [Action] = []
        if case .binding = self.state {
            actions.append(.bindFailed(SMPPError(code: .bindFailed, decodingError: error.decodingError, detail: error.description)))
            self.outstanding = self.outstanding.filter { if case .bind = $0.value.pending { false } else { true } }
        }
        self.closeReason = error
        if case .closed = self.state {} else { self.state = .closed }
        actions.append(.close(error))
        return actions
    }

    private mutating func failQueued(_ error: SMPPError) -> [Action] {
        var actions: [Action] = []
        while let (id, _) = self.queue.popFirst() {
            actions.append(.submitFailed(id, error))
        }
        return actions
    }

    private var tokenCapacity: Double {
        guard let tps = self.configuration.maxSubmitsPerSecond else { return 0 }
        return max(1, Double(tps) / 10)
    }

    /// Sends queued submits while the window, the TPS cap and any backoff allow.
    private mutating func drain(now: NIODeadline) -> [Action] {
        guard case .bound(let type) = self.state, type.canSubmit, !self.queue.isEmpty else { return [] }
        if let pausedUntil {
            if now < pausedUntil { return self.wakeUp(at: pausedUntil) }
            self.pausedUntil = nil
        }
        var actions: [Action] = []
        if let tps = self.configuration.maxSubmitsPerSecond {
            let elapsed = Double((now - self.lastRefill).nanoseconds) / 1e9
            self.tokens = min(self.tokenCapacity, self.tokens + max(0, elapsed) * Double(tps))
            self.lastRefill = now
        }
        while self.submitsInFlight < self.configuration.windowSize, !self.queue.isEmpty {
            if let tps = self.configuration.maxSubmitsPerSecond {
                if self.tokens < 1 {
                    let wait = (1 - self.tokens) / Double(tps)
                    actions += self.wakeUp(at: now + .nanoseconds(Int64((wait * 1e9).rounded(.up)) + 1))
                    break
                }
                self.tokens -= 1
            }
            let (id, message) = self.queue.removeFirst()
            let sequence = self.makeSequenceNumber()
            self.outstanding[sequence] = Outstanding(pending: .submit(id), deadline: now + self.configuration.responseTimeout)
            self.submitsInFlight += 1
            actions.append(.send(SMPPPDU(.submitSM(message), sequenceNumber: sequence)))
        }
        return actions
    }

    private mutating func wakeUp(at deadline: NIODeadline) -> [Action] {
        if let wakeUpAt, wakeUpAt <= deadline { return [] }
        self.wakeUpAt = deadline
        return [.scheduleWakeUp(deadline)]
    }

    private mutating func makeSequenceNumber() -> UInt32 {
        repeat {
            let sequence = self.nextSequence
            self.nextSequence = sequence >= SMPPPDU.maxSequenceNumber ? 1 : sequence + 1
            if self.outstanding[sequence] == nil { return sequence }
        } while true
    }
}
