import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// The Comms Monitor: claims requests awaiting processing (priority, then age), chooses the
/// delivery method and target, computes the default fields, merges SMS/push/online/external
/// text, and writes the distribution; the request becomes `processed`, or `notSent`,
/// `optedOut` or `error` with the reason recorded and a "comms not sent" workflow event raised.
public struct CommsMonitor: Service {
    public let loop: ClaimLoop
    public let catalog: any TemplateCatalog
    public let fields: DefaultFieldRegistry
    /// Whether email addresses with a non-ASCII local part are usable (`HERALD_SMTP_SMTPUTF8`).
    public let smtpUTF8: Bool
    let metrics = StageMetrics(stage: .monitor)

    /// The actor written into history rows.
    public static let actor = "comms-monitor"

    public init(loop: ClaimLoop, catalog: any TemplateCatalog, fields: DefaultFieldRegistry = .standard, smtpUTF8: Bool = false) {
        precondition(loop.stage == .monitor, "the Comms Monitor runs the monitor stage")
        self.loop = loop
        self.catalog = catalog
        self.fields = fields
        self.smtpUTF8 = smtpUTF8
    }

    public func run() async throws {
        await loop.run { items, ticket in try await self.handle(items, ticket: ticket) }
    }

    /// Processes and commits one claimed batch; rings the stages it fed.
    public func handle(_ items: [WorkItem], ticket: ClaimTicket) async throws {
        let started = ContinuousClock.now
        let changes = try await decide(items)
        let report = try await loop.store.commit(changes, ticket: ticket)
        if !report.conflicts.isEmpty {
            loop.logger.notice("requests changed while processing; skipped", metadata: ["herald.conflicts": "\(report.conflicts.count)"])
        }
        var fed = Set<Stage>()
        let conflicted = Set(report.conflicts)
        for c in changes where !conflicted.contains(c.requestId) {
            if let d = c.newDistribution { fed.insert(d.method.isMergedLater ? .merge(d.method) : .send(d.method)) }
            if let to = c.request?.to { metrics.outcome(to.rawValue) }
        }
        for s in fed { loop.signals.ring(s) }
        metrics.batch(size: items.count, duration: ContinuousClock.now - started)
    }

    /// The units of work for a batch, without writing anything.
    public func decide(_ items: [WorkItem]) async throws -> [Change] {
        let contexts = try await loop.store.contexts(for: items.map(\.request.target))
        var events: [String: WorkflowEvent] = [:]
        for id in Set(items.compactMap(\.request.workflowEventId)) {
            events[id] = try await loop.store.workflowEvent(id: id)
        }
        // Hard-bounced email addresses count as no email target.
        let emails = Set(contexts.values.compactMap { $0.customer.email?.trimmingCharacters(in: .whitespaces) })
        let suppressed = emails.isEmpty ? [] : try await loop.store.suppressed(Array(emails))
        let now = loop.clock()
        return items.map { item in
            decide(item.request, context: contexts[item.request.target],
                   event: item.request.workflowEventId.flatMap { events[$0] }, now: now, suppressedEmails: suppressed)
        }
    }

