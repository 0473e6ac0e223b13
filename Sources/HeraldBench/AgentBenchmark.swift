import Foundation
import GRDB
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldSQLite
import Logging

/// `herald bench agent [--requests 1000000] [--customers 100000] [--connections 8] [--seconds 10]`:
/// AgentView as agents use it, on a store the size of a real one.
///
/// Fills a scratch store with `--customers` customers (each with an account and a subscription)
/// and `--requests` sent SMS comms — one comm made by the real pipeline, then copied row by row
/// (request, distribution, its whole history) with new ids, targets and times; the first 1,000
/// customers get 100 comms each, the rest share the others — then starts `herald serve` as its
/// own process, signs an agent in through the sign-in form, and drives each page with `wrk`
/// and the session cookie: a customer page (the 50 newest comms of one of the busy customers),
/// one comm's page, and a search by MSISDN (answered by a redirect to the customer), each over
/// many different customers and comms; every answer must be the page (200, or the search's
/// 303). The anchor, in the same run: `GET /healthz`, the server's ceiling.
public enum AgentBenchmark {
    /// One page's measurement.
    public struct Page: Sendable {
        public var name: String
        var run: Wrk.Run
        /// Answers other than the expected status.
        public var unexpected: Int { run.otherSuccess + run.socketErrors }  // the script counts every other status as `other`
    }

    public struct Result: Sendable {
        public var customers: Int
        public var requests: Int
        public var seedSeconds: Double
        public var connections: Int
        public var pages: [Page]
        var healthz: Wrk.Run
        public var serverExit: Int32?

        public var problems: [String] {
            var list: [String] = []
            for page in pages where page.unexpected > 0 || page.run.created == 0 {
                list.append("\(page.name): \(page.unexpected) unexpected answers" + (page.run.firstFailure.map { "; first: \($0)" } ?? ""))
            }
            if serverExit != 0 { list.append("herald serve exited \(serverExit.map(String.init) ?? "(killed)") after SIGTERM") }
            return list
        }

        public var report: String {
            func f0(_ v: Double) -> String { String(format: "%.0f", v) }
            func ms(_ us: Double) -> String { String(format: "%.2f ms", us / 1000) }
            var lines = [
                "herald bench agent — \(requests) comms over \(customers) customers (seeded in \(String(format: "%.0f", seedSeconds)) s), "
                    + "`herald serve` in its own process, wrk -t2 -c\(connections) with a signed-in agent's cookie, same \(ProcessInfo.processInfo.activeProcessorCount) cores",
            ]
            for page in pages {
                let r = page.run
                let ok = r.p99Microseconds < 50_000 && r.requestsPerSecond >= 1000 && page.unexpected == 0
                lines.append("  \(page.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(f0(r.requestsPerSecond)) pages/s, "
                             + "p50 \(ms(r.p50Microseconds)), p99 \(ms(r.p99Microseconds)) (\(r.created) pages, \(page.unexpected) unexpected)"
                             + (ok ? "" : "   BELOW GOAL"))
            }
            lines.append("  goal             ≥ 1000 pages/s and p99 < 50 ms for each page")
            lines.append("  anchor           GET /healthz \(f0(healthz.requestsPerSecond)) req/s, p99 \(ms(healthz.p99Microseconds)) (the same server's ceiling)")
            let problems = problems
            if !problems.isEmpty { lines += ["  PROBLEMS"] + problems.map { "    - \($0)" } }
            return lines.joined(separator: "\n")
        }
    }

    static let userName = "bench-agent"
    static let password = "bench-agent-password-1"

