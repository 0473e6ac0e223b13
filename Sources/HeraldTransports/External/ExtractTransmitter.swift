import Crypto
import Foundation
import HeraldCore
import Logging

/// Writes the external comms of a batch as generic-format files for third parties to collect
/// (docs/external-extract.md): one file per external system in the batch, named
/// `<system>-<UTC time>-<batch id>.<ndjson|csv>` (`PORTAL-20261207T094546Z-3f9a0c1d2e4b.ndjson`;
/// `external` for codes that name no system), put whole through a ``DocumentArchive``: a
/// folder (``FileArchive``: hidden temporary file, `fsync`, rename — a collector never sees
/// half a file), an SFTP folder or an S3 prefix. Each distribution is then
/// `sent(reference: "<file name>#<line>")`, the line its record starts on.
///
/// The batch id is made from the batch's distribution ids, so the file of a batch sent again
/// differs from the first only by its time. A file that cannot be written fails its
/// distributions as retryable.
public struct ExtractTransmitter: Transmitter {
    /// The file format.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// One JSON object (``ExternalCommPayload``) per line.
        case ndjson
        /// RFC 4180 CSV with a header row; `fields` is a JSON object in its column.
        case csv
    }

    public let format: Format
    /// Where files are put; keys are the file names, under ``prefix``.
    public let destination: any DocumentArchive
    /// Folders before the file name in the destination (`outgoing/`), or empty.
    public let prefix: String
    /// The external system of a comms code (code.json `external.system`).
    public let systemOfCode: @Sendable (String) -> String?
    let clock: @Sendable () -> Date
    let logger: Logger

    /// The file name of comms whose code names no system.
    public static let noSystemName = "external"

    public init(format: Format, destination: any DocumentArchive, prefix: String = "",
                logger: Logger = Logger(label: "herald.external.extract"), clock: @escaping @Sendable () -> Date = { Date() },
                systemOfCode: @escaping @Sendable (String) -> String?) {
        self.format = format
        self.destination = destination
        self.prefix = prefix.split(separator: "/").joined(separator: "/")
        self.systemOfCode = systemOfCode
        self.clock = clock
        self.logger = logger
    }

    /// A transmitter taking each code's system from `catalog`.
    public init(format: Format, destination: any DocumentArchive, prefix: String = "", catalog: any TemplateCatalog,
                logger: Logger = Logger(label: "herald.external.extract")) {
        self.init(format: format, destination: destination, prefix: prefix, logger: logger) { catalog.code($0)?.externalSystem }
    }

    /// Writes one file per system; one outcome per transmission, in order.
    public func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome] {
        var outcomes = [TransmissionOutcome?](repeating: nil, count: batch.count)
        var bySystem: [String: [Int]] = [:]
        var order: [String] = []
        for (index, tx) in batch.enumerated() {
            let system = systemOfCode(tx.request.commsCode) ?? Self.noSystemName
            if bySystem[system] == nil { order.append(system) }
            bySystem[system, default: []].append(index)
        }
        let now = clock()
        for system in order {
            let indices = bySystem[system]!
            let items = indices.map { batch[$0] }
            let name = Self.fileName(system: system, time: now, batchID: Self.batchID(items), format: format)
            let (bytes, lines) = Self.render(items, system: system == Self.noSystemName ? nil : system, format: format)
            let key = prefix.isEmpty ? name : prefix + "/" + name
            do {
                _ = try await destination.put(bytes, key: key)
                for (index, line) in zip(indices, lines) { outcomes[index] = .sent(reference: "\(name)#\(line)") }
            } catch {
                logger.warning("external extract \(key) not written: \(error)")
                for index in indices { outcomes[index] = .retry("extract file \(name) not written to \(destination.backend): \(error)") }
            }
        }
        return outcomes.map { $0 ?? .retry("not written") }
    }

    /// `<system>-<yyyyMMdd'T'HHmmss'Z'>-<batch id>.<ext>`.
    public static func fileName(system: String, time: Date, batchID: String, format: Format) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: time)
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        let stamp = "\(c.year ?? 1970)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
        return "\(system)-\(stamp)-\(batchID).\(format.rawValue)"
    }

    /// 12 hex digits of SHA-256 over the distribution ids.
    static func batchID(_ items: [Transmission]) -> String {
        let digest = SHA256.hash(data: Array(items.map(\.distribution.id).joined(separator: "\n").utf8))
        return digest.prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    /// The file's bytes and the line each item's record starts on.
    static func render(_ items: [Transmission], system: String?, format: Format) -> (bytes: [UInt8], lines: [Int]) {
        var out: [UInt8] = []
        var lines: [Int] = []
        switch format {
        case .ndjson:
            for (i, tx) in items.enumerated() {
                out += ExternalCommPayload(tx, system: system).json()
                out.append(0x0A)
                lines.append(i + 1)
            }
        case .csv:
            var line = 1
            func row(_ values: [String]) {
                let text = values.map(csvField).joined(separator: ",") + "\r\n"
                out += Array(text.utf8)
            }
            row(ExternalCommPayload.columns)
            line += 1
            for tx in items {
                let p = ExternalCommPayload(tx, system: system)
                let fields = p.fieldsJSON()
                let values = [p.requestId, p.distributionId, p.commsCode, p.system ?? "", p.method, p.target, p.language,
                              p.message, fields, p.createdAt]
                lines.append(line)
                row(values)
                // A quoted field's own line breaks make the record span more lines.
                line += 1 + values.reduce(0) { $0 + newlines(in: $1) }
            }
        }
        return (out, lines)
    }

    /// A CSV field: quoted (with doubled quotes) when it holds a comma, quote or line break.
    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Line breaks as a line counter sees them (CRLF once).
    static func newlines(in value: String) -> Int {
        var count = 0
        var previousCR = false
        for byte in value.utf8 {
            if byte == 0x0A { if !previousCR { count += 1 } } else if byte == 0x0D { count += 1 }
            previousCR = byte == 0x0D
        }
        return count
    }
}
