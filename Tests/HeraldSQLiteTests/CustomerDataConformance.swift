import Foundation
import HeraldCore
import Testing

@Suite("CommsStore conformance: customer data")
struct CustomerDataConformance {
    @Test(arguments: StoreFactory.durable)
    func migrateIsIdempotent(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await t.store.migrate()
        try await t.store.upsertCustomer(Fixtures.alice)
        try await t.store.migrate()
        #expect(try await t.store.customer(id: "C1") == Fixtures.alice)
    }

    @Test(arguments: StoreFactory.durable)
    func upsertsReadBackEqual(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        #expect(try await t.store.customer(id: "C1") == Fixtures.alice)
        #expect(try await t.store.customer(id: "C2") == Fixtures.bob)
        #expect(try await t.store.account(id: "A1") == Fixtures.aliceAccount)
        #expect(try await t.store.account(id: "A2") == Fixtures.bobAccount)
        #expect(try await t.store.subscription(id: "S1") == Fixtures.aliceLine)
        #expect(try await t.store.subscription(id: "S2") == Fixtures.aliceSpareLine)
        #expect(try await t.store.customer(id: "nope") == nil)
        #expect(try await t.store.account(id: "nope") == nil)
        #expect(try await t.store.subscription(id: "nope") == nil)
    }

    @Test(arguments: StoreFactory.all)
    func upsertReplacesEveryField(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        var changed = Fixtures.alice
        changed.title = nil
        changed.email = "new@example.net"
        changed.postalAddress = nil
        changed.pushTokens = []
        changed.preferences = .none
        changed.language = "fr"
        try await t.store.upsertCustomer(changed)
        #expect(try await t.store.customer(id: "C1") == changed)
        var account = Fixtures.aliceAccount
        account.amountDue = nil
        account.attributes = [:]
        try await t.store.upsertAccount(account)
        #expect(try await t.store.account(id: "A1") == account)
        var line = Fixtures.aliceLine
        line.plan = "Basic"
        line.msisdn = nil
        try await t.store.upsertSubscription(line)
        #expect(try await t.store.subscription(id: "S1") == line)
    }

    @Test(arguments: StoreFactory.all)
    func accountOfUnknownCustomerIsRefused(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        let error = await heraldError { try await t.store.upsertAccount(Account(id: "A9", customerId: "C404", currency: "GBP")) }
        #expect(error?.kind == .invalidInput)
        #expect(error?.field == "customerId")
        #expect(try await t.store.account(id: "A9") == nil)
    }

    @Test(arguments: StoreFactory.all)
    func subscriptionOfUnknownCustomerOrAccountIsRefused(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let noCustomer = await heraldError { try await t.store.upsertSubscription(Subscription(id: "S9", customerId: "C404")) }
        #expect(noCustomer?.kind == .invalidInput)
        #expect(noCustomer?.field == "customerId")
        let noAccount = await heraldError { try await t.store.upsertSubscription(Subscription(id: "S9", customerId: "C1", accountId: "A404")) }
        #expect(noAccount?.kind == .invalidInput)
        #expect(noAccount?.field == "accountId")
        let otherCustomers = await heraldError { try await t.store.upsertSubscription(Subscription(id: "S9", customerId: "C1", accountId: "A2")) }
        #expect(otherCustomers?.field == "accountId")
        #expect(try await t.store.subscription(id: "S9") == nil)
    }

    @Test(arguments: StoreFactory.all)
    func contextsResolveEachKindOfTarget(_ factory: StoreFactory) async throws {
        let t = try await factory.make()
        defer { t.cleanup() }
        try await Fixtures.seed(t.store)
        let targets = [
            TargetRef(.customer, "C1"), TargetRef(.account, "A1"), TargetRef(.subscription, "S1"), TargetRef(.subscription, "S2"),
            TargetRef(.account, "A2"), TargetRef(.customer, "C404"), TargetRef(.account, "A404"), TargetRef(.subscription, "S404"),
            TargetRef(.customer, "A1"), TargetRef(.customer, "C1"),
        ]
        let contexts = try await t.store.contexts(for: targets)
        #expect(contexts.count == 5)
        #expect(contexts[TargetRef(.customer, "C1")] == TargetContext(customer: Fixtures.alice))
        #expect(contexts[TargetRef(.account, "A1")] == TargetContext(customer: Fixtures.alice, account: Fixtures.aliceAccount))
        #expect(contexts[TargetRef(.subscription, "S1")]
                == TargetContext(customer: Fixtures.alice, account: Fixtures.aliceAccount, subscription: Fixtures.aliceLine))
        #expect(contexts[TargetRef(.subscription, "S2")] == TargetContext(customer: Fixtures.alice, subscription: Fixtures.aliceSpareLine))
        #expect(contexts[TargetRef(.account, "A2")] == TargetContext(customer: Fixtures.bob, account: Fixtures.bobAccount))
        #expect(contexts[TargetRef(.customer, "C404")] == nil)
        #expect(contexts[TargetRef(.account, "A404")] == nil)
        #expect(contexts[TargetRef(.subscription, "S404")] == nil)
        #expect(contexts[TargetRef(.customer, "A1")] == nil)
        #expect(try await t.store.contexts(for: []).isEmpty)
    }
}
