import Foundation
import HeraldCatalog
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import HeraldTransports
import StandardWebhooks
import Logging

/// `herald demo`: writes a sample catalog and customers into a data folder, fires triggers that
/// cover every delivery method, an OnCreate and an OnResolve workflow event, an external
/// notification, an opt-out and a missing address; runs the pipeline until quiet and reports
/// one row per request. `herald serve --data-dir` on the same folder then serves that data.
public enum HeraldDemo {
    /// One line of the result table.
    public struct Row: Sendable, Hashable {
        public var requestId: String
        public var commsCode: String
        public var method: String
        public var requestStatus: RequestStatus
        public var distributionStatus: DistributionStatus?
        public var target: String
        public var note: String
        /// Where the storage step put the comm's document (emails and letters), if it did.
        public var storedLocation: String? = nil
    }

    /// The file that marks a folder as the demo's own, so the demo never wipes other data.
    static let marker = ".herald-demo"

    /// Prepares `dataDirectory` (refusing a folder that holds anything but an earlier demo),
    /// runs the demo and returns its rows.
    public static func run(dataDirectory: URL, logger: Logger) async throws -> [Row] {
        try await run(dataDirectory: dataDirectory, logger: logger, letters: .outbox).rows
    }

    /// The demo; with `letters: .print` its letters go to a print bureau folder
    /// (`<data-dir>/print-bureau/inbox`) in a batch, closed at once rather than at the cut-off,
    /// and a return file from the "bureau" (`posted` for each letter) is then applied. `notes`
    /// says what happened to the batch.
    public static func run(dataDirectory: URL, logger: Logger, letters: PrintSettings.Transport) async throws -> (rows: [Row], notes: [String]) {
        try prepare(dataDirectory)
        // External comms go to a local stand-in for the PORTAL system by signed webhook.
        let portal = DemoWebhookReceiver(secret: WebhookSecret.generate())
        return try await portal.serve { base in
            let url = base + DemoWebhookReceiver.portalPath
            var settings = HeraldSettings(dataDirectory: dataDirectory)
            settings.print.transport = letters
            settings.external.transport = .webhook
            var routes = ExternalRouteSettings()
            routes.systems = ExternalSystems([ExternalSystem(name: "PORTAL", url: url, secret: portal.secret)])
            routes.allowPrivateTargets = true  // the stand-in listens on loopback
            settings.externalRoutes = routes
            // The billing system subscribes to status callbacks of its bills (the stand-in again).
            settings.callbacks.subscriptions = [WebhookSubscription(
                id: WebhookSubscription.configID("BILLING"), url: base + DemoWebhookReceiver.callbackPath, secret: portal.secret.serialized,
                commsCodes: ["BILL_READY", "PAYMENT_REMINDER"], origin: .config, createdAt: Date())]
            settings.callbacks.allowPrivateTargets = true
            try SampleCatalog.write(to: settings.catalogDirectory)
            let runtime = try await HeraldRuntime(settings: settings, logger: logger)
            try await runtime.applyConfiguredSubscriptions()
            try await loadCustomers(runtime.store)
            let notes = try await fireTriggers(runtime)
            try await runtime.runUntilQuiet()
            // The OnResolve event is resolved once its request has waited; then run again.
            if let eventId = notes.pendingEvent {
                _ = try await runtime.intake.resolveEvent(id: eventId, actor: "demo")
                try await runtime.runUntilQuiet()
            }
            var printNotes: [String] = []
            if let route = runtime.printRoute {
                printNotes = try await runPrintBureau(runtime, route: route, dataDirectory: dataDirectory)
            }
            printNotes += try await stepThreeNotes(runtime, requests: notes.requests.map(\.0))
            printNotes += try await statusUpdateNotes(runtime, requests: notes.requests.map(\.0))
            try await runtime.runUntilQuiet()  // the callbacks of those updates
            printNotes += try await callbackNotes(runtime, received: portal.received.filter { $0.path == DemoWebhookReceiver.callbackPath },
                                                  url: base + DemoWebhookReceiver.callbackPath)
            for delivery in portal.received where delivery.path == DemoWebhookReceiver.portalPath {
                printNotes.append("Webhook to PORTAL (\(url)): webhook-id \(delivery.webhookId), signature "
                    + (delivery.verified ? "verified (Standard Webhooks v1, the system's whsec_ secret)" : "NOT verified"))
            }
            var rows: [Row] = []
            for (id, note) in notes.requests {
                guard let detail = try await runtime.store.request(id: id) else { continue }
                rows.append(Row(
                    requestId: id, commsCode: detail.request.commsCode, method: detail.distribution?.method.rawValue ?? "-",
                    requestStatus: detail.request.status, distributionStatus: detail.distribution?.status,
                    target: detail.distribution.map { $0.target.replacingOccurrences(of: "\n", with: ", ") } ?? "-", note: note,
                    storedLocation: detail.storedDocument?.location))
            }
            return (rows, printNotes)
        }
    }

