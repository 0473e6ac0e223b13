import HeraldAppTestSupport
import Foundation
import HeraldApp
import HeraldCore
import HeraldPipeline
import HeraldSQLite
import Logging
import Testing

struct DemoTests {
    @Test func theDemoCoversEveryMethodAndTheUnhappyPaths() async throws {
        let dir = temporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = try await HeraldDemo.run(dataDirectory: dir, logger: Logger(label: "test"))
        #expect(rows.count == 10)
        let sentMethods = Set(rows.filter { $0.distributionStatus == .sent || $0.distributionStatus == .published }.map(\.method))
        #expect(sentMethods == Set(DeliveryMethod.allCases.map(\.rawValue)))
        #expect(rows.contains { $0.requestStatus == .optedOut })
        #expect(rows.contains { $0.requestStatus == .notSent })
        #expect(rows.filter { $0.commsCode == "PAYMENT_REMINDER" && $0.requestStatus == .processed }.count == 2)
        // Step 3: the push with its merged title, and the online comm in its customer's inbox.
        let notes = try await HeraldDemo.run(dataDirectory: dir, logger: Logger(label: "test"), letters: .outbox).notes
        #expect(notes.contains { $0.hasPrefix("Push to fcm:fcm-token-1005: \"Data on +5511987654321\"") }, "\(notes)")
        #expect(notes.contains("Online inbox of C-1005 (GET /v1/customers/C-1005/inbox, role inbox): 1 item(s), 1 unread"), "\(notes)")
        // The external comm went by signed webhook to the local PORTAL stand-in, which verified it.
        #expect(notes.filter { $0.hasPrefix("Webhook to PORTAL") && $0.contains("signature verified") }.count == 1, "\(notes)")
        // PORTAL reports back: sent by its app, then read; an unknown request is named as such.
        #expect(notes.contains { $0.hasPrefix("Status updates from PORTAL") && $0.contains("portal-ack-1 applied, portal-ack-2 applied, portal-ack-3 unknown")
            && $0.contains("actualMethod push") }, "\(notes)")
        // Running it again on its own folder works; a foreign folder is refused.
        #expect(try await HeraldDemo.run(dataDirectory: dir, logger: Logger(label: "test")).count == 10)
        let foreign = temporaryDirectory("foreign")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: foreign.appendingPathComponent("precious.txt"))
        defer { try? FileManager.default.removeItem(at: foreign) }
        await #expect(throws: HeraldError.self) { try await HeraldDemo.run(dataDirectory: foreign, logger: Logger(label: "test")) }
        #expect(FileManager.default.fileExists(atPath: foreign.appendingPathComponent("precious.txt").path))
    }
}

struct ImportTests {
    func seeded() async throws -> HeraldRuntime {
        let runtime = try await makeRuntime("import")
        try await runtime.store.upsertCustomer(Customer(id: "C-1", firstName: "Ann", email: "ann@example.net", mobile: "+447700900001"))
        try await runtime.store.upsertAccount(Account(id: "A-1", customerId: "C-1", currency: "GBP", amountDue: "10.00"))
        return runtime
    }

