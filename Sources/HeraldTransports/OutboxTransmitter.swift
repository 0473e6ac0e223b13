import Foundation
import HeraldCore

/// The development transport for every delivery method, like a development mail backend.
/// Everything lands in `<outbox>/<method>/`:
/// - SMS, push, online and external: one NDJSON spool file per sent batch
///   (`<UTC time>-<first distribution id>.ndjson`), one JSON message a line — a spool, as an
///   SMSC or push gateway would take it, and one file create per batch instead of per comm;
/// - emails: the `.eml` of each comm; letters: the merged letter document of each comm.
///
/// The reference recorded is `outbox:<method>/<file>` (`#<line>` for spool lines); online
/// comms are `published`. Files are written under a temporary name and renamed into place, so
/// a reader never sees half a file; they are not fsynced (a development transport: the stored
/// document and the database are the durable record). After a crash between writing and
/// recording, the batch is sent again after its lease (at-least-once): an email or letter file
/// is overwritten under the same name; a spool line appears again in a new spool file.
public struct OutboxTransmitter: Transmitter {
    public let method: DeliveryMethod
    public let directory: URL
    public let documents: any DocumentStore

    /// One line of a spool file.
    public struct Message: Codable, Sendable, Hashable {
        public var id: String
        public var requestId: String
        public var commsCode: String
        public var method: String
        public var target: String
        public var message: String
        public var excludedUntil: Date?
        public var createdAt: Date
    }

    public init(method: DeliveryMethod, outbox: URL, documents: any DocumentStore) {
        self.method = method
        self.directory = outbox.appendingPathComponent(method.rawValue)
        self.documents = documents
    }

    public func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            return batch.map { _ in .retry("outbox unavailable: \(error)") }
        }
        switch method {
        case .email, .letter:
            var outcomes: [TransmissionOutcome] = []
            outcomes.reserveCapacity(batch.count)
            for tx in batch { outcomes.append(await transmitDocument(tx)) }
            return outcomes
        case .sms, .push, .online, .external:
            return spool(batch)
        }
    }

    /// Copies the comm's stored document into the outbox.
    func transmitDocument(_ tx: Transmission) async -> TransmissionOutcome {
        let d = tx.distribution
        guard let location = d.fileLocation else {
            return .permanent("no document to send: the \(d.method.rawValue) was never merged")
        }
        do {
            let data = try await documents.read(location)
            let ext = (try DocumentLocation(location).name as NSString).pathExtension
            let fileName = "\(d.id).\(ext.isEmpty ? "bin" : ext)"
            try Self.publish(data, as: directory.appendingPathComponent(fileName))
            return .sent(reference: "outbox:\(d.method.rawValue)/\(fileName)")
        } catch {
            return .retry("outbox write failed: \(error)")
        }
    }

    /// Writes the text comms of a batch as one spool file.
    func spool(_ batch: [Transmission]) -> [TransmissionOutcome] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var outcomes = [TransmissionOutcome?](repeating: nil, count: batch.count)
        var body = Data()
        var lines: [(index: Int, line: Int)] = []
        for (i, tx) in batch.enumerated() {
            let d = tx.distribution
            guard let text = d.message else {
                outcomes[i] = .permanent("no message text")
                continue
            }
            do {
                body += try encoder.encode(Message(id: d.id, requestId: d.requestId, commsCode: tx.request.commsCode, method: d.method.rawValue,
                                                   target: d.target, message: text, excludedUntil: d.excludedUntil, createdAt: d.createdAt))
                body.append(0x0A)
                lines.append((i, lines.count + 1))
            } catch {
                outcomes[i] = .permanent("cannot encode message: \(error)")
            }
        }
        if let first = lines.first {
            let fileName = "\(Self.stamp(Date()))-\(batch[first.index].distribution.id).ndjson"
            do {
                try Self.publish(body, as: directory.appendingPathComponent(fileName))
                for (index, line) in lines {
                    let reference = "outbox:\(method.rawValue)/\(fileName)#\(line)"
                    outcomes[index] = method == .online ? .published(reference: reference) : .sent(reference: reference)
                }
            } catch {
                for (index, _) in lines { outcomes[index] = .retry("outbox write failed: \(error)") }
            }
        }
        return outcomes.map { $0 ?? .retry("not written") }
    }

    /// `20261127T143656.123Z`: sortable, no characters file systems dislike.
    static func stamp(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02d.%03dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
                      c.second ?? 0, Int(ms % 1000))
    }

    /// Writes `data` to a hidden temporary file beside `url`, then renames it into place.
    static func publish(_ data: Data, as url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw HeraldError(.internalError, "cannot move \(temporary.lastPathComponent) into the outbox: errno \(code)")
        }
    }
}
