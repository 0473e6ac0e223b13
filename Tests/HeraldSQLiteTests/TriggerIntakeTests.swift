import Foundation
import HeraldCore
import HeraldSQLite
import Testing

/// A tiny in-memory catalog.
struct TinyCatalog: TemplateCatalog {
    let codes: [CommsCode] = [
        CommsCode(code: "DATA_80", description: "Data 80%", methods: [.sms], priority: 1, optionalFields: ["PERCENT"]),
        CommsCode(code: "DEBT_LETTER", description: "Debt letter", methods: [.letter], priority: 3, category: "billing",
                  workflowEvents: [.init(eventType: "DEBT", eventCode: "DBAR")]),
        CommsCode(code: "OLD_DEBT", description: "Retired debt notice", methods: [.sms], category: "billing", active: false,
                  workflowEvents: [.init(eventType: "DEBT", eventCode: "DBAR")]),
        CommsCode(code: "OLD_PROMO", description: "Retired promotion", methods: [.email], category: "marketing", active: false),
        CommsCode(code: "PAYMENT_REMINDER", description: "Payment reminder", methods: [.sms, .email], priority: 1, category: "billing",
                  workflowEvents: [.init(eventType: "DEBT", eventCode: "DBAR"), .init(eventType: "DEBT", eventCode: "DPAY")]),
        CommsCode(code: "WELCOME", description: "Welcome", methods: [.email, .sms], requiredFields: ["OFFERCODE"]),
    ]

    func code(_ code: String) -> CommsCode? { codes.first { $0.code == code } }
    func hasTemplate(code: String, method: DeliveryMethod, part: TemplatePart, language: String) -> Bool { false }
    func render(code: String, method: DeliveryMethod, part: TemplatePart, language: String, fields: [String: String]) throws -> String {
        throw HeraldError.notFound("no template for \(code)")
    }
}

@Suite("Trigger intake against a real store")
struct TriggerIntakeTests {
    static func intake() async throws -> (TriggerIntake, any CommsStore, WorkSignals) {
        let store = try SQLiteStore.inMemory()
        try await store.migrate()
        try await Fixtures.seed(store)
        let signals = WorkSignals()
        return (TriggerIntake(store: store, catalog: TinyCatalog(), signals: signals, clock: { Fixtures.t0 }), store, signals)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: CommsRequestInput
        var field: String
        var testDescription: String { name }
    }

    static let offer = ["OFFERCODE": "X1"]
    static let cases: [Case] = [
        Case(name: "missing code", input: CommsRequestInput(commsCode: nil, customerId: "C1", fields: offer), field: "commsCode"),
        Case(name: "empty code", input: CommsRequestInput(commsCode: "", customerId: "C1", fields: offer), field: "commsCode"),
        Case(name: "unknown code", input: CommsRequestInput(commsCode: "NOPE", customerId: "C1", fields: offer), field: "commsCode"),
        Case(name: "inactive code", input: CommsRequestInput(commsCode: "OLD_PROMO", customerId: "C1"), field: "commsCode"),
        Case(name: "no target", input: CommsRequestInput(commsCode: "WELCOME", fields: offer), field: "customerId"),
        Case(name: "two targets", input: CommsRequestInput(commsCode: "WELCOME", customerId: "C1", accountId: "A1", fields: offer),
             field: "accountId"),
        Case(name: "account and subscription", input: CommsRequestInput(commsCode: "WELCOME", accountId: "A1", subscriptionId: "S1", fields: offer),
             field: "subscriptionId"),
        Case(name: "unknown customer", input: CommsRequestInput(commsCode: "WELCOME", customerId: "C404", fields: offer), field: "customerId"),
        Case(name: "unknown account", input: CommsRequestInput(commsCode: "WELCOME", accountId: "A404", fields: offer), field: "accountId"),
        Case(name: "unknown subscription", input: CommsRequestInput(commsCode: "WELCOME", subscriptionId: "S404", fields: offer),
             field: "subscriptionId"),
        Case(name: "priority 0", input: CommsRequestInput(commsCode: "WELCOME", customerId: "C1", priority: 0, fields: offer), field: "priority"),
        Case(name: "priority 4", input: CommsRequestInput(commsCode: "WELCOME", customerId: "C1", priority: 4, fields: offer), field: "priority"),
        Case(name: "unknown method", input: CommsRequestInput(commsCode: "WELCOME", customerId: "C1", deliveryMethod: "fax", fields: offer),
             field: "deliveryMethod"),
        Case(name: "method not allowed", input: CommsRequestInput(commsCode: "WELCOME", customerId: "C1", deliveryMethod: "letter", fields: offer),
             field: "deliveryMethod"),
        Case(name: "missing required field", input: CommsRequestInput(commsCode: "WELCOME", customerId: "C1"), field: "fields.OFFERCODE"),
        Case(name: "empty required field", input: CommsRequestInput(commsCode: "WELCOME", customerId: "C1", fields: ["OFFERCODE": ""]),
             field: "fields.OFFERCODE"),
        Case(name: "bad field name", input: CommsRequestInput(commsCode: "WELCOME", customerId: "C1", fields: ["OFFERCODE": "X", "1BAD": "y"]),
             field: "fields.1BAD"),
        Case(name: "field name with a dash", input: CommsRequestInput(commsCode: "DATA_80", customerId: "C1", fields: ["MY-FIELD": "y"]),
             field: "fields.MY-FIELD"),
        Case(name: "unknown copyOf", input: CommsRequestInput(commsCode: "WELCOME", customerId: "C1", fields: offer, copyOf: "nope"),
             field: "copyOf"),
    ]