    @Test func ndjsonImportIsResumableAndReportsBadLines() async throws {
        let runtime = try await seeded()
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("triggers.ndjson")
        let lines = [
            #"{"commsCode": "WELCOME", "customerId": "C-1"}"#,
            #"{"commsCode": "WELCOME", "customerId": "C-1"}"#,
            #"{"commsCode": "NOPE", "customerId": "C-1"}"#,
            #"{"commsCode": "DATA_80", "customerId": "C-1", "priority": 1, "fields": {"PERCENT": "90"}}"#,
            "not json",
            #"{"eventType": "DEBT", "eventCode": "DBAR", "accountId": "A-1", "whenToCreate": "OnCreate"}"#,
            #"{"commsCode": "WELCOME", "customerId": "C-1", "idempotencyKey": "crm-77"}"#,
        ]
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let first = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(first.lines == 7)
        #expect(first.created == 5)  // identical lines 1 and 2 are two triggers
        #expect(first.rejected.map(\.line) == [3, 5])
        #expect(first.rejected[0].reason.contains("NOPE"))
        #expect(try await runtime.store.requests(RequestQuery(limit: 100)).items.count == 5)

        let again = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(again.created == 0)
        #expect(again.skipped == 5)
        #expect(try await runtime.store.requests(RequestQuery(limit: 100)).items.count == 5)

        // Appended lines are taken; earlier ones still skipped.
        try (lines + [#"{"commsCode": "WELCOME", "accountId": "A-1"}"#]).joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let appended = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(appended.created == 1)
        #expect(appended.skipped == 5)
    }

    /// CMP External Trigger lines: resolved through the catalog's triggers, keyed by channel and
    /// unique reference like the API (a notification the API took is skipped), refusals named.
    @Test func cmpNotificationLinesAreTriggers() async throws {
        let runtime = try await seeded()
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        try await runtime.store.upsertSubscription(Subscription(id: "S-1", customerId: "C-1", accountId: "A-1", msisdn: "+447700900001"))
        func line(_ ref: String, trigger: String = "DATA_80_PCT", percent: String = "90") -> String {
            #"{"interfaceCategory": "COMMS", "interfaceType": "EXTERNAL_TRIGGER", "version": 1.0, "channel": "OCS", "hierarchyEntity": {"type": "SUBSCRIPTION", "reference": "S-1"}, "uniqueReference": "\#(ref)", "triggerId": "\#(trigger)", "attributes": [{"name": "PERCENT", "value": "\#(percent)"}]}"#
        }
        // OCS-1 came through the API first.
        let api = try JSONDecoder().decode(ExternalTriggerNotification.self, from: Data(line("OCS-1").utf8))
        _ = try await runtime.intake.notification(api, bodyHash: api.canonicalHash, actor: "api:ocs")
        let file = runtime.settings.dataDirectory.appendingPathComponent("cmp.ndjson")
        try [line("OCS-1"), line("OCS-2"), line("OCS-3", trigger: "NO_SUCH"), line("OCS-4", percent: "95"),
             #"{"interfaceCategory": "COMMS", "interfaceType": "EXTERNAL_TRIGGER", "version": 1.0, "channel": "OCS", "colour": "red"}"#]
            .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let summary = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(summary.created == 2)
        #expect(summary.skipped == 1)
        #expect(summary.rejected.map(\.line) == [3, 5])
        #expect(summary.rejected[0].reason.contains("no trigger 'NO_SUCH' is configured"))
        #expect(summary.rejected[1].reason.contains("colour"))
        let requests = try await runtime.store.requests(RequestQuery(limit: 10)).items
        #expect(Set(requests.compactMap(\.request.externalTriggerId)) == ["OCS-1", "OCS-2", "OCS-4"])
        #expect(requests.first { $0.request.externalTriggerId == "OCS-4" }?.request.fields == ["PERCENT": "95"])
        #expect(requests.allSatisfy { $0.request.commsCode == "DATA_80" && $0.request.source == .externalTrigger })
        let again = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(again.created == 0 && again.skipped == 3)
    }

    @Test func customerDataLinesAreAppliedInFileOrder() async throws {
        let runtime = try await makeRuntime("import-data")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("data.ndjson")
        try [
            #"{"commsCode": "WELCOME", "customerId": "C-7"}"#,
            #"{"customer": {"id": "C-7", "firstName": "Ada", "timeZone": "Europe/Paris", "email": "ada@example.net", "preferences": {"preferredMethods": ["sms"]}}}"#,
            #"{"account": {"id": "A-7", "customerId": "C-7", "currency": "EUR", "amountDue": "12.50"}}"#,
            #"{"subscription": {"id": "S-7", "customerId": "C-7", "accountId": "A-7", "msisdn": "+33612345678"}}"#,
            #"{"customer": {"id": "C-8", "timeZone": "Mars/Olympus"}}"#,
            #"{"commsCode": "WELCOME", "subscriptionId": "S-7"}"#,
        ].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let summary = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(summary.dataApplied == 3)
        #expect(summary.created == 1)
        #expect(summary.rejected.map(\.line) == [1, 5])  // before its customer existed; bad time zone
        #expect(summary.rejected[1].reason.contains("timeZone"))
        #expect(try await runtime.store.customer(id: "C-7")?.preferences.preferredMethods == [.sms])
        #expect(try await runtime.store.subscription(id: "S-7")?.accountId == "A-7")
        #expect(try await runtime.store.customer(id: "C-8") == nil)
    }

    @Test func csvImportReadsFieldsAndQuotes() async throws {
        let runtime = try await seeded()
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("triggers.csv")
        try [
            "commsCode,customerId,priority,field.OFFERCODE",
            #"WELCOME,C-1,1,"SPRING, ""10%""""#,
            "WELCOME,C-404,2,X",
        ].joined(separator: "\r\n").write(to: file, atomically: true, encoding: .utf8)
        let summary = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(summary.created == 1)
        #expect(summary.rejected.map(\.line) == [3])
        let request = try #require(try await runtime.store.requests(RequestQuery()).items.first?.request)
        #expect(request.fields["OFFERCODE"] == "SPRING, \"10%\"")
        #expect(request.priority == 1)
    }
}

struct SettingsTests {
    @Test func environmentOverridesTheFileAndSecretsComeFromFiles() async throws {
        let dir = temporaryDirectory("settings")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"{"http": {"port": 9000, "host": "0.0.0.0"}, "pipeline": {"batch": {"size": 50}}}"#
            .write(to: dir.appendingPathComponent("herald.json"), atomically: true, encoding: .utf8)
        let secret = dir.appendingPathComponent("admin.key")
        try "from-file\n".write(to: secret, atomically: true, encoding: .utf8)
        let s = try await HeraldSettings.load(dataDir: dir.path, environment: [
            "HERALD_HTTP_PORT": "9100", "HERALD_ADMIN_API_KEY_FILE": secret.path, "HERALD_API_KEYS": "crm:trigger:k1;desk:agent+trigger:k2",
        ])
        #expect(s.port == 9100)
        #expect(s.host == "0.0.0.0")
        #expect(s.worker.batchSize == 50)
        #expect(s.apiKeys.map(\.name) == ["admin", "crm", "desk"])
        #expect(s.apiKeys[0].key == "from-file")
        #expect(s.apiKeys[2].roles == ["agent", "trigger"])
        #expect(s.catalogDirectory.path == dir.appendingPathComponent("catalog").standardizedFileURL.path)
        await #expect(throws: HeraldError.self) {
            try await HeraldSettings.load(dataDir: dir.path, environment: ["HERALD_API_KEYS": "crm:root:k1"])
        }
    }
}
