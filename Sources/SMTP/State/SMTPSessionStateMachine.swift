/// The pure state machine of one SMTP client session (RFC 5321, 3207, 4954, 2920, 1870, 6152, 6531).
///
/// It takes events — the connection is up, a reply arrived, TLS is established, the caller wants
/// to send a message or to quit — and returns the ``Action`` to carry out. It does no I/O; the
/// channel handlers and ``SMTPConnection`` carry the actions out.
public struct SMTPSessionStateMachine: Sendable {
    /// How the session is to be opened.
    public struct Configuration: Sendable, Hashable {
        /// The name sent with EHLO/HELO.
        public var clientHostname: String
        /// Whether to upgrade with STARTTLS (required when true: no plaintext fallback).
        public var requireStartTLS: Bool
        /// Credentials for AUTH, if any.
        public var credentials: Credentials?

        /// Creates a configuration.
        public init(clientHostname: String, requireStartTLS: Bool, credentials: Credentials? = nil) {
            self.clientHostname = clientHostname
            self.requireStartTLS = requireStartTLS
            self.credentials = credentials
        }
    }

    /// A user name and password for AUTH PLAIN or LOGIN.
    public struct Credentials: Sendable, Hashable {
        /// The user name.
        public var username: String
        /// The password.
        public var password: String

        /// Creates credentials.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// A message to send: envelope sender, recipients, and facts about the content.
    public struct Envelope: Sendable, Hashable {
        /// The reverse-path (may be empty for bounces).
        public var from: String
        /// The forward-paths.
        public var recipients: [String]
        /// The size of the content in octets (before dot-stuffing).
        public var size: Int
        /// Whether the content has bytes above 127.
        public var hasEightBitData: Bool
        /// The DSN envelope id (RFC 3461 `ENVID`): when set and the server offers DSN, MAIL FROM
        /// carries `RET=HDRS ENVID=<xtext>`, so bounces name it in `Original-Envelope-Id`.
        public var envelopeID: String?

        /// Creates an envelope.
        public init(from: String, recipients: [String], size: Int, hasEightBitData: Bool, envelopeID: String? = nil) {
            self.from = from
            self.recipients = recipients
            self.size = size
            self.hasEightBitData = hasEightBitData
            self.envelopeID = envelopeID
        }
    }

    /// What the caller must do next.
    public enum Action: Sendable, Hashable {
        /// Write these commands (pipelined when more than one), then wait for a reply.
        case send([SMTPCommand])
        /// Wait for the next reply.
        case waitForReply
        /// Insert the TLS handler, then call ``tlsEstablished()``.
        case upgradeToTLS
        /// The session is open and ready for messages.
        case sessionReady(SMTPServerCapabilities)
        /// Write the message content (dot-stuffed, ending with `.`), then call ``messageDataSent()``.
        case sendMessageData
        /// Write only the end-of-data line (no recipient was accepted though DATA got 354), then call ``messageDataSent()``.
        case sendEmptyMessageData
        /// The transaction is over.
        case transactionFinished(TransactionOutcome)
        /// Close the connection; with an error when the session failed.
        case closeConnection(SMTPError?)
    }

    /// The end of a transaction: a result per recipient, or an error for the whole message.
    public enum TransactionOutcome: Sendable, Hashable {
        /// The dialogue completed (some recipients may have failed).
        case completed(SMTPSendResult)
        /// The whole message failed.
        case failed(SMTPError)
    }

    /// Which RFC 5321 §4.5.3.2 timeout applies to the reply being awaited.
    public enum TimeoutKind: Sendable, Hashable {
        /// Initial 220 (5 minutes).
        case greeting
        /// EHLO, STARTTLS, AUTH, RSET, QUIT.
        case command
        /// MAIL FROM (5 minutes).
        case mail
        /// RCPT TO (5 minutes).
        case rcpt
        /// DATA initiation (2 minutes).
        case dataInitiation
        /// After the final dot (10 minutes).
        case dataTermination
    }

    private enum Step: Sendable, Hashable {
        case rset, mail, rcpt(Int), data
    }

