import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// The watched status folder (`<data-dir>/inbound/status/`): external systems that report by
/// file drop JSON there — a `*.json` file holding an array of status updates (the body of
/// `POST /v1/status-updates`), or a `*.ndjson`/`*.jsonl` file with one update per line. Every
/// `interval` (2 s) each file is applied once, in chunks of 1,000 updates, each chunk one
/// transaction (``CommsStore/applyStatusUpdates(_:scope:actor:permit:)``, idempotent by
/// `updateId` within the file name's sender prefix, so a file applied again after a crash
/// changes nothing), then moved to
/// `processed/`, with `<name>.errors` beside it naming each bad line or item and each update
/// that was unknown or illegal; a file that is not JSON at all goes to `rejected/` with its
/// `.errors`. A store failure leaves the file for the next scan. Writers should drop files
/// atomically (write elsewhere, then rename).
public struct StatusFolder: Service {
    /// The folder watched.
    public let directory: URL
    public let store: any CommsStore
    public let interval: Duration
    public let logger: Logger

    /// The actor written into history rows, and the idempotency scope of file updates.
    public static let actor = "status-folder"

    /// One file's fate in a scan.
    public enum Outcome: Sendable, Hashable {
        /// Applied (every good update) and moved to `processed/`; `problems` lines in `.errors`.
        case processed(file: String, applied: Int, problems: Int)
        /// Not JSON: moved to `rejected/` with the reason.
        case rejected(file: String, reason: String)
        /// The store failed: left in place for the next scan.
        case retry(file: String, reason: String)
    }

    public init(directory: URL, store: any CommsStore, interval: Duration = .seconds(2), logger: Logger = Logger(label: "herald.status-folder")) {
        self.directory = directory
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await InboundFolder.watch(every: interval) { _ = await scan() }
    }

    /// Processes every status file now, in name order.
    public func scan() async -> [Outcome] {
        let fm = FileManager.default
        let processed = directory.appendingPathComponent("processed")
        let rejected = directory.appendingPathComponent("rejected")
        guard InboundFolder.prepare([directory, processed, rejected], logger: logger, what: "status") else { return [] }
        let names = InboundFolder.files(in: directory, endingIn: [".json", ".ndjson", ".jsonl"])
        var outcomes: [Outcome] = []
        for name in names {
            if Task.isCancelled { break }
            let file = directory.appendingPathComponent(name)
            guard let bytes = fm.contents(atPath: file.path) else { continue }
            let parsed: [(String, Result<StatusUpdate, HeraldError>)]
            do {
                parsed = try Self.read(bytes, ndjson: !name.lowercased().hasSuffix(".json"))
            } catch {
                let reason = (error as? HeraldError)?.message ?? "\(error)"
                move(file, to: rejected.appendingPathComponent(name))
                write(errors: ["\(name): \(reason)"], to: rejected.appendingPathComponent(name + ".errors"))
                logger.notice("status file rejected", metadata: ["herald.file": "\(name)", "herald.reason": "\(reason)"])
                outcomes.append(.rejected(file: name, reason: reason))
                continue
            }
            var problems: [String] = []
            var good: [(String, StatusUpdate)] = []
            for (position, result) in parsed {
                switch result {
                case .success(let update): good.append((position, update))
                case .failure(let error): problems.append("\(position): invalid: \(error.message)\(error.field.map { " (\($0))" } ?? "")")
                }
            }
            do {
                var applied = 0
                var start = 0
                while start < good.count {
                    let chunk = Array(good[start..<min(start + 1000, good.count)])
                    let results = try await store.applyStatusUpdates(chunk.map(\.1), scope: Self.scope(of: name), actor: Self.actor, permit: nil)
                    for ((position, _), result) in zip(chunk, results) {
                        switch result.result {
                        case .applied: applied += 1
                        case .ignored: break
                        case .unknown, .illegal, .invalid: problems.append("\(position): \(result.result.rawValue): \(result.detail)")
                        }
                    }
                    start += 1000
                }
                move(file, to: processed.appendingPathComponent(name))
                if !problems.isEmpty { write(errors: problems, to: processed.appendingPathComponent(name + ".errors")) }
                logger.info("status file applied", metadata: [
                    "herald.file": "\(name)", "herald.applied": "\(applied)", "herald.problems": "\(problems.count)",
                ])
                outcomes.append(.processed(file: name, applied: applied, problems: problems.count))
            } catch {
                logger.warning("status file not applied; will try again", metadata: ["herald.file": "\(name)", "error": "\(error)"])
                outcomes.append(.retry(file: name, reason: "\(error)"))
            }
        }
        return outcomes
    }

    /// The idempotency scope of a file's updates: `status-folder:<sender>`, the sender being the
    /// file name up to its first `-`, `_` or `.` (`portal-0001.ndjson` → `portal`), so two systems
    /// numbering their updates alike never answer for each other.
    static func scope(of name: String) -> String {
        "status-folder:" + (name.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." }).first.map(String.init) ?? name)
    }

    /// The updates of a file, each with its position (`line 3`, `[2]`): a JSON array, or one
    /// JSON object per line (blank lines skipped). Throws when the file is not JSON at all.
    static func read(_ bytes: Data, ndjson: Bool) throws -> [(String, Result<StatusUpdate, HeraldError>)] {
        func one(_ value: Any, _ position: String) -> (String, Result<StatusUpdate, HeraldError>) {
            do {
                return (position, .success(try StatusUpdateInput.parse(value, position: position)))
            } catch {
                return (position, .failure(error as? HeraldError ?? HeraldError.invalid(position, "\(error)")))
            }
        }
        if !ndjson {
            guard let parsed = try? JSONSerialization.jsonObject(with: bytes) else { throw HeraldError.invalid(nil, "not valid JSON") }
            guard let array = parsed as? [Any] else { throw HeraldError.invalid(nil, "a .json status file must hold a JSON array of updates") }
            return array.enumerated().map { one($1, "[\($0)]") }
        }
        guard let text = String(data: bytes, encoding: .utf8) else { throw HeraldError.invalid(nil, "not UTF-8 text") }
        var out: [(String, Result<StatusUpdate, HeraldError>)] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let position = "line \(i + 1)"
            guard let value = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) else {
                out.append((position, .failure(HeraldError.invalid(position, "not valid JSON"))))
                continue
            }
            out.append(one(value, position))
        }
        return out
    }

    func write(errors: [String], to file: URL) {
        InboundFolder.note(errors, to: file)
    }

    func move(_ file: URL, to target: URL) {
        InboundFolder.move(file, to: target, logger: logger, what: "status")
    }
}