    /// What step 3 made of the push and online comms: each push's title and body as the
    /// provider gets them, and the online inbox of each customer with an online comm, as a
    /// portal reads it (`GET /v1/customers/{id}/inbox`).
    static func stepThreeNotes(_ runtime: HeraldRuntime, requests: [String]) async throws -> [String] {
        var lines: [String] = []
        var inboxes: [String] = []
        for id in requests {
            guard let detail = try await runtime.store.request(id: id), let d = detail.distribution else { continue }
            if d.method == .push {
                let content = PushContent(message: d.message, fields: d.fields)
                let title = content.title.map { "\"\($0)\" " } ?? ""
                lines.append("Push to \(d.target): \(title)\"\(content.body.trimmingCharacters(in: .whitespacesAndNewlines))\" "
                    + "(\(content.apnsPayload().count)-byte payload, \(d.status.rawValue) by the \(runtime.settings.push.transport.rawValue) route)")
            }
            if d.method == .online, let customer = d.target.split(separator: ":").last.map(String.init), !inboxes.contains(customer) {
                inboxes.append(customer)
            }
        }
        for customer in inboxes {
            let page = try await runtime.store.inbox(customerId: customer, limit: 10, cursor: nil)
            lines.append("Online inbox of \(customer) (GET /v1/customers/\(customer)/inbox, role inbox): \(page.items.count) item(s), \(page.unread) unread")
            for item in page.items {
                lines.append("  \(item.commsCode): \"\(item.message.trimmingCharacters(in: .whitespacesAndNewlines).prefix(90))\"")
            }
        }
        return lines
    }

    /// The PORTAL system reporting back (as `POST /v1/status-updates` would): the external comm
    /// was sent by the portal's own app at its own time, then read by the customer.
    static func statusUpdateNotes(_ runtime: HeraldRuntime, requests: [String]) async throws -> [String] {
        var external: String?
        for id in requests where try await runtime.store.request(id: id)?.distribution?.method == .external { external = id }
        guard let id = external else { return [] }
        let sentAt = runtime.clock().addingTimeInterval(-30), readAt = runtime.clock()
        let results = try await runtime.store.applyStatusUpdates([
            StatusUpdate(updateId: "portal-ack-1", comm: .request(id), status: .sent, at: sentAt, actualMethod: .push,
                         actualTarget: "PORTAL app, device 7731", reason: "shown in the portal app"),
            StatusUpdate(updateId: "portal-ack-2", comm: .request(id), status: .read, at: readAt),
            StatusUpdate(updateId: "portal-ack-3", comm: .request("no-such-request"), status: .delivered),
        ], scope: "demo:portal", actor: "system:PORTAL", permit: nil)
        let d = try await runtime.store.request(id: id)?.distribution
        return ["Status updates from PORTAL (POST /v1/status-updates): "
            + results.map { "\($0.updateId) \($0.result.rawValue)" }.joined(separator: ", ")
            + "; the comm now shows actualMethod \(d?.actualMethod?.rawValue ?? "-"), actualTarget \"\(d?.actualTarget ?? "-")\", "
            + "actualSentAt \(d?.actualSentAt?.formatted(.iso8601) ?? "-"), readAt \(d?.readAt?.formatted(.iso8601) ?? "-")"]
    }

