import Foundation
import HeraldCore
import Testing

@Suite("CommsStore conformance: delivery reports")
struct ReportConformance {
    /// A distribution taken through the send stage to `sent` with `reference`.
    func sent(_ s: TestStore, reference: String) async throws -> Distribution {
        let (_, d) = try await Fixtures.processed(s.store)
        let ticket = Fixtures.ticket()
        let claimed = try await s.store.claim(.send(.sms), ticket: ticket, limit: 10)
        #expect(claimed.count == 1)
        var t = try DistributionTransition(distribution: d, to: .sent, actor: "sender:sms", at: Fixtures.t0)
        t.reference = reference
        t.sentAt = Fixtures.t0
        _ = try await s.store.commit([Change(requestId: d.requestId, distribution: t)], ticket: ticket)
        return try #require(try await s.store.request(id: d.requestId)?.distribution)
    }

    @Test(arguments: StoreFactory.all)
    func aReceiptForAnySegmentDeliversAndTheFirstFinalReportWins(_ factory: StoreFactory) async throws {
        let s = try await factory.make()
        defer { s.cleanup() }
        try await Fixtures.seed(s.store)
        let d = try await sent(s, reference: "smsc-1,smsc-2")
        let at = Fixtures.t0.addingTimeInterval(5)
        let results = try await s.store.applyDeliveryReports([
            DeliveryReport(method: .sms, reference: "smsc-2", outcome: .delivered, at: at, detail: "stat:DELIVRD"),
            DeliveryReport(method: .sms, reference: "smsc-1", outcome: .undeliverable, at: at, detail: "stat:UNDELIV err:001"),
            DeliveryReport(method: .sms, reference: "nobody", outcome: .delivered, at: at),
            DeliveryReport(method: .email, reference: "smsc-1", outcome: .delivered, at: at),
        ], actor: "smpp-receipts")
        #expect(results == [
            .applied(requestId: d.requestId, distributionId: d.id),
            .alreadyFinal(requestId: d.requestId, distributionId: d.id),
            .unmatched, .unmatched,
        ])
        let detail = try #require(try await s.store.request(id: d.requestId))
        #expect(detail.distribution?.status == .delivered)
        #expect(detail.history.contains { $0.to == "delivered" && $0.actor == "smpp-receipts" && $0.at == at })
        // The provider's time (the receipt's done date) is the actual send, not Herald's clock.
        #expect(detail.distribution?.actualSentAt == at)
        #expect(detail.distribution?.sentAt == Fixtures.t0)
    }

    /// An email's reference names its distribution twice (`<id@domain>`, `envid:<id>`): those
    /// parts are found through the distribution itself, the queue id through the index, and a
    /// part naming another distribution, or this one under another method, finds nothing.
    @Test(arguments: StoreFactory.all)
    func selfNamingReferencePartsFindTheirDistribution(_ factory: StoreFactory) async throws {
        let s = try await factory.make()
        defer { s.cleanup() }
        try await Fixtures.seed(s.store)
        let (_, d) = try await Fixtures.processed(s.store)
        let ticket = Fixtures.ticket()
        _ = try await s.store.claim(.send(.sms), ticket: ticket, limit: 10)
        var t = try DistributionTransition(distribution: d, to: .sent, actor: "sender", at: Fixtures.t0)
        t.reference = "<\(d.id)@herald.test>, Q7 ,envid:\(d.id)"
        t.sentAt = Fixtures.t0
        _ = try await s.store.commit([Change(requestId: d.requestId, distribution: t)], ticket: ticket)
        let at = Fixtures.t0.addingTimeInterval(5)
        let results = try await s.store.applyDeliveryReports([
            DeliveryReport(method: .sms, reference: "<nobody@herald.test>", outcome: .delivered, at: at),
            DeliveryReport(method: .email, reference: "envid:\(d.id)", outcome: .delivered, at: at),
            DeliveryReport(method: .sms, reference: "<\(d.id)@elsewhere.test>", outcome: .delivered, at: at),
            DeliveryReport(method: .sms, reference: "<\(d.id)@herald.test>", outcome: .delivered, at: at),
            DeliveryReport(method: .sms, reference: "envid:\(d.id)", outcome: .delivered, at: at),
            DeliveryReport(method: .sms, reference: "Q7", outcome: .delivered, at: at),
        ], actor: "dsn")
        #expect(results == [
            .unmatched, .unmatched, .unmatched,
            .applied(requestId: d.requestId, distributionId: d.id),
            .alreadyFinal(requestId: d.requestId, distributionId: d.id),
            .alreadyFinal(requestId: d.requestId, distributionId: d.id),
        ])
    }

    @Test(arguments: StoreFactory.all)
    func anUndeliverableReportRecordsTheProblem(_ factory: StoreFactory) async throws {
        let s = try await factory.make()
        defer { s.cleanup() }
        try await Fixtures.seed(s.store)
        let d = try await sent(s, reference: "smsc-9")
        let results = try await s.store.applyDeliveryReports(
            [DeliveryReport(method: .sms, reference: "smsc-9", outcome: .undeliverable, at: Fixtures.t0, detail: "stat:UNDELIV err:011")],
            actor: "smpp-receipts")
        #expect(results == [.applied(requestId: d.requestId, distributionId: d.id)])
        let detail = try #require(try await s.store.request(id: d.requestId))
        #expect(detail.distribution?.status == .undeliverable)
        #expect(detail.distribution?.lastError == "stat:UNDELIV err:011")
        #expect(detail.problems.last?.kind == .delivery)
    }

    @Test(arguments: StoreFactory.all)
    func aReceiptThatOvertakesItsSendIsAppliedWhenTheSendIsRecorded(_ factory: StoreFactory) async throws {
        let s = try await factory.make()
        defer { s.cleanup() }
        try await Fixtures.seed(s.store)
        let results = try await s.store.applyDeliveryReports(
            [DeliveryReport(method: .sms, reference: "smsc-early", outcome: .delivered, at: Fixtures.t0, detail: "stat:DELIVRD")], actor: "t")
        #expect(results == [.unmatched])
        let d = try await sent(s, reference: "smsc-early")
        #expect(d.status == .delivered)
        // Logged once: a second report for it is now `alreadyFinal`.
        let again = try await s.store.applyDeliveryReports(
            [DeliveryReport(method: .sms, reference: "smsc-early", outcome: .delivered, at: Fixtures.t0)], actor: "t")
        #expect(again == [.alreadyFinal(requestId: d.requestId, distributionId: d.id)])
    }
}
