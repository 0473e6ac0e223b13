import HeraldCore
import SMPP

/// Sends SMS distributions through an ``SMPPRoute``: each distribution's merged text to its
/// target number, from the route's sender, with a delivery receipt requested.
///
/// A batch is submitted concurrently, at most ``concurrency`` messages at a time (the route's
/// windows pipeline them). Outcomes:
/// - accepted → `sent` with the SMSC message ids of every segment, comma-separated;
/// - a transient command status (`ESME_RTHROTTLED`, `ESME_RMSGQFUL`) or no bind → retryable,
///   naming the status;
/// - a lost response (timeout, connection closed) → `possibleDuplicate` (retried)
///   since the SMSC may have accepted it;
/// - a permanent command status (`ESME_RINVDSTADR`, …), an invalid number or text →
///   not retryable, naming the status.
public struct SMPPTransmitter: Transmitter {
    /// The route submits go through.
    public let route: SMPPRoute
    /// The most submissions of a batch in progress at once.
    public let concurrency: Int

    /// Creates a transmitter; `concurrency` defaults to the route's total window.
    public init(route: SMPPRoute, concurrency: Int? = nil) {
        self.route = route
        self.concurrency = max(1, concurrency ?? route.settings.window * route.settings.binds)
    }

    public func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome] {
        let ledgerBatch = route.ledger.begin()
        defer { route.ledger.end(ledgerBatch) }
        var outcomes = [TransmissionOutcome?](repeating: nil, count: batch.count)
        await withTaskGroup(of: (Int, TransmissionOutcome).self) { group in
            var next = 0
            func startNext() {
                let index = next
                let tx = batch[index]
                next += 1
                group.addTask { (index, await self.transmit(tx, batch: ledgerBatch)) }
            }
            while next < batch.count && next < concurrency { startNext() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if next < batch.count { startNext() }
            }
        }
        return outcomes.map { $0 ?? .retry("not submitted") }
    }

    func transmit(_ tx: Transmission, batch: SMPPSubmissionLedger.Batch) async -> TransmissionOutcome {
        let d = tx.distribution
        guard let text = d.message, !text.isEmpty else { return .permanent("no message text") }
        guard let destination = SMPPAddress(d.target) else {
            return .permanent("'\(d.target)' is not a number an SMSC accepts")
        }
        let message = SMSMessage(source: route.source, destination: destination, text: text, registeredDelivery: true)
        do {
            let result = try await route.submit(message)
            route.ledger.record(result.messageIDs, in: batch)
            return .sent(reference: result.messageIDs.joined(separator: ","))
        } catch let error as SMPPError {
            route.ledger.record(error.acceptedMessageIDs, in: batch)
            return Self.outcome(for: error)
        } catch {
            return .retry("smpp submit failed: \(error)")
        }
    }

    /// The outcome of a failed submission.
    public static func outcome(for error: SMPPError) -> TransmissionOutcome {
        let accepted = error.acceptedMessageIDs.isEmpty
            ? "" : "; segments already accepted: \(error.acceptedMessageIDs.joined(separator: ",")) (possible duplicate on retry)"
        let detail = error.detail.map { ": \($0)" } ?? ""
        if error.outcomeUnknown {
            return .possibleDuplicate("\(error.code)\(detail) — the SMSC may have accepted it\(accepted)", code: "\(error.code)")
        }
        if let status = error.commandStatus {
            let name = status.description
            if error.isTransient {
                return .retry("\(name) from the SMSC\(detail)\(accepted)", code: name)
            }
            return .permanent("\(name) from the SMSC\(detail)\(accepted)", code: name)
        }
        let text = "smpp \(error.code)\(detail)\(accepted)"
        return error.isTransient ? .retry(text, code: "\(error.code)") : .permanent(text, code: "\(error.code)")
    }
}
