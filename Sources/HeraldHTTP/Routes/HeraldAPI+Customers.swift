import HeraldCore
import Hummingbird

extension HeraldAPI {
    /// `PUT /v1/customers/{id}`: 201 when created, 200 when replaced; the stored customer.
    func putCustomer(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        let input = try await bodies.decode(CustomerInput.self, from: call.request, shape: .customer)
        let customer = try input.validated(id: id)
        let existed = try await store.customer(id: id) != nil
        try await store.upsertCustomer(customer)
        let stored = try await store.customer(id: id) ?? customer
        return try JSONResponse.make(stored, status: existed ? .ok : .created)
    }

    /// `GET /v1/customers/{id}`.
    func getCustomer(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        guard let customer = try await store.customer(id: id) else {
            throw HeraldError.notFound("no customer \(id)", field: "id")
        }
        return try JSONResponse.make(customer)
    }

    /// `PUT /v1/accounts/{id}`: an unknown customer is a 422 naming `customerId`.
    func putAccount(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        let input = try await bodies.decode(AccountInput.self, from: call.request, shape: .account)
        let account = try input.validated(id: id)
        guard try await store.customer(id: account.customerId) != nil else {
            throw HeraldError.invalid("customerId", "unknown customer '\(account.customerId)'")
        }
        let existed = try await store.account(id: id) != nil
        try await asInvalidInput { try await store.upsertAccount(account) }
        let stored = try await store.account(id: id) ?? account
        return try JSONResponse.make(stored, status: existed ? .ok : .created)
    }

    /// `GET /v1/accounts/{id}`.
    func getAccount(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        guard let account = try await store.account(id: id) else {
            throw HeraldError.notFound("no account \(id)", field: "id")
        }
        return try JSONResponse.make(account)
    }

    /// `PUT /v1/subscriptions/{id}`: unknown customer or account (or an account of another
    /// customer) is a 422 naming the field.
    func putSubscription(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        let input = try await bodies.decode(SubscriptionInput.self, from: call.request, shape: .subscription)
        let subscription = try input.validated(id: id)
        guard try await store.customer(id: subscription.customerId) != nil else {
            throw HeraldError.invalid("customerId", "unknown customer '\(subscription.customerId)'")
        }
        if let accountId = subscription.accountId {
            guard let account = try await store.account(id: accountId) else {
                throw HeraldError.invalid("accountId", "unknown account '\(accountId)'")
            }
            guard account.customerId == subscription.customerId else {
                throw HeraldError.invalid("accountId", "account '\(accountId)' belongs to another customer")
            }
        }
        let existed = try await store.subscription(id: id) != nil
        try await asInvalidInput { try await store.upsertSubscription(subscription) }
        let stored = try await store.subscription(id: id) ?? subscription
        return try JSONResponse.make(stored, status: existed ? .ok : .created)
    }

    /// `GET /v1/subscriptions/{id}`.
    func getSubscription(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        guard let subscription = try await store.subscription(id: id) else {
            throw HeraldError.notFound("no subscription \(id)", field: "id")
        }
        return try JSONResponse.make(subscription)
    }

    /// A reference the store could not find (raced deletion) is the caller's input error.
    private func asInvalidInput(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as HeraldError where error.kind == .notFound {
            throw HeraldError.invalid(error.field, error.message)
        }
    }
}
