import Foundation
import HeraldCore
import Logging
import SMTP
import Synchronization

/// The email `Transmitter` on the standalone `SMTP` module: reads each distribution's stored
/// `.eml`, sends it to one relay (`HERALD_SMTP_*`) with envelope sender = the message's `From`
/// address and recipient = the distribution's target (and, when the relay offers DSN,
/// `RET=HDRS ENVID=<distribution id>` so bounces name it), and maps the server's answer:
///
/// | server | outcome |
/// |---|---|
/// | accepted (250 after DATA) | `sent`, reference `<Message-ID>,<queue id>,envid:<distribution id>` (the queue id when the final reply names one) |
/// | 4xx, connection lost, timeout | `.retry` with the server's text and reply code → `errorRetry` |
/// | 5xx | `.permanent` with the server's text and reply code → `errorNoRetry` |
/// | over the server's SIZE, non-ASCII address without SMTPUTF8 | `.permanent` with the reason |
///
/// The mapping from `SMTPError` is ``failure(for:)``, in one place. A connection lost after
/// the content went out is a `.retry`, not a `.possibleDuplicate`: the SMTP module does not
/// tell whether the final dot reached the relay, and mail relays de-duplicate nothing either
/// way (RFC 1047); the Message-ID stays the same, so the receiving side can.
///
/// At most ``connectionsPerHost`` sessions are open at once, across every batch being sent (the
/// email sender works on several batches at once); each is reused for many messages (RSET
/// between them, PIPELINING when offered) and closed with QUIT when its batch is done: sessions
/// live for one batch, so no connection outlives a `transmit` call and the transmitter needs no
/// `Service`. A session that cannot be opened fails the rest of the batch
/// as retryable (the relay is down or refusing; each message would meet the same answer).
public struct SMTPTransmitter: Transmitter {
    /// The relay and how to reach it.
    public let client: SMTPClient
    /// Where the Email Monitor stored the messages.
    public let documents: any DocumentStore
    /// Sessions open at once to the relay, over all batches (default 2).
    public let connectionsPerHost: Int
    /// The places for those sessions, shared by every copy of this transmitter.
    let sessions: SharedLimit
    let logger: Logger

    /// Creates the transmitter; nothing connects until a batch is sent.
    public init(configuration: SMTPClient.Configuration, documents: any DocumentStore, connectionsPerHost: Int = 2,
                logger: Logger = Logger(label: "herald.smtp")) {
        self.client = SMTPClient(configuration: configuration, logger: logger)
        self.documents = documents
        self.connectionsPerHost = max(1, connectionsPerHost)
        self.sessions = SharedLimit(self.connectionsPerHost)
        self.logger = logger
    }

    /// One message ready to go.
    struct Prepared: Sendable {
        var index: Int
        var from: String
        var to: String
        var messageID: String
        /// The DSN envelope id: the distribution id.
        var envelopeID: String
        var data: [UInt8]
    }

