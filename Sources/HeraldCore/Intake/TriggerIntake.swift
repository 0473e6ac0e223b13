import Foundation

/// Turns triggers (API calls, workflow events, external notifications, import lines) into
/// stored request headers. Validates everything first, so a rejected trigger leaves no row,
/// then stores the trigger atomically and wakes the Comms Monitor. Used by the HTTP API and by
/// `herald import` alike.
public struct TriggerIntake: Sendable {
    public let store: any CommsStore
    public let catalog: any TemplateCatalog
    public let signals: WorkSignals
    public let clock: @Sendable () -> Date
    /// How long an idempotency key is remembered (24 h).
    public var idempotencyWindow: Duration = .seconds(24 * 3600)

    public init(store: any CommsStore, catalog: any TemplateCatalog, signals: WorkSignals, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.catalog = catalog
        self.signals = signals
        self.clock = clock
    }

    // MARK: Comms requests

    /// Validates and builds (does not store) the request of a `CommsRequestInput`.
    public func prepare(_ input: CommsRequestInput, actor: String, source: RequestSource, externalTriggerId: String? = nil) async throws -> CommsRequest {
        try await prepare(input, actor: actor, source: source, externalTriggerId: externalTriggerId, targetChecked: false)
    }

    /// Validates and builds (does not store) the request of a `CommsRequestInput` for a batch
    /// written with ``CommsStore/submitBatch(_:idempotencyWindow:)`` (`herald import`): reads
    /// nothing when the input is valid, leaving the target's existence to the store, which checks
    /// it in the transaction that writes the request and returns a per-item failure naming an
    /// unknown target in the same words as `prepare`. An input refused on a later rule is checked
    /// against the store first, so it still names an unknown target first.
    public func prepareForBatch(_ input: CommsRequestInput, actor: String, source: RequestSource,
                                externalTriggerId: String? = nil) async throws -> CommsRequest {
        try await prepare(input, actor: actor, source: source, externalTriggerId: externalTriggerId, targetChecked: true)
    }

    /// `targetChecked: true` leaves the target's existence to the store, which checks it in
    /// the transaction that writes the request (the trigger path: no read before the write).
    /// A trigger refused on a later rule still names an unknown target first, as before.
    func prepare(_ input: CommsRequestInput, actor: String, source: RequestSource, externalTriggerId: String?,
                 targetChecked: Bool) async throws -> CommsRequest {
        let code = try commsCode(input.commsCode, field: "commsCode")
        let target = try Self.target(customerId: input.customerId, accountId: input.accountId, subscriptionId: input.subscriptionId)
        if !targetChecked { try await checkExists(target) }
        do {
            return try await prepareRest(input, code: code, target: target, actor: actor, source: source, externalTriggerId: externalTriggerId)
        } catch {
            if targetChecked { try await checkExists(target) }
            throw error
        }
    }