    public static func run(requests: Int, customers: Int, connections: Int, seconds: Int, executable: URL, directory parent: URL,
                           logger: Logger) async throws -> Result {
        guard PostfixBenchTools.find("wrk") != nil else {
            throw Wrk.Failure(description: "wrk not found: install Debian's wrk package (apt-get install -y wrk)")
        }
        let work = parent.appendingPathComponent("agent-run-\(Identifier.make())")
        let data = work.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var settings = HeraldSettings(dataDirectory: data)
        settings.apiKeys = []
        try SampleCatalog.write(to: settings.catalogDirectory)

        let seedStart = Date()
        let samples = try await seed(settings: settings, requests: requests, customers: customers, logger: logger)
        let seedSeconds = Date().timeIntervalSince(seedStart)

        let port = try PostfixBenchTools.freePort()
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in !key.hasPrefix("HERALD_") || key.hasPrefix("HERALD_SQLITE_") }
        environment["HERALD_DATA_DIR"] = data.path
        environment["HERALD_HTTP_HOST"] = "127.0.0.1"
        environment["HERALD_HTTP_PORT"] = "\(port)"
        environment["HERALD_LOG_LEVEL"] = "warning"
        let server = try await ServeProcess.start(executable: executable, environment: environment, port: port,
                                                  log: work.appendingPathComponent("serve.log"))
        defer { server.forceStop() }
        do {
            let cookie = try signIn(port: port)
            let base = "http://127.0.0.1:\(port)"
            let summary = work.appendingPathComponent("summary.lua")
            try Wrk.summaryScript.write(to: summary, atomically: true, encoding: .utf8)
            let healthz = try await Wrk.run(url: base + "/healthz", script: summary, connections: connections, seconds: min(5, seconds))
            var pages: [Page] = []
            for (name, paths, expected) in [
                ("customer page", samples.customers.map { "/agent/customers/\($0)" }, 200),
                ("comm page", samples.comms.map { "/agent/comms/\($0)" }, 200),
                ("MSISDN search", samples.msisdns.map { "/agent/search?q=\($0.replacingOccurrences(of: "+", with: "%2B"))" }, 303),
            ] {
                let script = work.appendingPathComponent("\(name.replacingOccurrences(of: " ", with: "-")).lua")
                try pagesScript(paths: paths, cookie: cookie, expected: expected).write(to: script, atomically: true, encoding: .utf8)
                pages.append(Page(name: name, run: try await Wrk.run(url: base + "/agent", script: script, connections: connections, seconds: seconds)))
            }
            let exit = await server.stop()
            return Result(customers: customers, requests: requests, seedSeconds: seedSeconds, connections: connections, pages: pages,
                          healthz: healthz, serverExit: exit)
        } catch {
            throw Wrk.Failure(description: "\(error)\nherald serve's log ends:\n\(server.logTail())")
        }
    }

    /// What the pages are asked about: busy customers, comms and MSISDNs, 1,000 of each at most.
    struct Samples {
        var customers: [String]
        var comms: [String]
        var msisdns: [String]
    }

    static func customerID(_ i: Int) -> String { String(format: "C-%06d", i) }
    static func msisdn(_ i: Int) -> String { String(format: "+4477%08d", i) }

    /// The scratch store: one comm through the real pipeline, copied; the agent user.
    static func seed(settings: HeraldSettings, requests: Int, customers: Int, logger: Logger) async throws -> Samples {
        let runtime = try await HeraldRuntime(settings: settings, logger: logger)
        try await runtime.store.upsertCustomer(Customer(
            id: "C-TEMPLATE", title: "Ms", firstName: "Ada", lastName: "Template", language: "en", timeZone: "Europe/London",
            email: "ada@example.net", mobile: "+447700900000",
            postalAddress: PostalAddress(lines: ["1 High Street", "Cambridge"], postcode: "CB1 1AA", country: "GB")))
        try await runtime.store.upsertAccount(Account(id: "A-TEMPLATE", customerId: "C-TEMPLATE", currency: "GBP", amountDue: "42.17"))
        try await runtime.store.upsertSubscription(Subscription(id: "S-TEMPLATE", customerId: "C-TEMPLATE", accountId: "A-TEMPLATE",
                                                                msisdn: "+447700900000", plan: "Unlimited"))
        let made = try await runtime.intake.submit(CommsRequestInput(commsCode: "DATA_80", subscriptionId: "S-TEMPLATE", deliveryMethod: "sms",
                                                                     fields: ["PERCENT": "85"]), idempotency: nil, actor: "api:bench")
        try await runtime.runUntilQuiet()
        let template = made.requestIds[0]
        guard try await runtime.store.request(id: template)?.distribution?.status == .sent else {
            throw Wrk.Failure(description: "the template comm was not sent")
        }
        try await AgentUserAdmin(store: runtime.store, bcryptCost: 10).add(name: userName, role: .agent, password: password)

        let queue = try DatabaseQueue(path: settings.databasePath)
        let busy = min(1000, customers)
        let perBusy = min(100, requests / max(1, busy))
        let start = Date().addingTimeInterval(-90 * 86_400)
        let step = 90 * 86_400 / Double(max(1, requests))
        var samples = Samples(customers: [], comms: [], msisdns: [])
        // Customers, accounts, subscriptions: copies of the template's rows.
        var i = 0
        while i < customers {
            let end = min(customers, i + 20_000)
            let first = i
            try await queue.write { db in
                let customer = try db.cachedStatement(sql: """
                    INSERT INTO customers SELECT ?, title, first_name, ?, language, time_zone, ?, ?, postal_address, push_tokens, external_id,
                        preferences, updated_at FROM customers WHERE id = 'C-TEMPLATE'
                    """)
                let account = try db.cachedStatement(sql: "INSERT INTO accounts SELECT ?, ?, currency, amount_due, attributes, updated_at FROM accounts WHERE id = 'A-TEMPLATE'")
                let subscription = try db.cachedStatement(sql: "INSERT INTO subscriptions SELECT ?, ?, ?, ?, plan, updated_at FROM subscriptions WHERE id = 'S-TEMPLATE'")
                for n in first..<end {
                    let id = customerID(n)
                    try customer.execute(arguments: [id, "Customer\(n)", "customer\(n)@example.net", msisdn(n)])
                    try account.execute(arguments: ["A" + id.dropFirst(), id])
                    try subscription.execute(arguments: ["S" + id.dropFirst(), id, "A" + id.dropFirst(), msisdn(n)])
                }
            }
            i = end
        }
        // Comms: request, distribution and the whole history of the template, per copy.
        let distribution = try await queue.read { db in try String.fetchOne(db, sql: "SELECT id FROM distributions WHERE request_id = ?", arguments: [template]) }
        guard let distribution else { throw Wrk.Failure(description: "the template comm has no distribution") }
        var rng = SystemRandomNumberGenerator()
        var done = 0
        while done < requests {
            let end = min(requests, done + 20_000)
            let first = done
            let ids: [String] = (first..<end).map { Identifier.make(now: start.addingTimeInterval(Double($0) * step)) }
            try await queue.write { db in
                let request = try db.cachedStatement(sql: """
                    INSERT INTO comms_requests (id, comms_code, priority, status, target_kind, target_id, customer_id, account_id, subscription_id,
                        override_method, fields, source, created_by, created_at, updated_at)
                    SELECT ?1, comms_code, priority, status, target_kind, ?2, ?3, ?4, ?2, override_method, fields, source, created_by, ?5, ?5
                    FROM comms_requests WHERE id = ?6
                    """)
                let dist = try db.cachedStatement(sql: """
                    INSERT INTO distributions (id, request_id, method, target, alias, status, message, file_location, reference, fields, language,
                        attempts, sent_at, priority, created_at, updated_at)
                    SELECT ?1, ?2, method, ?3, alias, status, message, file_location, ?4, fields, language, attempts, ?5, priority, ?5, ?5
                    FROM distributions WHERE id = ?6
                    """)
                let history = try db.cachedStatement(sql: """
                    INSERT INTO status_history (request_id, entity, from_status, to_status, at, actor, reason)
                    SELECT ?1, entity, from_status, to_status, ?2, actor, reason FROM status_history WHERE request_id = ?3 ORDER BY id
                    """)
                for (k, n) in (first..<end).enumerated() {
                    // The first `busy × perBusy` comms go 100 to each busy customer; the rest spread over the others.
                    let owner = n < busy * perBusy ? n % busy : busy + (n - busy * perBusy) % max(1, customers - busy)
                    let c = customerID(min(owner, customers - 1))
                    let at = Int64((start.timeIntervalSince1970 + Double(n) * step) * 1000)  // milliseconds, as the store keeps times
                    let id = ids[k]
                    try request.execute(arguments: [id, "S" + c.dropFirst(), c, "A" + c.dropFirst(), at, template])
                    try dist.execute(arguments: [Identifier.make(now: start.addingTimeInterval(Double(n) * step)), id, msisdn(min(owner, customers - 1)),
                                                 "smsc-\(n)", at, distribution])
                    try history.execute(arguments: [id, at, template])
                }
            }
            for _ in 0..<5 { samples.comms.append(ids[Int.random(in: 0..<ids.count, using: &rng)]) }
            done = end
        }
        samples.customers = (0..<busy).map(customerID)
        samples.msisdns = (0..<min(1000, customers)).map { _ in msisdn(Int.random(in: 0..<customers, using: &rng)) }
        try await queue.write { db in try db.execute(sql: "ANALYZE") }
        try queue.close()
        return samples
    }

    /// Signs the bench's agent in through the form, as a browser does; returns the `Cookie` value.
    static func signIn(port: Int) throws -> String {
        let token = String((0..<43).map { _ in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".randomElement()! })
        let response = try LoopbackHTTP.request(
            port: port, method: "POST", path: "/agent/sign-in",
            headers: [("Cookie", "herald_agent_signin=\(token)"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: "csrf=\(token)&name=\(userName)&password=\(password)")
        guard response.status == 303,
              let line = response.head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("set-cookie: herald_agent=") }) else {
            throw Wrk.Failure(description: "signing in answered \(response.status): \(response.body.prefix(300))")
        }
        let pair = line.dropFirst("set-cookie: ".count).prefix { $0 != ";" }
        return String(pair)
    }

    /// GETs `paths` in turn (each thread from its own place) with the session cookie; counts the
    /// answers with the `expected` status (as `created`) and keeps the first other one.
    static func pagesScript(paths: [String], cookie: String, expected: Int) -> String {
        let list = paths.map { "\"\($0)\"" }.joined(separator: ",\n  ")
        return """
            -- herald bench agent: pages with a signed-in agent's session.
            \(Wrk.setupFunction)
            local paths = {
              \(list)
            }
            function init(args)
              n, created, other = tid * 7919, 0, 0
            end
            function request()
              n = n + 1
              return wrk.format("GET", paths[n % #paths + 1], { ["Cookie"] = "\(cookie)" })
            end
            function response(status, headers, body)
              if status == \(expected) then created = created + 1
              else
                other = other + 1
                if first == nil then first = status .. " " .. string.sub(body or "", 1, 200) end
              end
            end
            \(Wrk.doneFunction)
            """
    }
}