    /// What the billing system heard through its status callbacks (`webhooks.subscriptions.BILLING`).
    static func callbackNotes(_ runtime: HeraldRuntime, received: [DemoWebhookReceiver.Delivery], url: String) async throws -> [String] {
        let failed = try await runtime.store.callbackDeliveries(status: .failed, subscriptionId: nil, limit: 10, cursor: nil).items.count
        let verified = received.filter(\.verified).count
        var lines = ["Status callbacks to BILLING (\(url), comms BILL_READY and PAYMENT_REMINDER): \(received.count) signed webhook(s), "
            + "\(verified) verified, \(failed) dead-lettered; in order per comm:"]
        var byRequest: [String: [String]] = [:]
        var order: [String] = []
        for delivery in received {
            guard let object = try? JSONSerialization.jsonObject(with: Data(delivery.body.utf8)) as? [String: Any],
                  let data = object["data"] as? [String: Any], let id = data["requestId"] as? String else { continue }
            if byRequest[id] == nil { order.append(id) }
            let code = data["commsCode"] as? String ?? "?"
            byRequest[id, default: [code]].append("\(data["entity"] as? String ?? "?") \(data["from"] as? String ?? "new") → \(data["to"] as? String ?? "?")")
        }
        for id in order {
            let moves = byRequest[id] ?? []
            lines.append("  \(moves.first ?? "") \(id.suffix(12)): " + moves.dropFirst().joined(separator: ", "))
        }
        return lines
    }

    /// Closes the open batches now, drops them, and plays the bureau: a return file saying each
    /// letter was posted, applied by the returns poller.
    static func runPrintBureau(_ runtime: HeraldRuntime, route: PrintRoute, dataDirectory: URL) async throws -> [String] {
        _ = try await runtime.store.closeOpenPrintBatches(at: runtime.clock())
        try await runtime.runUntilQuiet()
        var notes: [String] = []
        let batches = try await runtime.store.printBatches(limit: 10)
        let returnsFolder = dataDirectory.appendingPathComponent("print-bureau/returns")
        try FileManager.default.createDirectory(at: returnsFolder, withIntermediateDirectories: true)
        var lines = ["pieceId,status,at,reason"]
        for batch in batches {
            notes.append("print batch \(batch.fileName): \(batch.letters) letter(s), \(batch.sheets) sheet(s), \(batch.envelope), "
                         + "\(batch.postage) class, \(batch.status.rawValue) → \(route.target.description)/\(batch.fileName)")
        }
        for (id, _) in try await printedLetters(runtime) {
            lines.append("\(id),posted,\(ISO8601DateFormatter().string(from: runtime.clock())),")
        }
        let file = returnsFolder.appendingPathComponent("returns-demo.csv")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let reports = try await runtime.printReturnsPoller(route).pollOnce()
        for report in reports {
            notes.append("return file \(report.name): \(report.results.count) line(s) applied, \(report.problems.count) problem(s); "
                         + "moved to print-bureau/returns/processed/")
        }
        return notes
    }

    /// The letters the demo sent to the bureau: (distribution id, request id).
    static func printedLetters(_ runtime: HeraldRuntime) async throws -> [(String, String)] {
        var out: [(String, String)] = []
        let page = try await runtime.store.requests(RequestQuery(limit: 100))
        for detail in page.items {
            if let d = detail.distribution, d.method == .letter, d.status == .sent, d.reference?.contains(".zip#") == true {
                out.append((d.id, detail.request.id))
            }
        }
        return out
    }

