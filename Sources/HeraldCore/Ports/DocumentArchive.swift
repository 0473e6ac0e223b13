import Foundation

/// Long-term storage of documents — the storage step ("Comms Transmission to Document
/// Storage"): every email and letter the merge monitors make gets one object here, written by
/// the archive stage independently of sending. Backends: the filesystem, S3, SFTP; a
/// ``DocumentArchive`` may wrap another to encrypt what it stores.
///
/// A backend writes each object atomically (a reader never sees half of it) and may be asked to
/// write the same key again (a store whose commit was lost): it then replaces the object.
public protocol DocumentArchive: Sendable {
    /// The backend's name as recorded and shown: `fs`, `s3`, `sftp`.
    var backend: String { get }
    /// Stores `document` under `key` (a relative path such as
    /// `herald/2026/12/07/08/<request id>.pdf`, see ``ArchiveKey``) and says where it is.
    /// Failures are ``ArchiveFailure``s, telling a passing fault from a refusal.
    func put(_ document: [UInt8], key: String) async throws -> ArchivedObject
    /// Reads back the plaintext of an object this backend stored, by the location it returned.
    /// A missing object is an ``ArchiveFailure`` of kind ``ArchiveFailure/Kind/notFound``.
    func get(location: String) async throws -> [UInt8]
    /// Whether an object is stored under `key` (the print drop's check for a batch already at
    /// the bureau), without reading it.
    func contains(key: String) async throws -> Bool
    /// Closes connections (SFTP sessions); the archive takes no more calls. Default: nothing.
    func shutdown() async
}

extension DocumentArchive {
    public func shutdown() async {}
}

/// Where a backend put a document.
public struct ArchivedObject: Sendable, Hashable {
    /// The object's address in its backend, as recorded and shown (`fs:storage/herald/…`,
    /// `s3://bucket/herald/…`, `sftp://user@host:22/archive/herald/…`).
    public var location: String
    /// The id of the key the object was encrypted with; nil when stored in the clear.
    public var keyId: String?
    /// Bytes written to the backend (the envelope's size when encrypted).
    public var storedSize: Int

    public init(location: String, keyId: String? = nil, storedSize: Int) {
        self.location = location
        self.keyId = keyId
        self.storedSize = storedSize
    }
}

/// Why an archive operation failed, in the terms the archive stage acts on.
public struct ArchiveFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// A passing fault (unreachable, slow, full, 5xx, a dropped connection): retried with backoff.
        case transient
        /// A refusal that only a configuration change cures (bad credentials, access denied, a
        /// host key mismatch): kept visible and retried slowly.
        case permanent
        /// The object is not there (reads only).
        case notFound
        /// The object is there but cannot be what was stored (bad envelope, wrong key, failed tag).
        case corrupt
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The object key of a stored document: `<prefix>/YYYY/MM/dd/HH/<comms request id>.<ext>`, the
/// hour of its merge in UTC, as the system we re-build lays out its permanent storage.
public enum ArchiveKey {
    public static func make(prefix: String, mergedAt: Date, requestId: String, fileExtension: String) -> String {
        let c = Calendar.utc.dateComponents([.year, .month, .day, .hour], from: mergedAt)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        let folder = "\(c.year ?? 1970)/\(two(c.month))/\(two(c.day))/\(two(c.hour))"
        let trimmed = prefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return (trimmed.isEmpty ? "" : trimmed + "/") + "\(folder)/\(requestId).\(fileExtension)"
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC.
    static let utc: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()
}