    private struct Transaction: Sendable, Hashable {
        var envelope: Envelope
        var unsent: [Step]
        var inFlight: [Step]
        var outcomes: [SMTPSendResult.Outcome?]
        var mailFailure: SMTPReply?
        var abortData = false
        var pipelined: Bool
        var mailParameters: [String]
        var rcptParameters: [String]
        var acceptedCount: Int { outcomes.filter { $0 == .accepted }.count }
    }

    private enum AuthStep: Sendable, Hashable {
        case plain, plainChallenge, loginStart, loginUser, loginPassword
    }

    private enum State: Sendable, Hashable {
        case awaitingGreeting
        case awaitingEHLO(afterTLS: Bool)
        case awaitingHELO
        case awaitingStartTLS
        case upgradingTLS
        case authenticating(AuthStep)
        case ready
        case transaction(Transaction)
        /// The content was written; `next` is a following transaction whose commands were
        /// pipelined right after the content (RFC 2920: the content may be followed by more
        /// commands in one group), its replies due after this transaction's final reply.
        case awaitingDataEnd(Transaction, next: Transaction?)
        case quitting
        case closed
    }

    private var state: State = .awaitingGreeting
    private let configuration: Configuration
    private var tlsActive: Bool
    private var needsReset = false
    /// What the server announced (empty until EHLO succeeds).
    public private(set) var capabilities: SMTPServerCapabilities = .none

    /// Creates a machine for a new connection; `tlsActive` is true for implicit TLS.
    public init(configuration: Configuration, tlsActive: Bool = false) {
        self.configuration = configuration
        self.tlsActive = tlsActive
    }

    /// Whether the session can take a message now.
    public var isReady: Bool { state == .ready }
    /// Whether the session is over.
    public var isClosed: Bool { state == .closed }

    /// The timeout that applies to the reply now awaited.
    public var timeoutKind: TimeoutKind {
        switch state {
        case .awaitingGreeting: return .greeting
        case .transaction(let transaction):
            switch transaction.inFlight.last {
            case .mail?: return .mail
            case .rcpt?: return .rcpt
            case .data?: return .dataInitiation
            default: return .command
            }
        case .awaitingDataEnd: return .dataTermination
        default: return .command
        }
    }

    // MARK: - Events

    /// A complete reply arrived.
    public mutating func replyReceived(_ reply: SMTPReply) -> Action {
        switch state {
        case .awaitingGreeting:
            guard reply.code == 220 else { return fail(.fromReply(.greetingRejected, "greeting", reply)) }
            state = .awaitingEHLO(afterTLS: false)
            return .send([.ehlo(configuration.clientHostname)])

        case .awaitingEHLO(let afterTLS):
            if reply.isPositiveCompletion {
                capabilities = SMTPServerCapabilities(ehloReply: reply)
                return afterHello()
            }
            // 500/502 (command unknown): fall back to HELO, unless we needed extensions.
            if reply.kind == .permanentNegative && !afterTLS && !configuration.requireStartTLS && configuration.credentials == nil {
                state = .awaitingHELO
                return .send([.helo(configuration.clientHostname)])
            }
            return fail(.fromReply(.helloRejected, "EHLO", reply))

        case .awaitingHELO:
            guard reply.isPositiveCompletion else { return fail(.fromReply(.helloRejected, "HELO", reply)) }
            capabilities = .none
            state = .ready
            return .sessionReady(capabilities)

        case .awaitingStartTLS:
            guard reply.code == 220 else { return fail(.fromReply(.tlsFailed, "STARTTLS", reply)) }
            state = .upgradingTLS
            return .upgradeToTLS

        case .authenticating(let step):
            return authReply(reply, step: step)

        case .transaction(var transaction):
            return transactionReply(reply, transaction: &transaction)

        case .awaitingDataEnd(var transaction, let next):
            state = .ready
            needsReset = true
            let action: Action
            if transaction.abortData {
                action = finishWithoutData(&transaction)
            } else if !reply.isPositiveCompletion {
                action = .transactionFinished(.failed(.fromReply(.messageRejected, "message refused after DATA", reply)))
            } else {
                let recipients = zip(transaction.envelope.recipients, transaction.outcomes).map {
                    SMTPSendResult.Recipient(address: $0, outcome: $1 ?? .accepted)
                }
                action = .transactionFinished(.completed(SMTPSendResult(recipients: recipients, finalReply: reply)))
            }
            // The pipelined next transaction (its RSET, MAIL, RCPT and DATA already written)
            // now awaits its replies.
            if let next { state = .transaction(next) }
            return action

        case .quitting:
            state = .closed
            return .closeConnection(nil)

        case .ready, .upgradingTLS:
            return fail(.protocolError("unexpected reply \(reply.code) while idle"))

        case .closed:
            return .closeConnection(nil)
        }
    }