    private func prepareRest(_ input: CommsRequestInput, code: CommsCode, target: TargetRef, actor: String, source: RequestSource,
                             externalTriggerId: String?) async throws -> CommsRequest {
        let priority = try Self.priority(input.priority, default: code.priority)
        var override: DeliveryMethod?
        if let raw = input.deliveryMethod {
            guard let m = DeliveryMethod(rawValue: raw) else {
                throw HeraldError.invalid("deliveryMethod", "unknown delivery method '\(raw)'; expected one of \(DeliveryMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard code.methods.contains(m) else {
                throw HeraldError.invalid("deliveryMethod", "comms code \(code.code) does not allow \(m.rawValue); it allows \(code.methods.map(\.rawValue).joined(separator: ", "))")
            }
            override = m
        }
        let fields = try Self.checkFields(input.fields ?? [:], for: code)
        if let copyOf = input.copyOf, try await store.request(id: copyOf) == nil {
            throw HeraldError.invalid("copyOf", "no request \(copyOf)")
        }
        let now = clock()
        return CommsRequest(
            id: Identifier.make(now: now), commsCode: code.code, priority: priority, status: .awaitingProcessing, target: target,
            externalTriggerId: externalTriggerId, overrideMethod: override, copyOf: input.copyOf, fields: fields,
            source: source, createdBy: actor, createdAt: now)
    }

    /// Validates and stores one comms request; returns the stored result.
    public func submit(_ input: CommsRequestInput, idempotency: TriggerSubmission.Idempotency?, actor: String,
                       source: RequestSource = .api) async throws -> SubmissionResult {
        try await accept(input, idempotency: idempotency, actor: actor, source: source).result
    }

    /// Validates and stores one comms request; returns the stored result and, when it was
    /// stored now (not a replay), the request as written, so an answer needs no read-back.
    ///
    /// The path reads nothing before its write: a live idempotency key and the target are
    /// checked by the store inside the (shared) write transaction. Only a trigger that fails
    /// validation looks its key up first, so a retry still gets its first answer after the
    /// catalog changed.
    public func accept(_ input: CommsRequestInput, idempotency: TriggerSubmission.Idempotency?, actor: String,
                       source: RequestSource = .api) async throws -> (result: SubmissionResult, stored: CommsRequest?) {
        let idempotency = Self.scoped(idempotency, actor: actor)
        let request: CommsRequest
        do {
            request = try await prepare(input, actor: actor, source: source, externalTriggerId: nil, targetChecked: true)
        } catch {
            if let idempotency, let earlier = try await store.replay(idempotency) { return (earlier, nil) }
            throw error
        }
        let result = try await store.submit(
            TriggerSubmission(requests: [request], idempotency: idempotency, actor: actor), idempotencyWindow: idempotencyWindow)
        if !result.replayed { signals.ring(.monitor) }
        return (result, result.replayed ? nil : request)
    }

    // MARK: Workflow events

    /// Validates and builds a workflow event with one request per active comms code linked to
    /// its event code (`awaitingProcessing` for OnCreate, `awaitingEventResolution` for OnResolve).
    public func prepare(_ input: WorkflowEventInput, actor: String, source: RequestSource, externalTriggerId: String? = nil) async throws -> TriggerSubmission {
        try await prepare(input, actor: actor, source: source, externalTriggerId: externalTriggerId, targetChecked: false)
    }

    /// Validates and builds a workflow event for a batch written with
    /// ``CommsStore/submitBatch(_:idempotencyWindow:)`` (`herald import`). An event with
    /// requests reads nothing when the input is valid: the store checks their target (the
    /// event's) in the transaction that writes them and returns a per-item failure naming an
    /// unknown target. An event no active comms code is linked to has no request for the store
    /// to check, so its target is checked here; so is the target of an input refused on a later
    /// rule, which still names an unknown target first.
    public func prepareForBatch(_ input: WorkflowEventInput, actor: String, source: RequestSource,
                                externalTriggerId: String? = nil) async throws -> TriggerSubmission {
        let submission = try await prepare(input, actor: actor, source: source, externalTriggerId: externalTriggerId, targetChecked: true)
        if submission.requests.isEmpty, let event = submission.event { try await checkExists(event.target) }
        return submission
    }

    func prepare(_ input: WorkflowEventInput, actor: String, source: RequestSource, externalTriggerId: String?,
                 targetChecked: Bool) async throws -> TriggerSubmission {
        guard let type = input.eventType?.trimmingCharacters(in: .whitespaces), !type.isEmpty else {
            throw HeraldError.invalid("eventType", "eventType is required")
        }
        guard let eventCode = input.eventCode?.trimmingCharacters(in: .whitespaces), !eventCode.isEmpty else {
            throw HeraldError.invalid("eventCode", "eventCode is required")
        }
        guard eventCode.count <= 8, eventCode.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw HeraldError.invalid("eventCode", "eventCode must be a short code of letters and digits (e.g. DBAR)")
        }
        let when: WorkflowEvent.WhenToCreate
        switch input.whenToCreate {
        case nil, "OnCreate": when = .onCreate
        case "OnResolve": when = .onResolve
        case let other?: throw HeraldError.invalid("whenToCreate", "expected OnCreate or OnResolve, got '\(other)'")
        }
        let target = try Self.target(customerId: input.customerId, accountId: input.accountId, subscriptionId: input.subscriptionId)
        if !targetChecked { try await checkExists(target) }
        do {
            return try prepareRest(input, type: type, eventCode: eventCode, when: when, target: target, actor: actor, source: source,
                                   externalTriggerId: externalTriggerId)
        } catch {
            if targetChecked { try await checkExists(target) }
            throw error
        }
    }

