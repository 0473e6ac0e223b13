import Foundation
import HeraldCore
import HeraldSQLite

/// `herald import FILE`: triggers and customer data in bulk from NDJSON (one JSON object a
/// line) or CSV (a header row; columns `commsCode, customerId, accountId, subscriptionId,
/// priority, deliveryMethod, idempotencyKey`, and one `field.NAME` column per merge field).
///
/// NDJSON lines:
/// - `{"customer": {...}}`, `{"account": {...}}`, `{"subscription": {...}}` — customer data, the
///   same shapes as `PUT /v1/customers/{id}` etc. with the `id` inside; applied in file order
///   (upserts, so re-running is harmless), so later trigger lines may target them;
/// - a line with `eventType` — a workflow event (`eventCode`, `whenToCreate`, target, `fields`);
/// - a line with `interfaceCategory` — an external notification in the CMP schema, as
///   `POST /v1/external-triggers` takes it (its trigger resolved in the catalog; keyed by channel
///   and unique reference, the same key as the API's);
/// - otherwise a comms request (`commsCode`, one target, `priority`, `deliveryMethod`, `fields`).
///
/// Resumable: each line's idempotency key is its `idempotencyKey`, or the SHA-256 of the line
/// + `#n` for the n-th identical line (scoped to `import|`), so re-running a file (after a
/// crash, or with lines appended) skips every line already taken, before validating it again.
///
/// Streamed, in two stages: the file is read in chunks of ``batchSize`` lines (never whole).
/// A chunk's lines are hashed, and the keys of their digests looked up in one query, while the
/// chunk before is parsed and handed on (``readChunk(_:run:)``): a line taken before is skipped
/// without being parsed. The others are parsed once and validated
/// without reading the store (keys lines give themselves are looked up in one more query), and
/// gathered until there are ``linesPerTransaction``; those are written in one transaction
/// (``CommsStore/submitBatch(_:idempotencyWindow:)``, which checks each target as it writes)
/// while the next chunks are read and prepared. At most one transaction's lines wait for the
/// writer. The store is tuned for the import while it runs (``CommsStore/bulkWriting(_:)``: a
/// larger page cache, fewer WAL checkpoints). A bad line is reported with its number and reason
/// and never stops the rest.
///
/// Customer-data lines keep file order: the triggers before one are written (the pipeline
/// drained) before it is applied, and the lines after it are validated only then. A file that
/// alternates data and trigger lines is therefore written in small transactions; one that puts
/// its customer data first is not.
public struct BulkImport: Sendable {
    public struct Summary: Sendable, Hashable {
        public var lines = 0
        public var created = 0
        public var skipped = 0
        /// Customer-data lines applied (customers, accounts, subscriptions).
        public var dataApplied = 0
        /// The first ``BulkImport/rejectionsKept`` rejected lines, in line order (memory stays
        /// bounded for a file of bad lines); ``rejectedCount`` counts them all.
        public var rejected: [(line: Int, reason: String)] = []
        /// Every rejected line.
        public var rejectedCount = 0
        public static func == (a: Summary, b: Summary) -> Bool {
            a.lines == b.lines && a.created == b.created && a.skipped == b.skipped && a.rejected.map(\.line) == b.rejected.map(\.line)
        }
        public func hash(into h: inout Hasher) { h.combine(lines); h.combine(created); h.combine(skipped) }

        mutating func reject(_ rejections: [(line: Int, reason: String)]) {
            rejectedCount += rejections.count
            rejected.append(contentsOf: rejections.prefix(max(0, BulkImport.rejectionsKept - rejected.count)))
        }
    }

    /// Where an import is, after each chunk read and each transaction written (the file's line
    /// count is not known while it is streamed: progress is by bytes).
    public struct Progress: Sendable, Hashable {
        /// Lines read and written (or skipped, or rejected) so far.
        public var lines: Int
        /// Bytes of the file read so far, and its size.
        public var bytesRead: Int
        public var totalBytes: Int
        /// 0…1 by bytes.
        public var fraction: Double { totalBytes == 0 ? 1 : min(1, Double(bytesRead) / Double(totalBytes)) }
    }

    public enum Format: String, Sendable, CaseIterable { case ndjson, csv }

    /// How many rejected lines a ``Summary`` lists (it counts them all).
    public static let rejectionsKept = 10_000

