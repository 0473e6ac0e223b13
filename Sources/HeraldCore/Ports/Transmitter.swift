import Foundation

/// One distribution handed to a transmitter.
public struct Transmission: Sendable, Hashable {
    public var request: CommsRequest
    public var distribution: Distribution

    public init(request: CommsRequest, distribution: Distribution) {
        self.request = request
        self.distribution = distribution
    }
}

/// What became of one transmission.
public enum TransmissionOutcome: Sendable, Hashable {
    /// Handed over; `reference` is the provider's id (SMSC message id, queue id, file name).
    case sent(reference: String?)
    /// Made available to the customer without a send (online inbox).
    case published(reference: String?)
    /// Not handed over (or not known to be): what kind of failure, and the provider's words.
    case failed(TransmissionFailure)

    /// A failure worth another attempt (4xx SMTP reply, throttling, the provider unreachable).
    public static func retry(_ text: String, code: String? = nil) -> Self {
        .failed(TransmissionFailure(.retry, code: code, text))
    }

    /// A failure that another attempt would meet again (5xx SMTP reply, an invalid number).
    public static func permanent(_ text: String, code: String? = nil) -> Self {
        .failed(TransmissionFailure(.permanent, code: code, text))
    }

    /// The provider says the target no longer exists (an unregistered push token).
    public static func targetGone(_ text: String, code: String? = nil) -> Self {
        .failed(TransmissionFailure(.targetGone, code: code, text))
    }

    /// The request went out and its answer was lost: the provider may have accepted it.
    public static func possibleDuplicate(_ text: String, code: String? = nil) -> Self {
        .failed(TransmissionFailure(.possibleDuplicate, code: code, text))
    }
}

/// Why a transmission failed, as a transport maps it once from its protocol's typed errors
/// (`SMTPError`, `SMPPError`, an HTTP status). The ``Sender`` decides from ``kind`` alone;
/// ``description`` is the readable text recorded as `last_error` and shown by the API.
public struct TransmissionFailure: Sendable, Hashable, CustomStringConvertible {
    /// What another attempt would do.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Try again with backoff, until the retry limit.
        case retry
        /// Do not try again: the distribution ends `errorNoRetry`.
        case permanent
        /// Tried again with backoff like ``retry``, but the provider may already have the
        /// message: a retry may deliver it twice (at-least-once, recorded as such).
        case possibleDuplicate
        /// The provider says the target itself no longer exists (a push token APNs answers
        /// `Unregistered` or `BadDeviceToken`, FCM `UNREGISTERED`): not tried again there; the
        /// ``Sender`` disables the target on the customer and the comm falls to the next
        /// allowed method (or ends `notSent`).
        case targetGone
    }

    public var kind: Kind
    /// The provider's own code when it gave one: an SMTP reply code (`550`, `5.1.1`), an SMPP
    /// command status (`ESME_RINVDSTADR`), an HTTP status (`503`).
    public var providerCode: String?
    /// The reason in words, with the provider's text.
    public var text: String

    public init(_ kind: Kind, code: String? = nil, _ text: String) {
        self.kind = kind
        self.providerCode = code
        self.text = text
    }

    /// Whether the distribution is tried again (``Kind/retry`` and ``Kind/possibleDuplicate``).
    public var isRetryable: Bool { kind == .retry || kind == .possibleDuplicate }

    /// The text recorded as `last_error`: ``text``, prefixed `possible duplicate: ` for that kind.
    public var description: String {
        kind == .possibleDuplicate ? "possible duplicate: \(text)" : text
    }
}

/// Sends distributions of one delivery method. One protocol for every method: the outbox
/// transport implements it for all of them; SMTP, SMPP, push and webhooks plug in the same way.
public protocol Transmitter: Sendable {
    /// Sends a batch; returns one outcome per transmission, in order. Must not throw for a
    /// single bad item: that item's outcome is `.failed` (``TransmissionOutcome/permanent(_:code:)``
    /// and its siblings).
    func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome]
}