    private func prepareRest(_ input: WorkflowEventInput, type: String, eventCode: String, when: WorkflowEvent.WhenToCreate,
                             target: TargetRef, actor: String, source: RequestSource, externalTriggerId: String?) throws -> TriggerSubmission {
        if let p = input.priority { _ = try Self.priority(p, default: 2) }
        for name in (input.fields ?? [:]).keys.sorted() where !FieldName.isValid(name) {
            throw HeraldError.invalid("fields.\(name)", "field names are letters, digits and underscores, starting with a letter")
        }
        let now = clock()
        let event = WorkflowEvent(id: Identifier.make(now: now), eventType: type, eventCode: eventCode, target: target,
                                  whenToCreate: when, createdAt: now)
        var requests: [CommsRequest] = []
        for code in catalog.codes(linkedToEventType: type, eventCode: eventCode) where code.active {
            let fields = try Self.checkFields(input.fields ?? [:], for: code)
            requests.append(CommsRequest(
                id: Identifier.make(now: now), commsCode: code.code, priority: try Self.priority(input.priority, default: code.priority),
                status: when == .onCreate ? .awaitingProcessing : .awaitingEventResolution, target: target,
                workflowEventId: event.id, externalTriggerId: externalTriggerId, fields: fields, source: source,
                createdBy: actor, createdAt: now))
        }
        return TriggerSubmission(requests: requests, event: event, actor: actor)
    }

    /// Validates and stores a workflow event and its requests.
    public func raise(_ input: WorkflowEventInput, idempotency: TriggerSubmission.Idempotency?, actor: String,
                      source: RequestSource = .workflowEvent) async throws -> SubmissionResult {
        let idempotency = Self.scoped(idempotency, actor: actor)
        if let idempotency, let earlier = try await store.replay(idempotency) { return earlier }
        var submission = try await prepare(input, actor: actor, source: source)
        submission.idempotency = idempotency
        let result = try await store.submit(submission, idempotencyWindow: idempotencyWindow)
        if !result.replayed { signals.ring(.monitor) }
        return result
    }

    /// Resolves an event: its waiting requests become `awaitingProcessing`.
    public func resolveEvent(id: String, actor: String) async throws -> [String] {
        let ids = try await store.resolveEvent(id: id, actor: actor, at: clock())
        signals.ring(.monitor)
        return ids
    }

    /// Cancels an event: its waiting requests become `cancelled`.
    public func cancelEvent(id: String, actor: String) async throws -> [String] {
        try await store.cancelEvent(id: id, actor: actor, at: clock())
    }

    // MARK: External triggers