    /// The TLS handshake after STARTTLS completed; the session restarts with EHLO.
    public mutating func tlsEstablished() -> Action {
        guard state == .upgradingTLS else { return fail(.protocolError("TLS established in the wrong state")) }
        tlsActive = true
        capabilities = .none
        state = .awaitingEHLO(afterTLS: true)
        return .send([.ehlo(configuration.clientHostname)])
    }

    /// The caller wants to send a message on the ready session.
    public mutating func startTransaction(_ envelope: Envelope) -> Action {
        guard state == .ready else {
            return .transactionFinished(.failed(state == .closed ? .sessionClosed : .protocolError("session not ready")))
        }
        switch makeTransaction(envelope) {
        case .failure(let finished): return finished.action
        case .success(var transaction): return sendNext(&transaction)
        }
    }

    /// The commands of the next message, to write right after the content of the current one
    /// (before its final reply), so that each message costs one round trip: the group is
    /// `<content> . RSET MAIL RCPT… DATA`, answered by the content's final reply and then the
    /// next transaction's. Call it when ``Action/sendMessageData`` was returned, before
    /// ``messageDataSent()``. Returns nil — and changes nothing — when the server does not
    /// offer PIPELINING, the current content is not being sent, a message is already queued,
    /// or the envelope fails before any command (SIZE, SMTPUTF8…): start that one with
    /// ``startTransaction(_:)`` once the session is ready again.
    public mutating func pipelineNextTransaction(_ envelope: Envelope) -> [SMTPCommand]? {
        guard capabilities.pipelining, case .awaitingDataEnd(let current, nil) = state, !current.abortData,
              case .success(var next) = makeTransaction(envelope, reset: true) else { return nil }
        next.inFlight = next.unsent
        next.unsent = []
        state = .awaitingDataEnd(current, next: next)
        return commands(for: next.inFlight, of: next)
    }

    /// A finished action wrapped as an error, for ``makeTransaction(_:reset:)``.
    private struct Finished: Error {
        var action: Action
    }

    /// The steps and parameters of a transaction, or the finished action when the envelope
    /// cannot be sent at all.
    private func makeTransaction(_ envelope: Envelope, reset: Bool? = nil) -> Result<Transaction, Finished> {
        func finished(_ action: Action) -> Result<Transaction, Finished> { .failure(Finished(action: action)) }
        for address in [envelope.from] + envelope.recipients where address.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" }) {
            return finished(.transactionFinished(.failed(SMTPError(.invalidAddress, "address \(address.debugDescription) has CR, LF, < or >", isTransient: false))))
        }
        guard !envelope.recipients.isEmpty else {
            return finished(.transactionFinished(.failed(SMTPError(.allRecipientsRejected, "no recipients", isTransient: false))))
        }
        if let limit = capabilities.sizeLimit, envelope.size > limit {
            return finished(.transactionFinished(.failed(SMTPError(
                .messageTooLarge, "message of \(envelope.size) octets exceeds the server's SIZE \(limit)", isTransient: false))))
        }
        func isASCII(_ s: String) -> Bool { s.utf8.allSatisfy { $0 < 128 } }
        let needsUTF8 = !isASCII(envelope.from) || envelope.recipients.contains { !isASCII($0) }
        if !isASCII(envelope.from) && !capabilities.smtpUTF8 {
            return finished(.transactionFinished(.failed(SMTPError(
                .smtpUTF8Required, "sender \(envelope.from) has non-ASCII characters and the server does not offer SMTPUTF8",
                isTransient: false))))
        }
        if envelope.hasEightBitData && !capabilities.eightBitMIME && !capabilities.smtpUTF8 {
            return finished(.transactionFinished(.failed(SMTPError(
                .eightBitMIMERequired, "the message has 8-bit data and the server does not offer 8BITMIME", isTransient: false))))
        }

