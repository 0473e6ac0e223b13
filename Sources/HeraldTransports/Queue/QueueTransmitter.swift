import Foundation
import HeraldCore
import Logging
import STOMP

/// Publishes push or external distributions onto a message queue (``QueueTransportSettings``),
/// as CMP's push and external daemons do: one JSON ``QueueMessage`` per distribution, `SEND` to
/// the method's destination over STOMP 1.2 with `persistent:true` and a `receipt`.
///
/// **Sent means the broker has it.** A distribution is `sent` only when the broker's `RECEIPT`
/// for its message came (for a persistent message ActiveMQ confirms once its store has it); the
/// reference is the distribution id, which is also the message's `heraldDistributionId` header
/// and `distributionId` field: the id a consumer de-duplicates on. Outcomes:
/// - `RECEIPT` → `sent(reference: distribution id)`;
/// - the connection died (or the receipt was late) after the `SEND` was written → `possibleDuplicate`:
///   retried with backoff, and the copy a retry may make carries the same id;
/// - no connection, the broker unreachable or refusing `CONNECT`, an `ERROR` about the
///   connection → `retry` (not sent);
/// - an `ERROR` that refuses this very message (it names its receipt: no such destination, not
///   authorised) → `permanent`, with the broker's message; so is a distribution without text or
///   target, or of a method the queue does not carry.
///
/// **Encryption** (``QueueTransportSettings/encryptionKeyFile``): the JSON is sealed in the
/// storage step's AES-256-GCM envelope (`StorageEnvelope`, the first key of the
/// `StorageKeyring` seals) and sent as `application/octet-stream` with the header
/// `heraldEncryption:HRLD-ENC-1`; the other headers stay readable so the broker can route.
///
/// Messages of all batches share one ``STOMPClient`` (one connection, pipelined, reconnected on
/// demand) and at most ``QueueTransportSettings/concurrency`` await their receipts at once.
/// Header names are JMS identifiers (`heraldDistributionId`), so JMS consumers can select on them.
public struct QueueTransmitter: Transmitter {
    /// The method sent: push or external.
    public let method: DeliveryMethod
    /// The destination of ``method``.
    public let destination: String
    /// The broker connection (shared with the other method's transmitter, if any).
    public let client: STOMPClient
    /// The keys that seal each message, when encryption is on.
    public let keyring: StorageKeyring?
    let inFlight: SharedLimit
    let logger: Logger

    /// The content type of a message in the clear.
    public static let jsonContentType = "application/json;charset=utf-8"
    /// The content type of a sealed message.
    public static let sealedContentType = "application/octet-stream"
    /// The `heraldEncryption` header of a sealed message: the envelope's magic and version.
    public static let sealedMarker = "HRLD-ENC-1"

    /// Creates a transmitter for `method` (push or external) over `client`; loads the key file
    /// when encryption is set (an unusable file is a `HeraldError` naming the setting).
    public init(method: DeliveryMethod, settings: QueueTransportSettings, client: STOMPClient, logger: Logger = Logger(label: "herald.queue")) throws {
        guard let destination = settings.destination(for: method) else {
            throw HeraldError.invalid("\(method).transport", "the queue transport carries push and external comms, not \(method)")
        }
        self.method = method
        self.destination = destination
        self.client = client
        if let file = settings.encryptionKeyFile {
            do {
                keyring = try StorageKeyring.load(path: file)
            } catch {
                throw QueueTransportSettings.Keys.encryptionKeyFile.invalid("\(error)")
            }
        } else {
            keyring = nil
        }
        inFlight = SharedLimit(settings.concurrency)
        self.logger = logger
    }

    /// The client for `settings` (it connects on the first message). Make one and pass it to
    /// both transmitters; close it on shutdown (``QueueConnectionService``).
    public static func makeClient(settings: QueueTransportSettings, logger: Logger = Logger(label: "herald.queue")) throws -> STOMPClient {
        STOMPClient(configuration: try settings.clientConfiguration(), logger: logger)
    }

    /// Publishes the batch: every message sent at once (pipelined), at most
    /// ``QueueTransportSettings/concurrency`` awaiting receipts over all batches. One outcome
    /// per transmission, in order.
    public func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome] {
        await withTaskGroup(of: (Int, TransmissionOutcome).self) { group in
            for (index, transmission) in batch.enumerated() {
                group.addTask {
                    await self.inFlight.acquire()
                    defer { self.inFlight.release() }
                    return (index, await self.transmit(transmission))
                }
            }
            var outcomes = [TransmissionOutcome](repeating: .retry("not sent"), count: batch.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
    }

    /// Publishes one distribution.
    func transmit(_ transmission: Transmission) async -> TransmissionOutcome {
        let distribution = transmission.distribution
        guard distribution.method == method else {
            return .permanent("the \(method) queue transmitter got a \(distribution.method) distribution")
        }
        guard let text = distribution.message, !text.isEmpty else { return .permanent("no message text") }
        guard !distribution.target.isEmpty else { return .permanent("no \(method) target") }
        let message: STOMPMessage
        do {
            message = try stompMessage(for: transmission)
        } catch {
            return .retry("cannot prepare the queue message: \(error)")
        }
        do {
            _ = try await client.send(message)
            return .sent(reference: distribution.id)
        } catch {
            logger.info("queue send failed", metadata: [
                "distribution": "\(distribution.id)", "queue.destination": "\(destination)", "error": "\(error)",
            ])
            return Self.outcome(for: error)
        }
    }

    /// The `SEND` of a distribution: the JSON (sealed when encryption is on) and the headers
    /// `heraldDistributionId`, `heraldRequestId`, `heraldCommsCode`, `heraldMethod`
    /// (and `heraldEncryption`).
    public func stompMessage(for transmission: Transmission) throws -> STOMPMessage {
        let distribution = transmission.distribution
        var body = try QueueMessage(transmission).json()
        var headers: [(String, String)] = [
            ("heraldDistributionId", distribution.id),
            ("heraldRequestId", distribution.requestId),
            ("heraldCommsCode", transmission.request.commsCode),
            ("heraldMethod", distribution.method.rawValue),
        ]
        var contentType = Self.jsonContentType
        if let keyring {
            body = try StorageEnvelope.seal(body, key: keyring.writeKey)
            headers.append(("heraldEncryption", Self.sealedMarker))
            contentType = Self.sealedContentType
        }
        return STOMPMessage(destination: destination, body: body, contentType: contentType, persistent: true, headers: headers)
    }

    /// The outcome of a failed send, from the STOMP error's kind.
    static func outcome(for error: STOMPError) -> TransmissionOutcome {
        let code = error.brokerMessage ?? error.code.rawValue
        if error.mayHaveBeenDelivered {
            return .possibleDuplicate("\(error.reason) — the broker may have it", code: code)
        }
        if !error.isRetryable {
            return .permanent("the broker refused the message: \(error.reason)", code: code)
        }
        return .retry("message broker: \(error.reason)", code: code)
    }
}