    /// Validates and stores an external notification. Its idempotency key is always
    /// `external:<source>:<triggerId>` (the sender's own id of the notification), so a sender's
    /// retry is harmless whatever headers it sends; `bodyHash` detects a different notification
    /// reusing a trigger id.
    public func external(_ input: ExternalTriggerInput, bodyHash: String, actor: String) async throws -> SubmissionResult {
        guard let triggerId = input.triggerId, !triggerId.isEmpty else {
            throw HeraldError.invalid("triggerId", "triggerId is required")
        }
        let idem = TriggerSubmission.Idempotency(key: "external:\(input.source ?? "-"):\(triggerId)", bodyHash: bodyHash)
        if let earlier = try await store.replay(idem) { return earlier }
        switch input.action {
        case "sendComm":
            let request = try await prepare(
                CommsRequestInput(commsCode: input.commsCode, customerId: input.customerId, accountId: input.accountId,
                                  subscriptionId: input.subscriptionId, priority: input.priority, fields: input.fields),
                actor: actor, source: .externalTrigger, externalTriggerId: triggerId)
            let result = try await store.submit(TriggerSubmission(requests: [request], idempotency: idem, actor: actor),
                                                idempotencyWindow: idempotencyWindow)
            if !result.replayed { signals.ring(.monitor) }
            return result
        case "raiseEvent":
            var submission = try await prepare(
                WorkflowEventInput(eventType: input.eventType, eventCode: input.eventCode, customerId: input.customerId,
                                   accountId: input.accountId, subscriptionId: input.subscriptionId,
                                   whenToCreate: input.whenToCreate, priority: input.priority, fields: input.fields),
                actor: actor, source: .externalTrigger, externalTriggerId: triggerId)
            submission.idempotency = idem
            let result = try await store.submit(submission, idempotencyWindow: idempotencyWindow)
            if !result.replayed { signals.ring(.monitor) }
            return result
        case nil:
            throw HeraldError.invalid("action", "action is required: sendComm or raiseEvent")
        case let other?:
            throw HeraldError.invalid("action", "unknown action '\(other)'; expected sendComm or raiseEvent")
        }
    }

    /// An external notification in the form of the system we re-build
    /// (``ExternalTriggerNotification``): validated field by field, its trigger resolved in the
    /// catalog, its attributes mapped to merge fields; then a comm or a workflow event as the
    /// trigger says, keyed by channel + unique reference (or serial number), so the same
    /// notification sent again is a replay answered as the first time.
    public func notification(_ n: ExternalTriggerNotification, bodyHash: String, actor: String) async throws -> SubmissionResult {
        _ = try n.validated()
        let idem = n.idempotencyKey.map { TriggerSubmission.Idempotency(key: $0, bodyHash: bodyHash) }
        if let idem, let earlier = try await store.replay(idem) { return earlier }
        var submission = try await prepareNotification(n, actor: actor, forBatch: false)
        submission.idempotency = idem
        let result = try await store.submit(submission, idempotencyWindow: idempotencyWindow)
        if !result.replayed { signals.ring(.monitor) }
        return result
    }

    /// Validates and builds (does not store) the comm or event of an external notification:
    /// its trigger resolved in the catalog, its attributes mapped to merge fields, created by
    /// `<actor>/<channel>` with the notification's unique reference (else serial number, else
    /// trigger id) as `externalTriggerId`. `forBatch` leaves the target's existence to the store
    /// (`herald import`). The caller sets the idempotency (``ExternalTriggerNotification/idempotencyKey``).
    public func prepareNotification(_ n: ExternalTriggerNotification, actor: String, forBatch: Bool) async throws -> TriggerSubmission {
        let (channel, triggerId, target) = try n.validated()
        guard let trigger = catalog.trigger(triggerId) else {
            throw HeraldError.invalid("triggerId", "no trigger '\(triggerId)' is configured (catalog triggers/\(triggerId).json)")
        }
        let fields = try trigger.fields(from: n.attributes ?? [])
        let audit = n.uniqueReference ?? n.serialNumber ?? triggerId
        let accountId = target.kind == .account ? target.id : nil
        let subscriptionId = target.kind == .subscription ? target.id : nil
        let sender = "\(actor)/\(channel)"
        switch trigger.action {
        case .sendComm(let code):
            let input = CommsRequestInput(commsCode: code, accountId: accountId, subscriptionId: subscriptionId, priority: trigger.priority, fields: fields)
            let request = forBatch
                ? try await prepareForBatch(input, actor: sender, source: .externalTrigger, externalTriggerId: audit)
                : try await prepare(input, actor: sender, source: .externalTrigger, externalTriggerId: audit)
            return TriggerSubmission(requests: [request], actor: sender)
        case .raiseEvent(let eventType, let eventCode, let whenToCreate):
            let input = WorkflowEventInput(eventType: eventType, eventCode: eventCode, accountId: accountId, subscriptionId: subscriptionId,
                                           whenToCreate: whenToCreate, priority: trigger.priority, fields: fields)
            return forBatch
                ? try await prepareForBatch(input, actor: sender, source: .externalTrigger, externalTriggerId: audit)
                : try await prepare(input, actor: sender, source: .externalTrigger, externalTriggerId: audit)
        }
    }