    func decide(_ request: CommsRequest, context: TargetContext?, event: WorkflowEvent?, now: Date, suppressedEmails: Set<String> = []) -> Change {
        guard let code = catalog.code(request.commsCode) else {
            return notProcessed(request, .error, kind: .error, reason: "comms code \(request.commsCode) is not in the catalog", now: now)
        }
        guard let context else {
            return notProcessed(request, .notSent, kind: .notSent, reason: "target \(request.target) no longer exists", now: now)
        }
        switch MethodSelection.decide(code: code, override: request.overrideMethod, context: context, suppressedEmails: suppressedEmails,
                                      smtpUTF8: smtpUTF8) {
        case .optedOut(let reason):
            return notProcessed(request, .optedOut, kind: .optedOut, reason: reason, now: now)
        case .notSent(let reason):
            return notProcessed(request, .notSent, kind: .notSent, reason: reason, now: now)
        case .send(let method, let target, let alias):
            let customer = context.customer
            let merged = fields.fields(for: MergeContext(target: context, event: event, now: now), trigger: request.fields)
            var excludedUntil: Date?
            if QuietHours.heldMethods.contains(method), let quiet = customer.preferences.quietHours {
                excludedUntil = try? quiet.excludedUntil(now: now, fallbackTimeZone: customer.timeZone)
            }
            var message: String?
            if !method.isMergedLater {
                do {
                    message = try catalog.render(code: code.code, method: method, part: .body, language: customer.language, fields: merged)
                } catch {
                    return notProcessed(request, .error, kind: .error, reason: "merge of \(method.rawValue) template failed: \(error)", now: now)
                }
            }
            var distributionFields = method.isMergedLater ? merged : [:]
            if method == .push {
                switch pushFields(code: code, request: request, message: message ?? "", language: customer.language, fields: merged) {
                case .success(let f): distributionFields = f
                case .failure(let error): return notProcessed(request, .error, kind: .error, reason: error.message, now: now)
                }
            }
            let distribution = Distribution(
                id: Identifier.make(now: now), requestId: request.id, method: method, target: target, alias: alias,
                status: method.initialDistributionStatus, message: message,
                fields: distributionFields, language: customer.language,
                excludedUntil: excludedUntil, createdAt: now)
            let reason = excludedUntil.map { "quiet hours: held until \($0.formatted(.iso8601))" }
            // Claimed requests are `awaitingProcessing`, so A → P is legal; were it not, the unit
            // would move nothing and the store refuses such a unit (reported as a conflict).
            guard let t = try? RequestTransition(requestId: request.id, from: request.status, to: .processed, actor: Self.actor, reason: reason, at: now) else {
                return Change(requestId: request.id)
            }
            return Change(requestId: request.id, request: t, newDistribution: distribution)
        }
    }

    /// The push attributes of a push distribution (``PushFields``): the merged title, the code's
    /// badge, sound, data, collapse id, priority and type, and the expiry — the trigger's
    /// `expiresAt` field (ISO 8601) when given, else the request's creation plus the code's
    /// `push.ttlSeconds`. Fails when the APNs payload would be over 4 KB.
    func pushFields(code: CommsCode, request: CommsRequest, message: String, language: String, fields: [String: String]) -> Result<[String: String], HeraldError> {
        var out: [String: String] = [:]
        let title = try? catalog.render(code: code.code, method: .push, part: .title, language: language, fields: fields)
        if let title, !title.isEmpty { out[PushFields.title] = title }
        let settings = code.push ?? CommsCode.PushSettings()
        if let badge = settings.badge { out[PushFields.badge] = String(badge) }
        if let sound = settings.sound { out[PushFields.sound] = sound }
        if !settings.data.isEmpty { out[PushFields.data] = StringMapJSON.encode(settings.data) }
        if let collapseId = settings.collapseId { out[PushFields.collapseId] = collapseId }
        if let priority = settings.priority { out[PushFields.priority] = String(priority) }
        if let type = settings.pushType { out[PushFields.pushType] = type }
        if let given = request.fields["expiresAt"], let at = try? Date(given, strategy: .iso8601) {
            out[PushFields.expiresAt] = at.formatted(.iso8601)
        } else if let ttl = settings.ttlSeconds {
            out[PushFields.expiresAt] = request.createdAt.addingTimeInterval(TimeInterval(ttl)).formatted(.iso8601)
        }
        let size = PushContent(message: message, fields: out).apnsPayload().count
        guard size <= PushContent.maxPayloadBytes else {
            return .failure(HeraldError.invalid("push", "push payload of \(size) bytes is over the 4,096-byte limit of APNs and FCM"))
        }
        return .success(out)
    }

    /// A request that ends without a distribution: its reason is recorded and a "comms not
    /// sent" workflow event raised for agents.
    func notProcessed(_ request: CommsRequest, _ status: RequestStatus, kind: RequestProblem.Kind, reason: String, now: Date) -> Change {
        let event = WorkflowEvent.commsNotSent(request, reason: reason, at: now)
        let t = try? RequestTransition(requestId: request.id, from: request.status, to: status, actor: Self.actor, reason: reason, at: now)
        return Change(requestId: request.id, request: t, problems: [RequestProblem(kind: kind, reason: reason, at: now)], raisedEvents: [event])
    }
}
