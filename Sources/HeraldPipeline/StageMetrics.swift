import Foundation
import HeraldCore
import Metrics

/// Counters and timers of one stage, exported through swift-metrics (Prometheus in `herald serve`).
struct StageMetrics: Sendable {
    let stage: Stage
    private let claimed: Counter
    private let batchTimer: Metrics.Timer

    init(stage: Stage) {
        self.stage = stage
        claimed = Counter(label: "herald_stage_claimed_total", dimensions: [("stage", "\(stage)")])
        batchTimer = Metrics.Timer(label: "herald_stage_batch_seconds", dimensions: [("stage", "\(stage)")])
    }

    func batch(size: Int, duration: Duration) {
        claimed.increment(by: size)
        batchTimer.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Counts an outcome (`processed`, `notSent`, `sent`, `errorRetry`…) of the stage.
    func outcome(_ name: String, count: Int = 1) {
        Counter(label: "herald_stage_outcomes_total", dimensions: [("stage", "\(stage)"), ("outcome", name)]).increment(by: count)
    }

    /// Trigger-to-sent latency of a comm.
    static func sentLatency(method: DeliveryMethod, seconds: TimeInterval) {
        Metrics.Timer(label: "herald_trigger_to_sent_seconds", dimensions: [("method", method.rawValue)])
            .recordNanoseconds(Int64(seconds * 1e9))
    }
}