    // MARK: Idempotency scope

    /// Keys are scoped by who sent them (`<actor>|<key>`), so two systems choosing the same key
    /// never receive each other's requests, and API keys never collide with import keys.
    public static func scoped(_ idempotency: TriggerSubmission.Idempotency?, actor: String) -> TriggerSubmission.Idempotency? {
        idempotency.map { .init(key: "\(actor)|\($0.key)", bodyHash: $0.bodyHash) }
    }

    /// The key as its sender gave it (for messages).
    public static func unscoped(_ key: String) -> String {
        guard let bar = key.firstIndex(of: "|") else { return key }
        return String(key[key.index(after: bar)...])
    }

    // MARK: Validation

    func commsCode(_ raw: String?, field: String) throws -> CommsCode {
        guard let raw, !raw.isEmpty else { throw HeraldError.invalid(field, "\(field) is required") }
        guard let code = catalog.code(raw) else { throw HeraldError.invalid(field, "unknown comms code '\(raw)'") }
        guard code.active else { throw HeraldError.invalid(field, "comms code '\(raw)' is inactive") }
        return code
    }

    /// Exactly one of the three target ids, naming a stored row.
    public func resolveTarget(customerId: String?, accountId: String?, subscriptionId: String?) async throws -> TargetRef {
        let target = try Self.target(customerId: customerId, accountId: accountId, subscriptionId: subscriptionId)
        try await checkExists(target)
        return target
    }

    /// Exactly one of the three target ids (no I/O).
    static func target(customerId: String?, accountId: String?, subscriptionId: String?) throws -> TargetRef {
        let given: [(TargetRef.Kind, String)] = [
            (.customer, customerId), (.account, accountId), (.subscription, subscriptionId),
        ].compactMap { kind, id in id.map { (kind, $0) } }
        guard given.count == 1, let (kind, id) = given.first else {
            if given.isEmpty {
                throw HeraldError.invalid("customerId", "a target is required: exactly one of customerId, accountId, subscriptionId")
            }
            throw HeraldError.invalid(given[1].0.field, "exactly one target is allowed; got \(given.map(\.0.field).joined(separator: " and "))")
        }
        return TargetRef(kind, id)
    }

    /// Throws naming the target when no such row is stored.
    func checkExists(_ target: TargetRef) async throws {
        let (kind, id) = (target.kind, target.id)
        let exists: Bool
        switch kind {
        case .customer: exists = try await store.customer(id: id) != nil
        case .account: exists = try await store.account(id: id) != nil
        case .subscription: exists = try await store.subscription(id: id) != nil
        }
        guard exists else { throw HeraldError.invalid(kind.field, "unknown \(kind.rawValue) '\(id)'") }
    }

    static func priority(_ p: Int?, default d: Int) throws -> Int {
        guard let p else { return d }
        guard (1...3).contains(p) else { throw HeraldError.invalid("priority", "priority must be 1, 2 or 3; got \(p)") }
        return p
    }

    /// Field names are upper-case identifiers; required fields must be present and non-empty.
    static func checkFields(_ fields: [String: String], for code: CommsCode) throws -> [String: String] {
        for name in fields.keys.sorted() where !FieldName.isValid(name) {
            throw HeraldError.invalid("fields.\(name)", "field names are letters, digits and underscores, starting with a letter")
        }
        for name in code.requiredFields where (fields[name] ?? "").isEmpty {
            throw HeraldError.invalid("fields.\(name)", "comms code \(code.code) requires field \(name)")
        }
        return fields
    }
}

/// Merge-field names: `[A-Za-z][A-Za-z0-9_]*`, at most 64 characters.
public enum FieldName {
    public static func isValid(_ s: String) -> Bool {
        guard let first = s.first, first.isASCII, first.isLetter, s.count <= 64 else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
