import Foundation
import HeraldCore
import Metrics

/// Counters and timers of one stage, exported through swift-metrics (Prometheus in `herald serve`).
struct StageMetrics: Sendable {
    let stage: Stage
    private let claimed: Counter
    private let batchTimer: Metrics.Timer
    /// Counters made once for every status name, the usual outcomes.
    private let outcomes: [String: Counter]
    private let latency: Metrics.Timer?
    /// Send failures whose message the provider may have accepted (send stages).
    private let possibleDuplicates: Counter?

    init(stage: Stage) {
        self.stage = stage
        claimed = Counter(label: "herald_stage_claimed_total", dimensions: [("stage", "\(stage)")])
        batchTimer = Metrics.Timer(label: "herald_stage_batch_seconds", dimensions: [("stage", "\(stage)")])
        if case .send(let method) = stage {
            latency = Metrics.Timer(label: "herald_trigger_to_sent_seconds", dimensions: [("method", method.rawValue)])
            possibleDuplicates = Counter(label: "herald_send_possible_duplicates_total", dimensions: [("method", method.rawValue)])
        } else {
            latency = nil
            possibleDuplicates = nil
        }
        let names = RequestStatus.allCases.map(\.rawValue) + DistributionStatus.allCases.map(\.rawValue) + ["merged", "stored"]
        outcomes = Dictionary(names.map { name in
            (name, Counter(label: "herald_stage_outcomes_total", dimensions: [("stage", "\(stage)"), ("outcome", name)]))
        }, uniquingKeysWith: { a, _ in a })
    }

    func batch(size: Int, duration: Duration) {
        claimed.increment(by: size)
        batchTimer.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Counts an outcome (`processed`, `notSent`, `sent`, `errorRetry`…) of the stage.
    func outcome(_ name: String, count: Int = 1) {
        (outcomes[name] ?? Counter(label: "herald_stage_outcomes_total", dimensions: [("stage", "\(stage)"), ("outcome", name)]))
            .increment(by: count)
    }

    /// Counts a send whose answer was lost (``TransmissionFailure/Kind/possibleDuplicate``).
    func possibleDuplicate() {
        possibleDuplicates?.increment()
    }

    /// Trigger-to-sent latency of a comm (send stages).
    func sentLatency(seconds: TimeInterval) {
        latency?.recordNanoseconds(Int64(seconds * 1e9))
    }
}
