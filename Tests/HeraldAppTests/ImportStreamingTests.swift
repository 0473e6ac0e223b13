import Foundation
import HeraldApp
import HeraldCore
import HeraldSQLite
import Synchronization
import Testing

/// `herald import` streamed in chunks, keys looked up per chunk, lines written by a second
/// stage: the same results as reading the file whole, line by line.
struct ImportStreamingTests {
    func seeded(_ name: String) async throws -> HeraldRuntime {
        let runtime = try await makeRuntime(name)
        try await runtime.store.upsertCustomer(Customer(id: "C-1", firstName: "Ann", email: "ann@example.net", mobile: "+447700900001"))
        try await runtime.store.upsertAccount(Account(id: "A-1", customerId: "C-1", currency: "GBP", amountDue: "10.00"))
        return runtime
    }

    func write(_ lines: [String], to file: URL, separator: String = "\n") throws {
        try lines.joined(separator: separator).write(to: file, atomically: true, encoding: .utf8)
    }

    func requestCount(_ runtime: HeraldRuntime) async throws -> Int {
        var query = RequestQuery(limit: 500)
        var count = 0
        while true {
            let page = try await runtime.store.requests(query)
            count += page.items.count
            guard let next = page.nextCursor else { return count }
            query.cursor = next
        }
    }

    /// Imports `file` read `size` lines at a time.
    func importing(_ file: URL, into runtime: HeraldRuntime, chunksOf size: Int) async throws -> BulkImport.Summary {
        var importer = BulkImport(runtime: runtime)
        importer.batchSize = size
        return try await importer.run(file: file, format: nil)
    }

    @Test func resumeAfterAPartialImportSkipsExactlyTheLinesTaken() async throws {
        let runtime = try await seeded("import-resume")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("triggers.ndjson")
        // Every eighth line is the same line (keys #1…#5 across chunks); the others differ.
        let lines = (0..<40).map { i in
            i % 8 == 0 ? #"{"commsCode": "WELCOME", "customerId": "C-1"}"# : #"{"commsCode": "WELCOME", "customerId": "C-1", "fields": {"REF": "\#(i)"}}"#
        }
        var importer = BulkImport(runtime: runtime)
        importer.batchSize = 7
        // A run that stopped after 23 lines had been written.
        try write(Array(lines.prefix(23)), to: file)
        let partial = try await importer.run(file: file, format: nil)
        #expect(partial.created == 23)
        try write(lines, to: file)
        let resumed = try await importer.run(file: file, format: nil)
        #expect(resumed.lines == 40)
        #expect(resumed.created == 17)
        #expect(resumed.skipped == 23)
        #expect(resumed.rejected.isEmpty)
        #expect(try await requestCount(runtime) == 40)
        let again = try await importer.run(file: file, format: nil)
        #expect(again.created == 0)
        #expect(again.skipped == 40)
    }

    @Test func aBadLineInALargeFileIsReportedByNumberAndTheRestImported() async throws {
        let runtime = try await seeded("import-large")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("large.ndjson")
        let pad = String(repeating: "x", count: 60)
        // 15,000 lines of ~110 bytes: three chunks, and lines across the reader's 1 MiB blocks.
        let lines = (1...15_000).map { n -> String in
            switch n {
            case 3: return "   "
            case 7_777: return #"{"commsCode": "WELCOME", "customerId": "C-1", "fields": {"REF": }"#
            case 12_001: return #"{"commsCode": "NOPE", "customerId": "C-1"}"#
            default: return #"{"commsCode": "WELCOME", "customerId": "C-1", "fields": {"REF": "\#(n)", "PAD": "\#(pad)"}}"#
            }
        }
        try write(lines, to: file)
        let seen = Mutex<[BulkImport.Progress]>([])
        let summary = try await BulkImport(runtime: runtime).run(file: file, format: nil) { p in seen.withLock { $0.append(p) } }
        #expect(summary.lines == 14_999)  // the blank line is not one
        #expect(summary.created == 14_997)
        #expect(summary.rejected.map(\.line) == [7_777, 12_001])
        #expect(summary.rejectedCount == 2)
        #expect(summary.rejected[0].reason.hasPrefix("line 7777 is not a valid trigger object: "))
        #expect(summary.rejected[1].reason == "unknown comms code 'NOPE' (field: commsCode)")
        let progress = seen.withLock { $0 }
        #expect(progress.count >= 3)
        #expect(progress.map(\.lines) == progress.map(\.lines).sorted())
        #expect(progress.last?.lines == 14_999)
        #expect(progress.last?.fraction == 1)
        #expect(try await requestCount(runtime) == 14_997)
    }