        var mailParameters: [String] = []
        if capabilities.supports("SIZE") { mailParameters.append("SIZE=\(envelope.size)") }
        if envelope.hasEightBitData && capabilities.eightBitMIME { mailParameters.append("BODY=8BITMIME") }
        if needsUTF8 && capabilities.smtpUTF8 { mailParameters.append("SMTPUTF8") }
        if let envelopeID = envelope.envelopeID, capabilities.dsn {
            mailParameters += ["RET=HDRS", "ENVID=" + XText.encode(envelopeID)]
        }

        var outcomes: [SMTPSendResult.Outcome?] = Array(repeating: nil, count: envelope.recipients.count)
        var steps: [Step] = (reset ?? needsReset) ? [.rset, .mail] : [.mail]
        for (index, recipient) in envelope.recipients.enumerated() {
            if !isASCII(recipient) && !capabilities.smtpUTF8 {
                outcomes[index] = .permanentFailure(
                    reason: "recipient has non-ASCII characters and the server does not offer SMTPUTF8", reply: nil)
            } else {
                steps.append(.rcpt(index))
            }
        }
        guard steps.contains(where: { if case .rcpt = $0 { true } else { false } }) else {
            let recipients = zip(envelope.recipients, outcomes).map { SMTPSendResult.Recipient(address: $0, outcome: $1!) }
            return finished(.transactionFinished(.completed(SMTPSendResult(recipients: recipients, finalReply: nil))))
        }
        steps.append(.data)

        return .success(Transaction(
            envelope: envelope, unsent: steps, inFlight: [], outcomes: outcomes,
            pipelined: capabilities.pipelining, mailParameters: mailParameters, rcptParameters: []))
    }

    /// The message content has been written; wait for the final reply.
    public mutating func messageDataSent() -> Action {
        guard case .awaitingDataEnd = state else { return fail(.protocolError("data sent in the wrong state")) }
        return .waitForReply
    }

    /// The caller is done with the session.
    public mutating func quit() -> Action {
        switch state {
        case .ready:
            state = .quitting
            return .send([.quit])
        case .closed, .quitting:
            return .closeConnection(nil)
        default:
            state = .closed
            return .closeConnection(nil)
        }
    }

    /// The connection closed or failed underneath; returns the error to report.
    public mutating func connectionFailed(_ error: SMTPError) -> SMTPError {
        state = .closed
        return error
    }

    // MARK: - Helpers

    private mutating func fail(_ error: SMTPError) -> Action {
        state = .closed
        return .closeConnection(error)
    }

    private mutating func afterHello() -> Action {
        if configuration.requireStartTLS && !tlsActive {
            guard capabilities.startTLS else {
                return fail(SMTPError(.startTLSNotOffered, "STARTTLS is required but the server does not offer it", isTransient: false))
            }
            state = .awaitingStartTLS
            return .send([.startTLS])
        }
        if let credentials = configuration.credentials {
            let mechanisms = capabilities.authMechanisms
            if mechanisms.contains("PLAIN") {
                state = .authenticating(.plain)
                return .send([.authPlain(initialResponse: Self.plainResponse(credentials))])
            }
            if mechanisms.contains("LOGIN") {
                state = .authenticating(.loginStart)
                return .send([.authLogin])
            }
            return fail(SMTPError(
                .authenticationNotOffered, "credentials are configured but the server offers no AUTH PLAIN or LOGIN"
                    + (tlsActive ? "" : " (some servers offer AUTH only after STARTTLS)"),
                isTransient: false))
        }
        state = .ready
        return .sessionReady(capabilities)
    }

    private mutating func authReply(_ reply: SMTPReply, step: AuthStep) -> Action {
        guard let credentials = configuration.credentials else { return fail(.protocolError("AUTH without credentials")) }
        if reply.code == 235 {
            state = .ready
            return .sessionReady(capabilities)
        }
        guard reply.code == 334 else { return fail(.fromReply(.authenticationFailed, "AUTH", reply)) }
        switch step {
        case .plain:
            state = .authenticating(.plainChallenge)
            return .send([.authResponse(Self.plainResponse(credentials))])
        case .loginStart:
            state = .authenticating(.loginUser)
            return .send([.authResponse(Self.base64(Array(credentials.username.utf8)))])
        case .loginUser:
            state = .authenticating(.loginPassword)
            return .send([.authResponse(Self.base64(Array(credentials.password.utf8)))])
        case .plainChallenge, .loginPassword:
            return fail(.protocolError("unexpected 334 during AUTH"))
        }
    }

