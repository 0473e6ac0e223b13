import Foundation
import HeraldCore
import Logging
import SMPP
import ServiceLifecycle
import Synchronization

/// Reads an ``SMPPRoute``'s deliveries, turns delivery receipts into ``DeliveryReport``s and
/// applies them in small batches through ``CommsStore/applyDeliveryReports(_:actor:)``:
/// `DELIVRD` → delivered; `UNDELIV`, `REJECTD`, `EXPIRED`, `DELETED`, `UNKNOWN` →
/// undeliverable with detail `stat:… err:…`; intermediate states (`ENROUTE`, `ACCEPTD`) are
/// ignored. The time is the receipt's done date (read as UTC), else the time received.
///
/// A receipt about a message still being recorded as sent is held until the batch is done plus
/// ``settle`` (see ``SMPPSubmissionLedger``). Unmatched receipts are kept by the store and logged
/// here. Runs until the route's delivery stream ends (the route stopped), then drains.
public struct SMPPReceiptProcessor: Service {
    /// The actor recorded in the status history.
    public static let actor = "smpp-receipts"

    public let route: SMPPRoute
    public let store: any CommsStore
    public let logger: Logger
    /// Reports per store call.
    public let batchSize: Int
    /// How long after its batch ended a receipt is held before applying.
    public let settle: Duration

    /// Creates a processor.
    public init(route: SMPPRoute, store: any CommsStore, logger: Logger, batchSize: Int = 100, settle: Duration = .milliseconds(500)) {
        self.route = route
        self.store = store
        self.logger = logger
        self.batchSize = max(1, batchSize)
        self.settle = settle
    }

    private struct Held {
        var report: DeliveryReport
        var receivedAt: ContinuousClock.Instant
    }

    private final class Pending: Sendable {
        let held = Mutex<[Held]>([])
    }

    public func run() async throws {
        let pending = Pending()
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await delivery in route.deliveries {
                    guard let receipt = delivery.receipt else {
                        logger.info("smpp mobile-originated message ignored", metadata: ["smpp.from": "\(delivery.message.source)"])
                        continue
                    }
                    guard let report = Self.report(for: receipt, receivedAt: Date()) else {
                        logger.debug("smpp intermediate receipt", metadata: ["smpp.message_id": "\(receipt.messageID)", "smpp.stat": "\(receipt.stat ?? "")"])
                        continue
                    }
                    pending.held.withLock { $0.append(Held(report: report, receivedAt: .now)) }
                    wake.yield()
                }
                wake.finish()
            }
            group.addTask {
                for await _ in wakes {
                    while true {
                        let waiting = await applyReady(pending, force: false)
                        if waiting == 0 { break }
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                }
                // The route stopped: apply what is left.
                _ = await applyReady(pending, force: true)
            }
        }
    }

    /// Applies the settled receipts in batches; returns how many are still held.
    private func applyReady(_ pending: Pending, force: Bool) async -> Int {
        let now = ContinuousClock.now
        let ready: [DeliveryReport] = pending.held.withLock { held in
            var ready: [DeliveryReport] = []
            held.removeAll { h in
                let go = force || route.ledger.isSettled(h.report.reference, now: now, settle: settle)
                if go { ready.append(h.report) }
                return go
            }
            return ready
        }
        var start = 0
        while start < ready.count {
            let chunk = Array(ready[start..<min(start + batchSize, ready.count)])
            start += chunk.count
            await apply(chunk)
        }
        return pending.held.withLock { $0.count }
    }

    private func apply(_ reports: [DeliveryReport]) async {
        var attempt = 0
        while true {
            do {
                let results = try await store.applyDeliveryReports(reports, actor: Self.actor)
                for (report, result) in zip(reports, results) {
                    route.ledger.forget(report.reference)
                    if case .unmatched = result {
                        logger.warning("smpp receipt matches no sent distribution; kept as unmatched", metadata: [
                            "smpp.message_id": "\(report.reference)", "smpp.outcome": "\(report.outcome.rawValue)",
                        ])
                    }
                }
                return
            } catch {
                attempt += 1
                logger.error("applying smpp receipts failed", metadata: ["error": "\(error)", "herald.attempt": "\(attempt)"])
                if attempt >= 5 { return }
                try? await Task.sleep(for: .seconds(attempt))
            }
        }
    }

    /// The report a receipt makes, or `nil` for an intermediate state (en route, accepted).
    public static func report(for receipt: SMPPDeliveryReceipt, receivedAt: Date) -> DeliveryReport? {
        let outcome: DeliveryReport.Outcome
        switch receipt.state {
        case .delivered?: outcome = .delivered
        case .undeliverable?, .rejected?, .expired?, .deleted?, .unknown?: outcome = .undeliverable
        default:
            // No recognisable state: fall back on the stat word.
            switch receipt.stat?.uppercased() {
            case "DELIVRD": outcome = .delivered
            case "UNDELIV", "REJECTD", "EXPIRED", "DELETED", "UNKNOWN": outcome = .undeliverable
            default: return nil
            }
        }
        let stat = receipt.stat ?? receipt.state.map { "\($0)" } ?? "?"
        let err = receipt.error ?? receipt.networkErrorCode.map { "\($0)" } ?? "000"
        let at = receipt.doneDate.flatMap(date(of:)) ?? receivedAt
        return DeliveryReport(method: .sms, reference: receipt.messageID, outcome: outcome, at: at,
                              detail: outcome == .delivered ? "stat:\(stat)" : "stat:\(stat) err:\(err)")
    }

    /// A receipt timestamp as a date, reading it as UTC (SMSCs rarely say their zone).
    static func date(of stamp: SMPPDeliveryReceipt.Timestamp) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: stamp.year, month: stamp.month, day: stamp.day,
                                                  hour: stamp.hour, minute: stamp.minute, second: stamp.second))
    }
}