    @Test func identicalLinesKeepTheirKeysAndAKeyOfTheOldCodeIsSkipped() async throws {
        let runtime = try await seeded("import-keys")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("keys.ndjson")
        let l = #"{"commsCode": "WELCOME", "customerId": "C-1"}"#
        let m = #"{"commsCode": "WELCOME", "accountId": "A-1"}"#
        // SHA-256 of the lines (sha256sum): keys are `import|<hex>#n`.
        let lHash = "0c1eac31296716a6f48253e81f237bd1c782085370d325028eea19e407b60fbf"
        let mHash = "a16642d5c1bd7f9a221d8acb188eedd62e4cacde3fb3aa1161b8743e5534fcff"
        // The second `l` was taken by an earlier release: its key is in the store.
        let earlier = try await runtime.intake.prepare(CommsRequestInput(commsCode: "WELCOME", customerId: "C-1"), actor: "import", source: .import)
        _ = try await runtime.store.submit(
            TriggerSubmission(requests: [earlier], idempotency: .init(key: "import|\(lHash)#2", bodyHash: lHash), actor: "import"),
            idempotencyWindow: .seconds(365 * 24 * 3600))
        try write([l, l, m, l], to: file)
        let summary = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(summary.created == 3)
        #expect(summary.skipped == 1)
        for key in ["import|\(lHash)#1", "import|\(lHash)#3"] {
            #expect(try await runtime.store.replay(.init(key: key, bodyHash: lHash)) != nil)
        }
        #expect(try await runtime.store.replay(.init(key: "import|\(mHash)#1", bodyHash: mHash)) != nil)
        #expect(try await runtime.store.replay(.init(key: "import|\(lHash)#4", bodyHash: lHash)) == nil)
        let again = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(again.created == 0)
        #expect(again.skipped == 4)
    }

