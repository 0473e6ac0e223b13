import Foundation
import HeraldCore
import Logging
import Metrics
import ServiceLifecycle

/// Reads the print bureau's return files (``PrintReturnSource``: its outbox folder, local or on
/// its SFTP server) every `interval`: each file's good lines are applied in one commit
/// (``CommsStore/applyPrintReturns(_:actor:)``: through the one state machine, each line logged in
/// `delivery_reports`), then the file moves to `processed/` with a `<name>.errors` file naming
/// its bad lines. A file is applied once: a crash between the commit and the move applies it
/// again, which changes nothing (its moves are already made; they are logged as ignored).
public struct PrintReturnsPoller: Service {
    public let store: any CommsStore
    public let source: any PrintReturnSource
    public let interval: Duration
    public let logger: Logger
    let lines: Counter
    let badLines: Counter
    let unknown: Counter

    public var actor: String { "print-bureau" }

    public init(store: any CommsStore, source: any PrintReturnSource, interval: Duration = .seconds(30), logger: Logger) {
        self.store = store
        self.source = source
        self.interval = interval
        self.logger = logger
        lines = Counter(label: "herald_print_return_lines_total")
        badLines = Counter(label: "herald_print_return_bad_lines_total")
        unknown = Counter(label: "herald_print_return_unknown_pieces_total")
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await pollOnce()
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("print return files not read; will try again", metadata: ["error": "\(error)", "herald.source": "\(source.description)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// What one pass did, per file.
    public struct FileReport: Sendable {
        public var name: String
        public var results: [PrintReturnResult]
        public var problems: [String]
    }

    /// Applies every waiting file; returns what each did.
    @discardableResult
    public func pollOnce() async throws -> [FileReport] {
        var reports: [FileReport] = []
        for name in try await source.pending() {
            let contents = try await source.read(name)
            let results = contents.returns.isEmpty ? [] : try await store.applyPrintReturns(contents.returns, actor: actor)
            var problems = contents.problems
            for (line, result) in zip(contents.returns, results) {
                if case .unknownPiece = result { problems.append("\(line.source): unknown piece \(line.pieceId)") }
            }
            try await source.finish(name, problems: problems)
            lines.increment(by: results.count)
            badLines.increment(by: contents.problems.count)
            unknown.increment(by: results.count { if case .unknownPiece = $0 { true } else { false } })
            for problem in problems { logger.warning("print return line not applied", metadata: ["herald.file": "\(name)", "herald.problem": "\(problem)"]) }
            logger.info("print return file applied", metadata: ["herald.file": "\(name)", "herald.lines": "\(results.count)",
                                                                "herald.problems": "\(problems.count)"])
            reports.append(FileReport(name: name, results: results, problems: problems))
        }
        return reports
    }
}
