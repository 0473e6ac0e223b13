import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// The watched bounce folder: every `interval` (2 s) it reads each `*.eml` file in
/// `<data-dir>/inbound/dsn/` as a DSN (RFC 3464) and applies it as `POST /v1/inbound/email-dsn`
/// does (``DSNApplication``), then moves it to `done/`, or to `failed/` with a `<name>.error`
/// note beside it when it is not a DSN. A store failure leaves the file where it is for the
/// next scan. Writers should drop files atomically (write elsewhere, then rename to `*.eml`).
public struct BounceFolder: Service {
    /// The folder watched (`<data-dir>/inbound/dsn`).
    public let directory: URL
    /// Where bounces are applied.
    public let store: any CommsStore
    /// Time between scans (2 s).
    public let interval: Duration
    /// The time recorded for applied reports.
    public let clock: @Sendable () -> Date
    public let logger: Logger

    /// The actor written into history rows.
    public static let actor = "bounce-folder"

    /// One file's fate in a scan.
    public enum Outcome: Sendable, Hashable {
        /// Applied (matched or not) and moved to `done/`.
        case done(file: String, DSNApplication)
        /// Not a usable DSN: moved to `failed/` with the reason in `<file>.error`.
        case failed(file: String, reason: String)
        /// The store failed: left in place for the next scan.
        case retry(file: String, reason: String)
    }

    /// Creates the watcher of `directory` (created, with `done/` and `failed/`, at the first scan).
    public init(directory: URL, store: any CommsStore, interval: Duration = .seconds(2),
                clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "herald.bounces")) {
        self.directory = directory
        self.store = store
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Scans until graceful shutdown, sleeping `interval` between scans.
    public func run() async throws {
        await InboundFolder.watch(every: interval) { _ = await scan() }
    }

    /// Processes every `*.eml` file now, in name order; returns what became of each.
    public func scan() async -> [Outcome] {
        let fm = FileManager.default
        let done = directory.appendingPathComponent("done")
        let failed = directory.appendingPathComponent("failed")
        guard InboundFolder.prepare([directory, done, failed], logger: logger, what: "bounce") else { return [] }
        let names = InboundFolder.files(in: directory, endingIn: [".eml"])
        var outcomes: [Outcome] = []
        for name in names {
            if Task.isCancelled { break }
            let file = directory.appendingPathComponent(name)
            guard let bytes = fm.contents(atPath: file.path) else { continue }  // gone or unreadable: next scan
            let dsn: DeliveryStatusNotification
            do {
                dsn = try DeliveryStatusNotification.parse([UInt8](bytes))
            } catch {
                outcomes.append(fail(file, name: name, into: failed, reason: Self.describe(error)))
                continue
            }
            do {
                let applied = try await DSNApplication.apply(dsn, store: store, actor: Self.actor, at: clock())
                move(file, to: done.appendingPathComponent(name))
                logger.info("bounce applied", metadata: [
                    "herald.file": "\(name)", "herald.result": "\(applied.result)", "herald.reference": "\(applied.reference)",
                ])
                outcomes.append(.done(file: name, applied))
            } catch let error as HeraldError where error.kind == .invalidInput {
                outcomes.append(fail(file, name: name, into: failed, reason: error.message))
            } catch {
                logger.warning("bounce not applied; will try again", metadata: ["herald.file": "\(name)", "error": "\(error)"])
                outcomes.append(.retry(file: name, reason: "\(error)"))
            }
        }
        return outcomes
    }

    func fail(_ file: URL, name: String, into failed: URL, reason: String) -> Outcome {
        move(file, to: failed.appendingPathComponent(name))
        InboundFolder.note([reason], to: failed.appendingPathComponent(name + ".error"))
        logger.notice("bounce file is not a DSN; moved to failed/", metadata: ["herald.file": "\(name)", "herald.reason": "\(reason)"])
        return .failed(file: name, reason: reason)
    }

    func move(_ file: URL, to target: URL) {
        InboundFolder.move(file, to: target, logger: logger, what: "bounce")
    }

    static func describe(_ error: any Error) -> String {
        (error as? HeraldError)?.message ?? "\(error)"
    }
}