    public func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome] {
        var outcomes = [TransmissionOutcome?](repeating: nil, count: batch.count)
        var jobs: [Prepared] = []
        // The batch's messages are read together (a batch merged together shares one pack file).
        let located = batch.indices.filter { batch[$0].distribution.fileLocation != nil }
        var contents = [Result<[UInt8], any Error>?](repeating: nil, count: batch.count)
        for (i, result) in zip(located, await documents.readMany(located.map { batch[$0].distribution.fileLocation! })) {
            contents[i] = result
        }
        for (i, tx) in batch.enumerated() {
            switch prepare(tx, index: i, content: contents[i]) {
            case .success(let job): jobs.append(job)
            case .failure(let refusal): outcomes[i] = refusal.outcome
            }
        }
        if !jobs.isEmpty {
            let queue = Queue(jobs)
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<min(connectionsPerHost, jobs.count) {
                    group.addTask { await self.work(queue) }
                }
            }
            for (index, outcome) in queue.outcomes { outcomes[index] = outcome }
        }
        return outcomes.map { $0 ?? .retry("not sent") }
    }

    /// Takes the stored message's `From` and `Message-ID`.
    func prepare(_ tx: Transmission, index: Int, content: Result<[UInt8], any Error>?) -> Result<Prepared, Refusal> {
        let d = tx.distribution
        guard let location = d.fileLocation, let content else {
            return .failure(Refusal(.permanent("no document to send: the email was never merged")))
        }
        let bytes: [UInt8]
        switch content {
        case .success(let read): bytes = read
        case .failure(let error): return .failure(Refusal(.retry("cannot read \(location): \(error)")))
        }
        let headers = MessageHeaders.firstValues(["from", "message-id"], in: bytes)
        guard let fromField = headers["from"], let from = Self.addrSpec(inHeader: fromField) else {
            return .failure(Refusal(.permanent("the stored message has no valid From address")))
        }
        guard let messageID = headers["message-id"], !messageID.isEmpty else {
            return .failure(Refusal(.permanent("the stored message has no Message-ID")))
        }
        return .success(Prepared(index: index, from: from, to: d.target, messageID: messageID, envelopeID: d.id, data: bytes))
    }

    /// One session worker: opens a session, sends queued messages on it until the queue is
    /// empty, and opens a new session when the server broke the last one. On a session, each
    /// message's envelope is pipelined behind the previous content (one round trip a message).
    func work(_ queue: Queue) async {
        // A place for this worker's sessions, shared with the other batches' workers, kept until
        // the batch has nothing left; a worker still waiting when its batch runs dry leaves.
        let owner = ObjectIdentifier(queue)
        guard await sessions.acquire(for: owner, stillWanted: { queue.hasPending }) else { return }
        defer { sessions.release() }
        var carried: Prepared?
        while let first = carried ?? queue.next() {
            carried = nil
            var handed: [Prepared] = []  // pulled onto the session, not yet answered, in order
            var firstTaken = false
            do {
                try await client.withConnection { connection in
                    let unsent = await connection.send(pulling: {
                        let job: Prepared?
                        if firstTaken {
                            job = queue.next()
                        } else {
                            firstTaken = true
                            job = first
                        }
                        guard let job else { return nil }
                        handed.append(job)
                        return SMTPConnection.OutgoingMessage(from: job.from, recipients: [job.to], data: job.data, envelopeID: job.envelopeID)
                    }, completed: { _, result in
                        let job = handed.removeFirst()
                        queue.record(job.index, Self.outcome(of: job, result))
                    })
                    // A message pulled but never written goes out on the next session.
                    if unsent != nil, !handed.isEmpty { carried = handed.removeFirst() }
                }
            } catch {
                // The session could not be opened: this message and the rest wait for a retry.
                let reason = "SMTP session to \(client.configuration.host):\(client.configuration.port) failed: \(Self.reason(error))"
                logger.warning("smtp session failed", metadata: ["herald.reason": "\(reason)"])
                let failed = TransmissionOutcome.retry(reason, code: Self.providerCode(of: error))
                if !firstTaken { queue.record(first.index, failed) }
                for job in handed { queue.record(job.index, failed) }
                if let job = carried { queue.record(job.index, failed) }
                carried = nil
                while let rest = queue.next() { queue.record(rest.index, failed) }
            }
        }
        // Nothing left to hand out: this batch's workers still waiting for a place need none.
        sessions.withdraw(owner)
    }

    /// Maps the server's answer to one message.
    static func outcome(of job: Prepared, _ result: Result<SMTPSendResult, SMTPError>) -> TransmissionOutcome {
        switch result {
        case .failure(let error):
            return failure(for: error)
        case .success(let result):
            guard let recipient = result.recipients.first else { return .retry("no answer for the recipient") }
            switch recipient.outcome {
            case .accepted:
                let queueID = result.finalReply.flatMap { Self.queueID(inReply: $0.text) }
                return .sent(reference: [job.messageID, queueID, "envid:\(job.envelopeID)"].compactMap { $0 }.joined(separator: ","))
            case .transientFailure(let reason, let reply):
                return .retry("RCPT TO refused: \(reason)", code: reply.map(providerCode(of:)))
            case .permanentFailure(let reason, let reply):
                return .permanent("RCPT TO refused: \(reason)", code: reply.map(providerCode(of:)))
            }
        }
    }

    /// The one mapping of a typed `SMTPError` to an outcome: transient errors (4xx replies,
    /// connection failures, timeouts, TLS failures) are retried, the rest (5xx replies, local
    /// refusals: over SIZE, needs SMTPUTF8 or 8BITMIME, an address SMTP cannot carry) are not.
    /// The provider code is the reply's code (with its enhanced status code when given), else
    /// the error's code name.
    static func failure(for error: SMTPError) -> TransmissionOutcome {
        let code = providerCode(of: error)
        return error.isTransient ? .retry(error.reason, code: code) : .permanent(error.reason, code: code)
    }

    static func providerCode(of error: any Error) -> String? {
        guard let error = error as? SMTPError else { return nil }
        return error.reply.map(providerCode(of:)) ?? error.code.rawValue
    }

    static func providerCode(of reply: SMTPReply) -> String {
        reply.enhancedStatusCode.map { "\(reply.code) \($0)" } ?? String(reply.code)
    }

    static func reason(_ error: any Error) -> String {
        (error as? SMTPError)?.reason ?? "\(error)"
    }

    /// The queue id in a final reply: `… queued as 4F2A1` (Postfix, aiosmtpd) or `… id=1abc-…` (Exim).
    static func queueID(inReply text: String) -> String? {
        let words = text.split(separator: " ")
        for (i, word) in words.enumerated() {
            if word.lowercased() == "as", i > 0, words[i - 1].lowercased() == "queued", i + 1 < words.count {
                return words[i + 1].trimmingScalars { ",;()<>".unicodeScalars.contains($0) }
            }
            if word.lowercased().hasPrefix("id=") && word.count > 3 {
                return word.dropFirst(3).trimmingScalars { ",;()<>".unicodeScalars.contains($0) }
            }
        }
        return nil
    }

    /// `local@domain` from a `From` field value (`addr`, `Name <addr>`, `=?UTF-8?…?= <addr>`).
    static func addrSpec(inHeader value: String) -> String? {
        var candidate = value.trimmingBlanks
        if let open = candidate.lastIndex(of: "<"), let close = candidate.lastIndex(of: ">"), open < close {
            candidate = String(candidate[candidate.index(after: open)..<close])
        }
        return Mailbox.addrSpec(candidate)
    }

    /// A per-message outcome decided before sending.
    struct Refusal: Error {
        var outcome: TransmissionOutcome
        init(_ outcome: TransmissionOutcome) { self.outcome = outcome }
    }

    /// The batch's messages, shared by the session workers, and their outcomes.
    final class Queue: Sendable {
        private struct State {
            var pending: [Prepared]
            var next = 0
            var outcomes: [(Int, TransmissionOutcome)] = []
        }
        private let state: Mutex<State>

        init(_ jobs: [Prepared]) { state = Mutex(State(pending: jobs)) }

        func next() -> Prepared? {
            state.withLock { s in
                guard s.next < s.pending.count else { return nil }
                defer { s.next += 1 }
                return s.pending[s.next]
            }
        }

        /// Whether messages are left to hand out.
        var hasPending: Bool { state.withLock { $0.next < $0.pending.count } }

        func record(_ index: Int, _ outcome: TransmissionOutcome) {
            state.withLock { $0.outcomes.append((index, outcome)) }
        }

        var outcomes: [(Int, TransmissionOutcome)] { state.withLock { $0.outcomes } }
    }
}