    static func prepare(_ dir: URL) throws {
        let fm = FileManager.default
        let contents = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
        if !contents.isEmpty && !contents.contains(marker) {
            throw HeraldError.invalid("--data-dir", "\(dir.path) holds data that is not the demo's; choose another --data-dir")
        }
        for name in contents where name != marker {
            try fm.removeItem(at: dir.appendingPathComponent(name))
        }
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("created by herald demo; `herald demo` may wipe this folder\n".utf8).write(to: dir.appendingPathComponent(marker))
    }

    static func loadCustomers(_ store: any CommsStore) async throws {
        try await store.upsertCustomer(Customer(
            id: "C-1001", title: "Ms", firstName: "Zoë", lastName: "Ångström", language: "en", timeZone: "Europe/London",
            email: "zoe@example.net", mobile: "+447700900123",
            postalAddress: PostalAddress(lines: ["Zoë Ångström", "12 Harbour Street", "Bristol"], postcode: "BS1 4AB", country: "GB"),
            pushTokens: [PushToken(platform: "apns", token: "a1b2c3d4e5f6")],
            preferences: Preferences(optOut: [OptOut(method: .sms, category: "marketing")], preferredMethods: [.email, .sms])))
        try await store.upsertAccount(Account(id: "A-2001", customerId: "C-1001", currency: "GBP", amountDue: "123.45"))
        try await store.upsertSubscription(Subscription(id: "S-3001", customerId: "C-1001", accountId: "A-2001", msisdn: "+447700900123", plan: "Unlimited"))

        try await store.upsertCustomer(Customer(
            id: "C-1002", title: "M.", firstName: "Jean", lastName: "Dupont", language: "fr", timeZone: "Europe/Paris",
            email: "jean.dupont@example.fr", mobile: "+33612345678",
            postalAddress: PostalAddress(lines: ["Jean Dupont", "8 rue des Lilas", "Lyon"], postcode: "69003", country: "FR")))
        try await store.upsertAccount(Account(id: "A-2002", customerId: "C-1002", currency: "EUR", amountDue: "56.70"))

        try await store.upsertCustomer(Customer(
            id: "C-1003", title: "Mr", firstName: "Priya", lastName: "Shah", language: "en", timeZone: "Asia/Kolkata",
            mobile: "+919812345678", pushTokens: [PushToken(platform: "fcm", token: "fcm-token-1003")],
            preferences: Preferences(optOut: [OptOut(method: .sms, category: "usage"), OptOut(method: .push, category: "usage")])))
        try await store.upsertSubscription(Subscription(id: "S-3003", customerId: "C-1003", msisdn: "+919812345678", plan: "Data 10GB"))

        try await store.upsertCustomer(Customer(
            id: "C-1004", title: "Mr", firstName: "Tom", lastName: "Baker", language: "en", timeZone: "Europe/London",
            mobile: "+447700900456"))
        try await store.upsertAccount(Account(id: "A-2004", customerId: "C-1004", currency: "GBP", amountDue: "19.99"))

        try await store.upsertCustomer(Customer(
            id: "C-1005", title: "Dr", firstName: "Ana", lastName: "Silva", language: "en", timeZone: "America/Sao_Paulo",
            email: "ana.silva@example.com", mobile: "+5511987654321", pushTokens: [PushToken(platform: "fcm", token: "fcm-token-1005")],
            externalId: "PORTAL-88412", preferences: Preferences(preferredMethods: [.push])))
        try await store.upsertAccount(Account(id: "A-2005", customerId: "C-1005", currency: "BRL", amountDue: "89.90"))
        try await store.upsertSubscription(Subscription(id: "S-3005", customerId: "C-1005", accountId: "A-2005", msisdn: "+5511987654321", plan: "Família 30GB"))
    }

    struct Fired {
        var requests: [(String, String)] = []
        var pendingEvent: String?
    }

