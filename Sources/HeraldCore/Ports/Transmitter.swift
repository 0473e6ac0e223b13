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
    /// Failed. `retryable` failures are tried again with backoff until the limit.
    case failed(retryable: Bool, reason: String)
}

/// Sends distributions of one delivery method. One protocol for every method: the outbox
/// transport implements it for all of them; SMTP, SMPP, push and webhooks plug in the same way.
public protocol Transmitter: Sendable {
    /// Sends a batch; returns one outcome per transmission, in order. Must not throw for a
    /// single bad item: that item's outcome is `.failed`.
    func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome]
}
