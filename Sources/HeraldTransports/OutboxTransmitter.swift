import Foundation
import HeraldCore

/// The development transport for every delivery method, like a development mail backend:
/// each comm becomes a file in `<outbox>/<method>/` — JSON for SMS, push, online and external;
/// the `.eml` for emails; the merged letter document for letters. Files are written atomically.
/// The reference recorded is `outbox:<method>/<file>`; online comms are `published`.
///
/// Each file is written under a temporary name and renamed into place, so a reader never sees
/// half a file and a crash leaves none; it is not fsynced (a development transport; the stored
/// document and the database are the durable record). A resend after a crash overwrites the
/// same file name: the outbox is idempotent per distribution.
public struct OutboxTransmitter: Transmitter {
    public let method: DeliveryMethod
    public let directory: URL
    public let documents: any DocumentStore

    /// The JSON written for text methods.
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
            return batch.map { _ in .failed(retryable: true, reason: "outbox unavailable: \(error)") }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var outcomes: [TransmissionOutcome] = []
        outcomes.reserveCapacity(batch.count)
        for tx in batch {
            outcomes.append(await transmit(tx, encoder: encoder))
        }
        return outcomes
    }

    func transmit(_ tx: Transmission, encoder: JSONEncoder) async -> TransmissionOutcome {
        let d = tx.distribution
        do {
            let data: Data
            let fileName: String
            switch d.method {
            case .email, .letter:
                guard let location = d.fileLocation else {
                    return .failed(retryable: false, reason: "no document to send: the \(d.method.rawValue) was never merged")
                }
                data = try await documents.read(location)
                fileName = "\(d.id)." + ((location as NSString).pathExtension.isEmpty ? "bin" : (location as NSString).pathExtension)
            case .sms, .push, .online, .external:
                guard let text = d.message else { return .failed(retryable: false, reason: "no message text") }
                data = try encoder.encode(Message(id: d.id, requestId: d.requestId, commsCode: tx.request.commsCode, method: d.method.rawValue,
                                                  target: d.target, message: text, excludedUntil: d.excludedUntil, createdAt: d.createdAt))
                fileName = "\(d.id).json"
            }
            try Self.publish(data, as: directory.appendingPathComponent(fileName))
            let reference = "outbox:\(d.method.rawValue)/\(fileName)"
            return d.method == .online ? .published(reference: reference) : .sent(reference: reference)
        } catch {
            return .failed(retryable: true, reason: "outbox write failed: \(error)")
        }
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