    @Test func customerLinesBeforeTriggersThatTargetThemWork() async throws {
        let runtime = try await makeRuntime("import-order")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("order.ndjson")
        try write([
            #"{"commsCode": "WELCOME", "customerId": "C-9"}"#,
            #"{"customer": {"id": "C-9", "firstName": "Eve", "email": "eve@example.net"}}"#,
            #"{"commsCode": "WELCOME", "customerId": "C-9"}"#,
            #"{"account": {"id": "A-9", "customerId": "C-9", "currency": "EUR"}}"#,
            #"{"eventType": "DEBT", "eventCode": "DBAR", "accountId": "A-9"}"#,
            #"{"eventType": "NOTHING", "eventCode": "X1", "accountId": "A-404"}"#,
            #"{"eventType": "NOTHING", "eventCode": "X1", "accountId": "A-9"}"#,
            #"{"subscription": {"id": "S-9", "customerId": "C-9", "accountId": "A-9", "msisdn": "+33612345679"}}"#,
            #"{"commsCode": "DATA_80", "subscriptionId": "S-9", "fields": {"PERCENT": "85"}}"#,
            #"{"commsCode": "WELCOME", "subscriptionId": "S-404", "priority": 9}"#,
        ], to: file)
        let summary = try await importing(file, into: runtime, chunksOf: 3)
        #expect(summary.dataApplied == 3)
        #expect(summary.created == 4)
        #expect(summary.rejected.map(\.line) == [1, 6, 10])
        #expect(summary.rejected.map(\.reason) == [
            "unknown customer 'C-9' (field: customerId)", "unknown account 'A-404' (field: accountId)",
            "unknown subscription 'S-404' (field: subscriptionId)",
        ])
        let requests = try await runtime.store.requests(RequestQuery(customerId: "C-9", limit: 10)).items.map(\.request)
        #expect(Set(requests.map(\.commsCode)) == ["WELCOME", "PAYMENT_REMINDER", "DATA_80"])
    }

    @Test func unknownKeysAndTextThatIsNotJSONKeepTheirMessages() async throws {
        let runtime = try await seeded("import-keys-text")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("bad.ndjson")
        try write([
            #"{"commsCode": "WELCOME", "customerId": "C-1", "zz": 1, "feilds": {"OFFERCODE": "X"}}"#,
            "not json",
            "[1, 2]",
            #"{"commsCode": "WELCOME", "customerId": "C-1", "priority": "high"}"#,
            #"{"commsCode": "WELCOME", "customerId": "C-1"}"#,
        ], to: file)
        let summary = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(summary.created == 1)
        #expect(summary.rejected.map(\.line) == [1, 2, 3, 4])
        #expect(summary.rejected[0].reason == "line 1: unknown key 'feilds'")
        // Text that is not JSON is described by JSONSerialization, as before.
        var notJSON = ""
        do { _ = try JSONSerialization.jsonObject(with: Data("not json".utf8)) } catch { notJSON = "\(error)" }
        #expect(summary.rejected[1].reason == "line 2 is not a valid trigger object: \(notJSON)")
        #expect(summary.rejected[2].reason.hasPrefix("line 3 is not a valid trigger object: "))
        #expect(summary.rejected[3].reason.hasPrefix("line 4 is not a valid trigger object: "))
    }

    @Test func aKeyReusedWithAnotherLineIsAConflict() async throws {
        let runtime = try await seeded("import-conflict")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("conflict.ndjson")
        try write([#"{"commsCode": "WELCOME", "customerId": "C-1", "idempotencyKey": "crm-1"}"#], to: file)
        #expect(try await BulkImport(runtime: runtime).run(file: file, format: nil).created == 1)
        try write([#"{"commsCode": "WELCOME", "accountId": "A-1", "idempotencyKey": "crm-1"}"#], to: file)
        let summary = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(summary.created == 0)
        #expect(summary.rejected.map(\.reason) == ["Idempotency-Key 'crm-1' was used with a different request body (field: Idempotency-Key)"])
    }

    /// A chunk's keys are looked up while the chunks before it are still being written: a key
    /// given again in the next chunks, before its first line is stored, is still found (by the
    /// writer, which checks every key in its transaction) — the same body a replay, another a
    /// conflict — and written once.
    @Test func aKeyGivenAgainInTheNextChunksIsFoundBeforeItsFirstLineIsWritten() async throws {
        let runtime = try await seeded("import-key-ahead")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("ahead.ndjson")
        let keyed = #"{"commsCode": "WELCOME", "customerId": "C-1", "idempotencyKey": "crm-9"}"#
        try write([
            keyed, #"{"commsCode": "WELCOME", "customerId": "C-1", "fields": {"REF": "2"}}"#,
            keyed, #"{"commsCode": "WELCOME", "customerId": "C-1", "fields": {"REF": "4"}}"#,
            #"{"commsCode": "WELCOME", "accountId": "A-1", "idempotencyKey": "crm-9"}"#,
        ], to: file)
        let summary = try await importing(file, into: runtime, chunksOf: 2)
        #expect(summary.lines == 5)
        #expect(summary.created == 3)
        #expect(summary.skipped == 1)
        #expect(summary.rejected.map(\.line) == [5])
        #expect(summary.rejected.first?.reason.contains("different request body") == true)
        #expect(try await requestCount(runtime) == 3)
    }

    @Test func crlfLineEndsEndLines() async throws {
        let runtime = try await seeded("import-crlf")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("crlf.ndjson")
        try write([#"{"commsCode": "WELCOME", "customerId": "C-1"}"#, #"{"commsCode": "NOPE", "customerId": "C-1"}"#, ""], to: file,
                  separator: "\r\n")
        let summary = try await BulkImport(runtime: runtime).run(file: file, format: nil)
        #expect(summary.lines == 2)
        #expect(summary.created == 1)
        #expect(summary.rejected.map(\.line) == [2])
    }

    @Test func csvIsStreamedAcrossQuotedLineBreaks() async throws {
        let runtime = try await seeded("import-csv-stream")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("big.csv")
        // 20,000 records of two lines each (a quoted line break), over the reader's 1 MiB blocks.
        var lines = ["commsCode,customerId,priority,field.OFFERCODE"]
        for i in 0..<20_000 { lines.append("WELCOME,C-1,2,\"REF, \"\"\(i)\"\"\nsecond line of \(i)\"") }
        lines.append("WELCOME,C-1")
        try write(lines, to: file)
        var importer = BulkImport(runtime: runtime)
        importer.batchSize = 3_000
        let summary = try await importer.run(file: file, format: nil)
        #expect(summary.lines == 20_001)
        #expect(summary.created == 20_000)
        #expect(summary.rejected.map(\.line) == [40_002])
        #expect(summary.rejected.first?.reason == "line 40002 has 2 columns, the header has 4")
        let newest = try #require(try await runtime.store.requests(RequestQuery(limit: 1)).items.first?.request)
        #expect(newest.fields["OFFERCODE"] == "REF, \"19999\"\nsecond line of 19999")
    }

    @Test func aCSVFieldNeverClosedImportsNothing() async throws {
        let runtime = try await seeded("import-csv-open")
        defer { try? FileManager.default.removeItem(at: runtime.settings.dataDirectory) }
        let file = runtime.settings.dataDirectory.appendingPathComponent("open.csv")
        try write(["commsCode,customerId", "WELCOME,C-1", "WELCOME,\"C-1", "WELCOME,C-1"], to: file)
        let error = await #expect(throws: HeraldError.self) { try await BulkImport(runtime: runtime).run(file: file, format: nil) }
        #expect(error?.message == "line 3: a quoted field is never closed")
        #expect(try await requestCount(runtime) == 0)
    }
}