    static func fireTriggers(_ runtime: HeraldRuntime) async throws -> Fired {
        let intake = runtime.intake
        var fired = Fired()
        func add(_ result: SubmissionResult, _ note: String) {
            for id in result.requestIds { fired.requests.append((id, note)) }
        }
        add(try await intake.submit(CommsRequestInput(commsCode: "WELCOME", accountId: "A-2001", fields: ["OFFERCODE": "SPRING"]),
                                    idempotency: nil, actor: "demo"), "API, preferred email")
        add(try await intake.submit(CommsRequestInput(commsCode: "WELCOME", customerId: "C-1002", deliveryMethod: "sms"),
                                    idempotency: nil, actor: "demo"), "API, override sms, French")
        add(try await intake.raise(WorkflowEventInput(eventType: "DEBT", eventCode: "DBAR", accountId: "A-2002", whenToCreate: "OnCreate"),
                                   idempotency: nil, actor: "demo"), "event DEBT/DBAR OnCreate")
        let onResolve = try await intake.raise(
            WorkflowEventInput(eventType: "DEBT", eventCode: "DBAR", accountId: "A-2001", whenToCreate: "OnResolve"), idempotency: nil, actor: "demo")
        add(onResolve, "event DEBT/DBAR OnResolve, resolved")
        fired.pendingEvent = onResolve.eventId
        // The charging system's notification in the External Trigger schema of the system we
        // re-build: it names the configured trigger DATA_80_PCT, which sends DATA_80.
        add(try await intake.notification(
            ExternalTriggerNotification(
                transmitDateTime: "2026-12-01T09:30:00Z", channel: "OCS",
                hierarchyEntity: .init(type: "SUBSCRIPTION", reference: "S-3001"), uniqueReference: "OCS-80-0001",
                triggerId: "DATA_80_PCT", attributes: [.init(name: "PERCENT", value: "80")]),
            bodyHash: "demo-ocs-1", actor: "demo"), "external trigger (OCS)")
        add(try await intake.submit(CommsRequestInput(commsCode: "DATA_80", subscriptionId: "S-3005", fields: ["PERCENT": "80"]),
                                    idempotency: nil, actor: "demo"), "preferred push")
        add(try await intake.submit(CommsRequestInput(commsCode: "BILL_READY", accountId: "A-2005"), idempotency: nil, actor: "demo"),
            "online inbox")
        add(try await intake.submit(CommsRequestInput(commsCode: "PORTING_NOTICE", subscriptionId: "S-3005",
                                                      fields: ["PORTDATE": "2026-12-04", "RECIPIENTNETWORK": "Vivo"]), idempotency: nil, actor: "demo"),
            "external system, signed webhook")
        add(try await intake.submit(CommsRequestInput(commsCode: "DATA_80", subscriptionId: "S-3003", fields: ["PERCENT": "80"]),
                                    idempotency: nil, actor: "demo"), "opted out of sms and push")
        add(try await intake.submit(CommsRequestInput(commsCode: "PAYMENT_REMINDER", accountId: "A-2004"), idempotency: nil, actor: "demo"),
            "no address, no email")
        return fired
    }

    /// The rows as a fixed-width table.
    public static func table(_ rows: [Row]) -> String {
        let header = ["REQUEST", "CODE", "METHOD", "REQUEST STATUS", "DISTRIBUTION", "TARGET", "WHY"]
        let body = rows.map { r in
            [r.requestId, r.commsCode, r.method, "\(r.requestStatus.rawValue) (\(r.requestStatus.code))",
             r.distributionStatus.map { "\($0.rawValue) (\($0.code))" } ?? "-", String(r.target.prefix(34)), r.note]
        }
        var widths = header.map(\.count)
        for line in body { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ([format(header), format(widths.map { String(repeating: "-", count: $0) })] + body.map(format)).joined(separator: "\n")
    }
}
