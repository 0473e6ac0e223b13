import Foundation
import HeraldApp
import HeraldCore
import HeraldSQLite
import Logging
import ServiceLifecycle

/// The load the pipeline benchmarks share: subscribers to send to, and DATA_80 triggers pushed
/// through the store while the given services run, until every queue is empty.
enum BenchLoad {
    /// Stores up to 1,000 customers `C-00000…` with subscriptions `S-00000…`; returns how many.
    static func seedSubscribers(_ store: any CommsStore, count: Int, pushTokens: Bool,
                                preferred: (Int) -> [DeliveryMethod]) async throws -> Int {
        let customers = min(1000, max(1, count))
        for i in 0..<customers {
            let id = String(format: "C-%05d", i)
            let msisdn = String(format: "+4477009%05d", i)
            try await store.upsertCustomer(Customer(
                id: id, firstName: "Customer", lastName: "\(i)", language: "en", timeZone: "UTC", mobile: msisdn,
                pushTokens: pushTokens ? [PushToken(platform: "fcm", token: "tok-\(i)")] : [],
                preferences: Preferences(preferredMethods: preferred(i))))
            try await store.upsertSubscription(Subscription(id: String(format: "S-%05d", i), customerId: id, msisdn: msisdn, plan: "Data 10GB"))
        }
        return customers
    }

    /// Runs `services`, submits `count` DATA_80 triggers in batches of 500 spread over
    /// `subscribers`, waits until every stage is empty, then shuts the services down.
    /// Returns when the triggering started and ended.
    static func drive(_ runtime: HeraldRuntime, services: [any Service], count: Int, subscribers: Int,
                      logger: Logger) async throws -> (start: Date, triggered: Date) {
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        let start = Date()
        var triggered = start
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var made = 0
            while made < count {
                let n = min(500, count - made)
                let now = Date()
                let submissions = (made..<(made + n)).map { i in
                    TriggerSubmission(requests: [CommsRequest(
                        id: Identifier.make(now: now), commsCode: "DATA_80", priority: 2, status: .awaitingProcessing,
                        target: TargetRef(.subscription, String(format: "S-%05d", i % subscribers)), fields: ["PERCENT": "80"],
                        source: .api, createdBy: "bench", createdAt: now)], actor: "bench")
                }
                _ = try await runtime.store.submitBatch(submissions, idempotencyWindow: .seconds(1))
                runtime.signals.ring(.monitor)
                made += n
            }
            triggered = Date()
            while try await !runtime.store.queueDepths(now: Date()).allSatisfy({ $0.waiting == 0 }) {
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        return (start, triggered)
    }
}