    @Test(arguments: cases)
    func rejectedRequestNamesTheFieldAndLeavesNoRow(_ c: Case) async throws {
        let (intake, store, _) = try await Self.intake()
        let error = await heraldError { _ = try await intake.submit(c.input, idempotency: nil, actor: "api:test") }
        #expect(error?.kind == .invalidInput)
        #expect(error?.field == c.field, "\(String(describing: error))")
        #expect(try await store.requests(RequestQuery()).items.isEmpty)
    }

    @Test func validRequestIsStored() async throws {
        let (intake, store, signals) = try await Self.intake()
        let result = try await intake.submit(
            CommsRequestInput(commsCode: "WELCOME", subscriptionId: "S1", priority: 3, deliveryMethod: "sms", fields: ["OFFERCODE": "X1"]),
            idempotency: nil, actor: "api:crm")
        #expect(result.replayed == false)
        let id = try #require(result.requestIds.first)
        let r = try #require(try await store.request(id: id)).request
        #expect(r.commsCode == "WELCOME")
        #expect(r.priority == 3)
        #expect(r.overrideMethod == .sms)
        #expect(r.target == TargetRef(.subscription, "S1"))
        #expect(r.status == .awaitingProcessing)
        #expect(r.fields == ["OFFERCODE": "X1"])
        #expect(r.createdBy == "api:crm" && r.source == .api && r.createdAt == Fixtures.t0)
        // The monitor's doorbell was rung.
        let clock = ContinuousClock()
        let start = clock.now
        await signals.bell(.monitor).wait(upTo: .seconds(120))
        #expect(clock.now - start < .seconds(60))  // rung: at once; not rung: the full 120 s (margin for a loaded suite)
    }

    @Test func defaultPriorityComesFromTheCode() async throws {
        let (intake, store, _) = try await Self.intake()
        let result = try await intake.submit(CommsRequestInput(commsCode: "DATA_80", customerId: "C1"), idempotency: nil, actor: "a")
        #expect(try await store.request(id: result.requestIds[0])?.request.priority == 1)
    }

    @Test func resendOfAKnownRequestIsAccepted() async throws {
        let (intake, store, _) = try await Self.intake()
        let first = try await intake.submit(CommsRequestInput(commsCode: "DATA_80", customerId: "C1"), idempotency: nil, actor: "a")
        let copy = try await intake.submit(CommsRequestInput(commsCode: "DATA_80", customerId: "C1", copyOf: first.requestIds[0]),
                                           idempotency: nil, actor: "a")
        #expect(try await store.request(id: copy.requestIds[0])?.request.copyOf == first.requestIds[0])
    }

    @Test func onResolveEventCreatesWaitingRequestsForLinkedActiveCodesOnly() async throws {
        let (intake, store, _) = try await Self.intake()
        let result = try await intake.raise(
            WorkflowEventInput(eventType: "DEBT", eventCode: "DBAR", accountId: "A1", whenToCreate: "OnResolve"),
            idempotency: nil, actor: "api:billing")
        let eventId = try #require(result.eventId)
        let event = try #require(try await store.workflowEvent(id: eventId))
        #expect(event.whenToCreate == .onResolve && event.state == .open && event.target == TargetRef(.account, "A1"))
        #expect(result.requestIds.count == 2)
        var codes: [String: CommsRequest] = [:]
        for id in result.requestIds {
            let r = try #require(try await store.request(id: id)).request
            codes[r.commsCode] = r
        }
        #expect(Set(codes.keys) == ["PAYMENT_REMINDER", "DEBT_LETTER"])
        #expect(codes.values.allSatisfy { $0.status == .awaitingEventResolution && $0.workflowEventId == eventId })
        #expect(codes["PAYMENT_REMINDER"]?.priority == 1)
        #expect(codes["DEBT_LETTER"]?.priority == 3)
        #expect(codes.values.allSatisfy { $0.source == .workflowEvent })
        #expect(try await Fixtures.allRequests(store).count == 2)

        let moved = try await intake.resolveEvent(id: eventId, actor: "api:billing")
        #expect(Set(moved) == Set(result.requestIds))
        for id in result.requestIds {
            #expect(try await store.request(id: id)?.request.status == .awaitingProcessing)
        }
    }

