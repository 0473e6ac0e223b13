import Foundation
import HeraldCore
import NIOPosix

/// The development transport for every delivery method, like a development mail backend.
/// Everything lands in `<outbox>/<method>/`:
/// - SMS, push, online and external: one NDJSON spool file per sent batch
///   (`<UTC time>-<first distribution id>.ndjson`), one JSON message a line — a spool, as an
///   SMSC or push gateway would take it, and one file create per batch instead of per comm;
/// - emails: the `.eml` of each comm; letters: the merged letter document of each comm.
///
/// The reference recorded is `outbox:<method>/<file>` (`#<line>` for spool lines); online
/// comms are `published`. Files are written under a temporary name (`.<file>.<pid>.tmp`) and
/// renamed into place, so a reader never sees half a file; they are not fsynced (a development
/// transport: the stored document and the database are the durable record).
///
/// **Each distribution is written once, across crashes.** The outbox is local, so unlike a
/// network transport it can know what it already wrote. A batch written whose commit was lost
/// (the process was killed, the commit failed) is handed over again — after its lease, or at
/// once when its rows are released — by the same distributions, possibly grouped with others:
/// - an email or letter file is named by its distribution, so it is written again under the
///   same name: still one file per distribution;
/// - a spool folder keeps an index of the line that holds each distribution spooled there
///   (`OutboxFolder`), built from the spool files themselves: read in full on the first batch
///   of a process, then each new file as it appears (every writer notes its new file's name in
///   the folder's `.spool-journal` under an `flock` before renaming it into place, so files of
///   another writer are seen too, without listing the folder). A distribution already spooled is not written
///   again: its outcome is the reference of the line that holds it, so the commit that follows
///   records where it really is. Only the others go into a new spool file; a batch that was
///   written whole writes no file at all. Batches of one folder are spooled one at a time.
///
/// Temporary files left by a process that died between write and rename are removed before a
/// folder's first write (readers never counted them: hidden, ending `.tmp`). The decision needs
/// nothing from the database or the `Transmitter` port: the spool files are the record. Its
/// costs: one locked journal read and append per batch, each spool file read once per process, and about 50 bytes
/// of memory per distribution in the spool folder. Network transports (SMTP, SMPP, the HTTP
/// gateway) cannot know what the far end took and stay at-least-once, recording "possible
/// duplicate" where a reply was lost.
public struct OutboxTransmitter: Transmitter {
    public let method: DeliveryMethod
    public let directory: URL
    public let documents: any DocumentStore
    /// The method's folder: temporary-file clean-up and, for spools, the index of what is written.
    let folder: OutboxFolder

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

        /// The line's JSON, written by hand: the text a `JSONEncoder` with sorted keys, slashes
        /// unescaped and ISO 8601 dates writes (`excludedUntil` left out when nil), without its
        /// cost on every spooled comm (`OutboxLineTests` compare the two).
        public func jsonLine() -> [UInt8] {
            var json = JSONBuffer(capacity: 256 + message.utf8.count)
            json.beginObject()
            json.key("commsCode"); json.string(commsCode)
            json.key("createdAt"); json.string(UTCTimestamp.string(createdAt, milliseconds: false))
            if let excludedUntil {
                json.key("excludedUntil"); json.string(UTCTimestamp.string(excludedUntil, milliseconds: false))
            }
            json.key("id"); json.string(id)
            json.key("message"); json.string(message)
            json.key("method"); json.string(method)
            json.key("requestId"); json.string(requestId)
            json.key("target"); json.string(target)
            json.endObject()
            return json.bytes
        }
    }

    public init(method: DeliveryMethod, outbox: URL, documents: any DocumentStore) {
        self.method = method
        self.directory = outbox.appendingPathComponent(method.rawValue)
        self.documents = documents
        self.folder = OutboxFolder(url: directory)
    }

    public func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            return batch.map { _ in .retry("outbox unavailable: \(error)") }
        }
        folder.prepare()
        switch method {
        case .email, .letter:
            var outcomes: [TransmissionOutcome] = []
            outcomes.reserveCapacity(batch.count)
            for tx in batch { outcomes.append(await transmitDocument(tx)) }
            return outcomes
        case .sms, .push, .online, .external:
            return await spool(batch)
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
            try folder.publish(data, as: fileName)
            return .sent(reference: "outbox:\(d.method.rawValue)/\(fileName)")
        } catch {
            return .retry("outbox write failed: \(error)")
        }
    }

    /// Writes the text comms of a batch not spooled yet as one spool file (see the type's notes).
    func spool(_ batch: [Transmission]) async -> [TransmissionOutcome] {
        var outcomes = [TransmissionOutcome?](repeating: nil, count: batch.count)
        var lines: [OutboxFolder.Line] = []
        var indices: [Int] = []
        for (i, tx) in batch.enumerated() {
            let d = tx.distribution
            guard let text = d.message else {
                outcomes[i] = .permanent("no message text")
                continue
            }
            let message = Message(id: d.id, requestId: d.requestId, commsCode: tx.request.commsCode, method: d.method.rawValue,
                                  target: d.target, message: text, excludedUntil: d.excludedUntil, createdAt: d.createdAt)
            lines.append(OutboxFolder.Line(id: d.id, json: Data(message.jsonLine())))
            indices.append(i)
        }
        if !lines.isEmpty {
            // The folder's lock (and the journal's flock) are held across file I/O: on NIO's
            // blocking-I/O pool, not on a cooperative thread other tasks need (2 on 2 cores).
            let folder = self.folder, stamp = Self.stamp(Date()), spooled = lines
            let placed: [Result<String, any Error>]
            do {
                placed = try await NIOThreadPool.singleton.runIfActive { folder.spool(spooled, stamp: stamp) }
            } catch {
                placed = lines.map { _ in .failure(error) }
            }
            for (index, result) in zip(indices, placed) {
                switch result {
                case .success(let place):
                    let reference = "outbox:\(method.rawValue)/\(place)"
                    outcomes[index] = method == .online ? .published(reference: reference) : .sent(reference: reference)
                case .failure(let error):
                    outcomes[index] = .retry("outbox write failed: \(error)")
                }
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
}