    private mutating func transactionReply(_ reply: SMTPReply, transaction: inout Transaction) -> Action {
        guard !transaction.inFlight.isEmpty else { return fail(.protocolError("unexpected reply \(reply.code)")) }
        let step = transaction.inFlight.removeFirst()
        switch step {
        case .rset:
            guard reply.isPositiveCompletion else { return fail(.fromReply(.protocolError, "RSET", reply)) }
            needsReset = false
        case .mail:
            if !reply.isPositiveCompletion { transaction.mailFailure = reply }
        case .rcpt(let index):
            if transaction.mailFailure != nil {
                transaction.outcomes[index] = nil
            } else if reply.isPositiveCompletion {
                transaction.outcomes[index] = .accepted
            } else if reply.kind == .transientNegative {
                transaction.outcomes[index] = .transientFailure(reason: "\(reply.code) \(reply.text)", reply: reply)
            } else {
                transaction.outcomes[index] = .permanentFailure(reason: "\(reply.code) \(reply.text)", reply: reply)
            }
        case .data:
            needsReset = true
            if reply.code == 354 {
                if transaction.mailFailure != nil || transaction.acceptedCount == 0 {
                    transaction.abortData = true
                    state = .awaitingDataEnd(transaction, next: nil)
                    return .sendEmptyMessageData
                }
                state = .awaitingDataEnd(transaction, next: nil)
                return .sendMessageData
            }
            state = .ready
            return finishWithoutData(&transaction, dataReply: reply)
        }

        // Not pipelined: stop early when MAIL failed or when every recipient was refused.
        if !transaction.pipelined && transaction.inFlight.isEmpty {
            if transaction.mailFailure != nil || (transaction.unsent == [.data] && transaction.acceptedCount == 0) {
                state = .ready
                needsReset = true
                return finishWithoutData(&transaction)
            }
        }
        if transaction.inFlight.isEmpty && !transaction.unsent.isEmpty {
            return sendNext(&transaction)
        }
        state = .transaction(transaction)
        return .waitForReply
    }

    private mutating func finishWithoutData(_ transaction: inout Transaction, dataReply: SMTPReply? = nil) -> Action {
        state = .ready
        needsReset = true
        if let failure = transaction.mailFailure {
            return .transactionFinished(.failed(.fromReply(.senderRejected, "MAIL FROM refused", failure)))
        }
        if transaction.acceptedCount > 0, let dataReply {
            return .transactionFinished(.failed(.fromReply(.messageRejected, "DATA refused", dataReply)))
        }
        let recipients = zip(transaction.envelope.recipients, transaction.outcomes).map {
            SMTPSendResult.Recipient(
                address: $0, outcome: $1 ?? .transientFailure(reason: "transaction aborted", reply: nil))
        }
        return .transactionFinished(.completed(SMTPSendResult(recipients: recipients, finalReply: nil)))
    }

    private mutating func sendNext(_ transaction: inout Transaction) -> Action {
        let batch: [Step]
        if transaction.pipelined {
            batch = transaction.unsent
        } else {
            batch = [transaction.unsent.first!]
        }
        transaction.unsent.removeFirst(batch.count)
        transaction.inFlight += batch
        state = .transaction(transaction)
        return .send(commands(for: batch, of: transaction))
    }

    private func commands(for steps: [Step], of transaction: Transaction) -> [SMTPCommand] {
        steps.map { step -> SMTPCommand in
            switch step {
            case .rset: .rset
            case .mail: .mailFrom(transaction.envelope.from, parameters: transaction.mailParameters)
            case .rcpt(let index): .rcptTo(transaction.envelope.recipients[index], parameters: transaction.rcptParameters)
            case .data: .data
            }
        }
    }

    static func plainResponse(_ credentials: Credentials) -> String {
        base64([0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8))
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(table[Int(b0 >> 2)])
            out.append(table[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? table[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? table[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
