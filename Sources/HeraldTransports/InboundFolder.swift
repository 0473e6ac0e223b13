import Foundation
import Logging
import ServiceLifecycle

/// What the watched inbound folders share (``BounceFolder``: DSN files; ``StatusFolder``:
/// status-update files): the scan loop until graceful shutdown, the folders made at the first
/// scan, the files taken in name order (hidden ones never: writers drop files atomically by
/// renaming them in), and the move of a handled file beside a note of what was wrong with it.
enum InboundFolder {
    /// Calls `scan` every `interval` until graceful shutdown.
    static func watch(every interval: Duration, _ scan: @escaping @Sendable () async -> Void) async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await scan()
                try? await Task.sleep(for: interval)  // cancelled on graceful shutdown: the loop ends
            }
        }
    }

    /// Makes `folders`; false (logged) when one cannot be made.
    static func prepare(_ folders: [URL], logger: Logger, what: String) -> Bool {
        do {
            for folder in folders { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
            return true
        } catch {
            logger.warning("cannot create the \(what) folder", metadata: ["herald.folder": "\(folders.first?.path ?? "")", "error": "\(error)"])
            return false
        }
    }

    /// The names of the files in `directory` ending in one of `suffixes` (any case), in name order.
    static func files(in directory: URL, endingIn suffixes: [String]) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { name in
            let lower = name.lowercased()
            return !name.hasPrefix(".") && suffixes.contains { lower.hasSuffix($0) }
        }.sorted()
    }

    /// Moves a file, replacing one of the same name.
    static func move(_ file: URL, to target: URL, logger: Logger, what: String) {
        let fm = FileManager.default
        try? fm.removeItem(at: target)
        do {
            try fm.moveItem(at: file, to: target)
        } catch {
            logger.warning("cannot move a \(what) file", metadata: ["herald.file": "\(file.path)", "error": "\(error)"])
        }
    }

    /// Writes `lines` (one a line) as a note file.
    static func note(_ lines: [String], to file: URL) {
        try? Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file, options: .atomic)
    }
}