    @Test func onCreateEventCreatesRequestsAwaitingProcessing() async throws {
        let (intake, store, _) = try await Self.intake()
        let result = try await intake.raise(
            WorkflowEventInput(eventType: "DEBT", eventCode: "DPAY", customerId: "C1", whenToCreate: nil, priority: 2),
            idempotency: nil, actor: "a")
        #expect(result.requestIds.count == 1)
        let r = try #require(try await store.request(id: result.requestIds[0])).request
        #expect(r.commsCode == "PAYMENT_REMINDER")
        #expect(r.status == .awaitingProcessing)
        #expect(r.priority == 2)
    }

    @Test func eventWithoutLinkedCodesStoresOnlyTheEvent() async throws {
        let (intake, store, _) = try await Self.intake()
        let result = try await intake.raise(WorkflowEventInput(eventType: "DEBT", eventCode: "ZZZ", customerId: "C1", whenToCreate: "OnCreate"),
                                            idempotency: nil, actor: "a")
        #expect(result.requestIds.isEmpty)
        #expect(try await store.workflowEvent(id: try #require(result.eventId)) != nil)
    }

    @Test(arguments: [
        (WorkflowEventInput(eventType: nil, eventCode: "DBAR", customerId: "C1", whenToCreate: nil), "eventType"),
        (WorkflowEventInput(eventType: "DEBT", eventCode: " ", customerId: "C1", whenToCreate: nil), "eventCode"),
        (WorkflowEventInput(eventType: "DEBT", eventCode: "DB-AR", customerId: "C1", whenToCreate: nil), "eventCode"),
        (WorkflowEventInput(eventType: "DEBT", eventCode: "DBAR", customerId: "C1", whenToCreate: "Later"), "whenToCreate"),
        (WorkflowEventInput(eventType: "DEBT", eventCode: "DBAR", whenToCreate: nil), "customerId"),
        (WorkflowEventInput(eventType: "DEBT", eventCode: "DBAR", accountId: "A404", whenToCreate: nil), "accountId"),
        (WorkflowEventInput(eventType: "DEBT", eventCode: "DBAR", customerId: "C1", whenToCreate: nil, priority: 9), "priority"),
        (WorkflowEventInput(eventType: "DEBT", eventCode: "DBAR", customerId: "C1", whenToCreate: nil, fields: ["bad name": "x"]),
         "fields.bad name"),
    ])
    func rejectedEventNamesTheFieldAndLeavesNothing(input: WorkflowEventInput, field: String) async throws {
        let (intake, store, _) = try await Self.intake()
        let error = await heraldError { _ = try await intake.raise(input, idempotency: nil, actor: "a") }
        #expect(error?.kind == .invalidInput)
        #expect(error?.field == field)
        #expect(try await store.requests(RequestQuery()).items.isEmpty)
    }

    @Test func externalTriggerIsIdempotentByTriggerId() async throws {
        let (intake, store, _) = try await Self.intake()
        let input = ExternalTriggerInput(triggerId: "ocs-1", source: "ocs", action: "sendComm", commsCode: "DATA_80", subscriptionId: "S1",
                                         fields: ["PERCENT": "80"])
        let first = try await intake.external(input, bodyHash: "h1", actor: "api:ocs")
        let again = try await intake.external(input, bodyHash: "h1", actor: "api:ocs")
        #expect(again == SubmissionResult(requestIds: first.requestIds, eventId: nil, replayed: true))
        let r = try #require(try await store.request(id: first.requestIds[0])).request
        #expect(r.externalTriggerId == "ocs-1" && r.source == .externalTrigger)
        let conflict = await heraldError { _ = try await intake.external(input, bodyHash: "h2", actor: "api:ocs") }
        #expect(conflict?.kind == .conflict)
        #expect(try await Fixtures.allRequests(store).count == 1)
    }

    @Test(arguments: [
        (ExternalTriggerInput(triggerId: nil, action: "sendComm", commsCode: "DATA_80", customerId: "C1"), "triggerId"),
        (ExternalTriggerInput(triggerId: "t", action: nil, commsCode: "DATA_80", customerId: "C1"), "action"),
        (ExternalTriggerInput(triggerId: "t", action: "dance", commsCode: "DATA_80", customerId: "C1"), "action"),
        (ExternalTriggerInput(triggerId: "t", action: "sendComm", commsCode: "NOPE", customerId: "C1"), "commsCode"),
        (ExternalTriggerInput(triggerId: "t", action: "raiseEvent", eventType: "DEBT", customerId: "C1"), "eventCode"),
    ])
    func rejectedExternalTrigger(input: ExternalTriggerInput, field: String) async throws {
        let (intake, store, _) = try await Self.intake()
        let error = await heraldError { _ = try await intake.external(input, bodyHash: "h", actor: "a") }
        #expect(error?.field == field)
        #expect(try await store.requests(RequestQuery()).items.isEmpty)
    }
}