    public let runtime: HeraldRuntime
    /// Lines per chunk: read, looked up (one idempotency query) and parsed together.
    public var batchSize = 5_000
    /// Lines per write transaction: the validated lines of chunks are gathered until there are
    /// this many (or a data line comes, or the file ends). An import's transaction rewrites the
    /// same hot index pages whatever its size (each customer's, account's and subscription's
    /// last page of the request indexes, the idempotency hash index), so larger transactions
    /// write fewer pages a line: with a million requests stored, 5,000 lines a transaction cost
    /// 50 µs of CPU a line, 10,000 41 µs, 20,000 40 µs (`herald bench import`); but the lines
    /// waiting and being written are held in memory (~2 KB each), and 20,000 took the import
    /// over 150 MB of RSS.
    public var linesPerTransaction = 10_000
    /// Tasks parsing a chunk's NDJSON lines at once.
    public var parseTasks = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
    public var actor = "import"

    public init(runtime: HeraldRuntime) {
        self.runtime = runtime
    }

    static func cannotRead(_ file: URL) -> HeraldError {
        HeraldError.invalid("FILE", "cannot read \(file.path)")
    }

    /// Imports `file`; `progress` is called after each chunk is read, each transaction is
    /// written and once at the end.
    public func run(file: URL, format: Format?, progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Summary {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue,
              FileManager.default.isReadableFile(atPath: file.path) else {
            throw Self.cannotRead(file)
        }
        let totalBytes = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        let fmt = format ?? (file.pathExtension.lowercased() == "csv" ? .csv : .ndjson)
        var source = try ImportSource(file, format: fmt)
        var run = Run()
        run.totalBytes = totalBytes
        try await runtime.store.bulkWriting {
        try await withThrowingTaskGroup(of: Written.self) { group in
            // One chunk ahead: the next chunk is read and hashed, and its keys looked up, while
            // this one's look-up finishes and its lines are parsed and handed to the writer.
            var next = try await readChunk(&source, run: &run)
            defer { next?.lookup.cancel() }
            while let read = next {
                next = try await readChunk(&source, run: &run)
                var chunk = read.chunk
                let rows = chunk.rows
                run.summary.lines += rows.count
                chunk.live = try await read.lookup.value
                let taken = chunk.keys.map { chunk.live[$0.key] == $0.bodyHash }
                await ImportSource.parse(rows, into: &chunk.values, except: taken, parts: parseTasks)
                var segment = Segment()
                for i in rows.indices {
                    if taken[i] {
                        segment.skipped += 1
                        continue
                    }
                    guard let value = chunk.values[i], value.isData else {
                        segment.indices.append(i)
                        continue
                    }
                    // The triggers before a data line are written before it is applied, and the
                    // lines after it validated only then: file order, as if one line at a time.
                    try await hand(segment, of: chunk, to: &group, run: &run, progress: progress)
                    segment = Segment()
                    try await flush(to: &group, run: &run, progress: progress)
                    try await drain(&group, run: &run, progress: progress)
                    do {
                        try await apply(value)
                        run.summary.dataApplied += 1
                    } catch let e as HeraldError {
                        run.summary.reject([(rows[i].line, e.description)])
                    }
                    run.linesDone += 1
                }
                try await hand(segment, of: chunk, to: &group, run: &run, progress: progress)
                // A chunk read: the bar moves on by its bytes even while its lines wait to be
                // written with the next chunks' (the count is of lines done).
                run.report(progress, bytes: chunk.bytes)
            }
            try await flush(to: &group, run: &run, progress: progress)
            try await drain(&group, run: &run, progress: progress)
        }
        }
        progress(Progress(lines: run.linesDone, bytesRead: max(source.bytesRead, totalBytes), totalBytes: totalBytes))
        if run.summary.created > 0 { runtime.signals.ring(.monitor) }
        return run.summary
    }

    /// A chunk read, and the look-up of its keys (running).
    struct ReadChunk {
        var chunk: Chunk
        var lookup: Task<[String: String], any Error>
    }

    /// Reads the next chunk (nil at the end of the file), gives each line its key and starts
    /// looking the chunk's keys up (one query). The key comes from the line alone: the n-th
    /// identical line is #n on every run, and a line already taken is skipped before it is
    /// parsed or validated again (its target may have changed since). The look-up may run
    /// before the lines of earlier chunks are written: a key it misses is found by the writer,
    /// which checks every key again in its transaction.
    func readChunk(_ source: inout ImportSource, run: inout Run) async throws -> ReadChunk? {
        guard let (rows, values) = try await source.next(limit: max(1, batchSize), parts: parseTasks) else { return nil }
        var chunk = Chunk(rows: rows, values: values, bytes: source.bytesRead)
        chunk.keys = rows.map { row in
            TriggerIntake.scoped(.init(key: "\(row.digest.hex)#\(run.occurrences.next(row.digest.prefix))", bodyHash: row.digest.hex),
                                 actor: actor)!
        }
        let store = runtime.store, keys = chunk.keys.map(\.key), now = runtime.clock()
        return ReadChunk(chunk: chunk, lookup: Task { try await store.liveIdempotencyKeys(keys, now: now) })
    }

    /// The state of one run: its summary, the occurrence counter of its keys, the writer's state.
    struct Run {
        var summary = Summary()
        var occurrences = OccurrenceCounter()
        var writing = false
        /// Validated lines waiting to be written together.
        var pending = Prepared()
        /// The bytes read last reported (reports never go back).
        var bytesReported = 0

        /// Reports the lines done and `bytes` read (or more, if reported before).
        mutating func report(_ progress: @Sendable (Progress) -> Void, bytes: Int) {
            bytesReported = max(bytesReported, bytes)
            progress(Progress(lines: linesDone, bytesRead: bytesReported, totalBytes: totalBytes))
        }
        var linesDone = 0
        var totalBytes = 0
    }

    /// The lines read at once, their values (once parsed), the keys of their digests and those
    /// keys' body hashes if they are live.
    struct Chunk {
        var rows: [ImportRow]
        var values: [ImportLine?]
        /// Bytes of the file read when the chunk was.
        var bytes: Int
        var keys: [TriggerSubmission.Idempotency] = []
        var live: [String: String] = [:]
    }

    /// Consecutive trigger lines of a chunk (no data line between them), by index, and how many
    /// lines among them were skipped as taken before.
    struct Segment {
        var indices: [Int] = []
        var skipped = 0
    }

    /// A segment validated and ready to write.
    struct Prepared: Sendable {
        var submissions: [TriggerSubmission] = []
        /// The line of each submission.
        var lineNumbers: [Int] = []
        var rejected: [(line: Int, reason: String)] = []
        var skipped = 0
        var lines = 0
        var bytes = 0

        /// Adds the lines of a later segment (taken as they are when there are none yet: no copy).
        mutating func append(_ later: Prepared) {
            guard lines > 0 else {
                self = later
                return
            }
            submissions.append(contentsOf: later.submissions)
            lineNumbers.append(contentsOf: later.lineNumbers)
            rejected.append(contentsOf: later.rejected)
            skipped += later.skipped
            lines += later.lines
            bytes = later.bytes
        }
    }

    /// What writing a segment did.
    struct Written: Sendable {
        var created = 0
        var skipped = 0
        var rejected: [(line: Int, reason: String)] = []
        var lines = 0
        var bytes = 0
    }

    /// Prepares a segment (this task) and adds it to the lines waiting to be written; once
    /// there are ``linesPerTransaction`` of them, they are written (``flush(to:run:progress:)``).
    func hand(_ segment: Segment, of chunk: Chunk, to group: inout ThrowingTaskGroup<Written, any Error>, run: inout Run,
              progress: @Sendable (Progress) -> Void) async throws {
        guard !segment.indices.isEmpty || segment.skipped > 0 else { return }
        run.pending.append(try await prepare(segment, of: chunk))
        if run.pending.lines >= max(1, linesPerTransaction) {
            try await flush(to: &group, run: &run, progress: progress)
        }
    }

    /// Waits for the lines being written, if any, and starts writing those waiting (a child
    /// task): the next chunks are read and prepared meanwhile.
    func flush(to group: inout ThrowingTaskGroup<Written, any Error>, run: inout Run, progress: @Sendable (Progress) -> Void) async throws {
        guard run.pending.lines > 0 else { return }
        let prepared = run.pending
        run.pending = Prepared()
        try await drain(&group, run: &run, progress: progress)
        group.addTask { try await write(prepared) }
        run.writing = true
    }

    /// Waits for the segment being written, if any, and counts what it did.
    func drain(_ group: inout ThrowingTaskGroup<Written, any Error>, run: inout Run, progress: @Sendable (Progress) -> Void) async throws {
        guard run.writing, let written = try await group.next() else { return }
        run.writing = false
        run.summary.created += written.created
        run.summary.skipped += written.skipped
        run.summary.reject(written.rejected)
        run.linesDone += written.lines
        run.report(progress, bytes: written.bytes)
    }

    /// Rejects the lines that do not parse, looks up the keys lines give themselves
    /// (`idempotencyKey`, one query), and validates the lines not taken before (without reading
    /// the store; the writer checks targets).
    func prepare(_ segment: Segment, of chunk: Chunk) async throws -> Prepared {
        var prepared = Prepared()
        prepared.lines = segment.indices.count + segment.skipped
        prepared.skipped = segment.skipped
        prepared.bytes = chunk.bytes
        var keyed: [(index: Int, idempotency: TriggerSubmission.Idempotency, liveHash: String?)] = []
        keyed.reserveCapacity(segment.indices.count)
        var ownKeys: [String] = []
        for i in segment.indices {
            let row = chunk.rows[i]
            guard let value = chunk.values[i], value.invalidReason == nil else {
                prepared.rejected.append((row.line, chunk.values[i]?.invalidReason ?? "line \(row.line) was not read"))
                continue
            }
            if let own = value.idempotencyKey {
                // A CMP notification keeps its own key unscoped (the channel scopes it), as the API does.
                let idempotency = value.notification.map { TriggerSubmission.Idempotency(key: own, bodyHash: $0.canonicalHash) }
                    ?? TriggerSubmission.Idempotency(key: "\(actor)|\(own)", bodyHash: row.digest.hex)
                ownKeys.append(idempotency.key)
                keyed.append((i, idempotency, nil))
            } else {
                keyed.append((i, chunk.keys[i], chunk.live[chunk.keys[i].key]))
            }
        }
        let liveOwn = ownKeys.isEmpty ? [:] : try await runtime.store.liveIdempotencyKeys(ownKeys, now: runtime.clock())
        prepared.submissions.reserveCapacity(keyed.count)
        prepared.lineNumbers.reserveCapacity(keyed.count)
        for (i, idempotency, liveHash) in keyed {
            let line = chunk.rows[i].line
            guard let value = chunk.values[i] else { continue }
            do {
                if let bodyHash = value.idempotencyKey == nil ? liveHash : liveOwn[idempotency.key] {
                    if bodyHash == idempotency.bodyHash {
                        prepared.skipped += 1
                        continue
                    }
                    // Another line under the same key: the store's own words for the conflict.
                    if try await runtime.store.replay(idempotency) != nil {
                        prepared.skipped += 1
                        continue
                    }
                }
                var submission = try await validate(value)
                submission.idempotency = idempotency
                prepared.submissions.append(submission)
                prepared.lineNumbers.append(line)
            } catch let e as HeraldError {
                prepared.rejected.append((line, e.description))
            }
        }
        return prepared
    }

    /// Writes a prepared segment in one transaction.
    func write(_ prepared: Prepared) async throws -> Written {
        var written = Written(skipped: prepared.skipped, rejected: prepared.rejected, lines: prepared.lines, bytes: prepared.bytes)
        if !prepared.submissions.isEmpty {
            let results = try await runtime.store.submitBatch(prepared.submissions, idempotencyWindow: .seconds(365 * 24 * 3600))
            for (line, result) in zip(prepared.lineNumbers, results) {
                switch result {
                case .success(let r) where r.replayed: written.skipped += 1  // a duplicate key within this run
                case .success: written.created += 1
                case .failure(let e): written.rejected.append((line, e.description))
                }
            }
        }
        written.rejected.sort { $0.line < $1.line }
        return written
    }

    /// Applies a customer-data line.
    func apply(_ v: ImportLine) async throws {
        switch v.data {
        case .customer(let c)?: try await runtime.store.upsertCustomer(try c.validated(id: c.id ?? ""))
        case .account(let a)?: try await runtime.store.upsertAccount(try a.validated(id: a.id ?? ""))
        case .subscription(let s)?: try await runtime.store.upsertSubscription(try s.validated(id: s.id ?? ""))
        case nil: break
        }
    }

    /// Validates a trigger line without reading the store when it is valid.
    func validate(_ v: ImportLine) async throws -> TriggerSubmission {
        if let n = v.notification {
            return try await runtime.intake.prepareNotification(n, actor: actor, forBatch: true)
        }
        if v.eventType != nil || v.eventCode != nil {
            return try await runtime.intake.prepareForBatch(
                WorkflowEventInput(eventType: v.eventType, eventCode: v.eventCode, customerId: v.customerId, accountId: v.accountId,
                                   subscriptionId: v.subscriptionId, whenToCreate: v.whenToCreate, priority: v.priority, fields: v.fields),
                actor: actor, source: .import)
        }
        let request = try await runtime.intake.prepareForBatch(
            CommsRequestInput(commsCode: v.commsCode, customerId: v.customerId, accountId: v.accountId, subscriptionId: v.subscriptionId,
                              priority: v.priority, deliveryMethod: v.deliveryMethod, fields: v.fields),
            actor: actor, source: .import)
        return TriggerSubmission(requests: [request], actor: actor)
    }
}
