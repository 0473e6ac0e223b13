import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func upsertCustomer(_ customer: Customer) async throws {
        let record = CustomerRecord(customer, now: now)
        try await writer.write { db in
            try Self.carryingDisabledTokens(record, from: try CustomerRecord.fetchOne(db, key: record.id)).upsert(db)
        }
    }

    public func upsertAccount(_ account: Account) async throws {
        let record = AccountRecord(account, now: now)
        try await writer.write { db in
            guard try CustomerRecord.exists(db, key: account.customerId) else {
                throw HeraldError.invalid("customerId", "unknown customer '\(account.customerId)'")
            }
            try record.upsert(db)
            try db.recordOwner(.account, account.id, customerId: account.customerId)
        }
    }

    public func upsertSubscription(_ subscription: Subscription) async throws {
        let record = SubscriptionRecord(subscription, now: now)
        try await writer.write { db in
            guard try CustomerRecord.exists(db, key: subscription.customerId) else {
                throw HeraldError.invalid("customerId", "unknown customer '\(subscription.customerId)'")
            }
            if let accountId = subscription.accountId {
                guard let account = try AccountRecord.fetchOne(db, key: accountId) else {
                    throw HeraldError.invalid("accountId", "unknown account '\(accountId)'")
                }
                guard account.customerId == subscription.customerId else {
                    throw HeraldError.invalid("accountId", "account '\(accountId)' belongs to another customer")
                }
            }
            try record.upsert(db)
            try db.recordOwner(.subscription, subscription.id, customerId: subscription.customerId)
        }
    }

    public func customer(id: String) async throws -> Customer? {
        try await writer.read { db in try CustomerRecord.fetchOne(db, key: id)?.model }
    }

    public func account(id: String) async throws -> Account? {
        try await writer.read { db in try AccountRecord.fetchOne(db, key: id)?.model }
    }

    public func subscription(id: String) async throws -> Subscription? {
        try await writer.read { db in try SubscriptionRecord.fetchOne(db, key: id)?.model }
    }

    public func contexts(for targets: [TargetRef]) async throws -> [TargetRef: TargetContext] {
        let unique = Array(Set(targets))
        return try await writer.read { db in
            let subIds = unique.filter { $0.kind == .subscription }.map(\.id)
            let subs = try Self.fetchIn(SubscriptionRecord.self, db, "SELECT * FROM subscriptions WHERE id", subIds)
            let subById = Dictionary(subs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var accountIds = Set(unique.filter { $0.kind == .account }.map(\.id))
            for s in subs { if let a = s.accountId { accountIds.insert(a) } }
            let accounts = try Self.fetchIn(AccountRecord.self, db, "SELECT * FROM accounts WHERE id", Array(accountIds))
            let accountById = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var customerIds = Set(unique.filter { $0.kind == .customer }.map(\.id))
            for s in subs { customerIds.insert(s.customerId) }
            for a in accounts { customerIds.insert(a.customerId) }
            let customers = try Self.fetchIn(CustomerRecord.self, db, "SELECT * FROM customers WHERE id", Array(customerIds))
            let customerById = Dictionary(customers.map { ($0.id, $0.model) }, uniquingKeysWith: { a, _ in a })

            var out: [TargetRef: TargetContext] = [:]
            for t in unique {
                switch t.kind {
                case .customer:
                    if let c = customerById[t.id] { out[t] = TargetContext(customer: c) }
                case .account:
                    if let a = accountById[t.id], let c = customerById[a.customerId] {
                        out[t] = TargetContext(customer: c, account: a.model)
                    }
                case .subscription:
                    if let s = subById[t.id], let c = customerById[s.customerId] {
                        out[t] = TargetContext(customer: c, account: s.accountId.flatMap { accountById[$0]?.model }, subscription: s.model)
                    }
                }
            }
            return out
        }
    }
}

extension Database {
    /// Notes that `customerId` owns (or owned) the account or subscription `id`, for the
    /// listings by account or subscription, which walk the requests of each customer it has
    /// had (`target_owners`; requests are indexed by customer only).
    func recordOwner(_ kind: TargetRef.Kind, _ id: String, customerId: String) throws {
        let statement = try cachedStatement(sql: "INSERT OR IGNORE INTO target_owners (kind, target_id, customer_id) VALUES (?, ?, ?)")
        try statement.execute(arguments: [kind.rawValue, id, customerId])
    }
}
