import Crypto
import Foundation

/// Where a distribution's document stands in long-term storage. One row per document
/// (`stored_documents`), made in the same commit as the merge that wrote the document, so no
/// document escapes the archive stage; moves through ``StatusMachine``.
public enum StorageStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting to be stored (or to be stored again after a failure).
    case waiting
    /// Stored: backend, location, hash and chain link recorded.
    case stored

    /// The status letter in the table (Herald's own; CMP has no such status).
    public var code: String {
        switch self {
        case .waiting: "W"
        case .stored: "S"
        }
    }

    public init?(code: String) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }
}

/// A document to store, as the merge monitor hands it over and the archive stage claims it.
public struct PendingDocument: Sendable, Hashable {
    /// The distribution whose document it is (the row's id).
    public var distributionId: String
    public var requestId: String
    /// Where the merge monitor wrote it locally (a `fileLocation`).
    public var localLocation: String
    /// `eml` or `pdf`: the stored object's extension.
    public var fileExtension: String
    /// When it was merged: the hour of this time (UTC) names the object's folder.
    public var mergedAt: Date
    public var status: StorageStatus
    /// Store attempts so far (failed ones; a stored document keeps its count).
    public var attempts: Int

    public init(distributionId: String, requestId: String, localLocation: String, fileExtension: String, mergedAt: Date,
                status: StorageStatus = .waiting, attempts: Int = 0) {
        self.distributionId = distributionId
        self.requestId = requestId
        self.localLocation = localLocation
        self.fileExtension = fileExtension
        self.mergedAt = mergedAt
        self.status = status
        self.attempts = attempts
    }
}

/// A document's record in long-term storage, as the API shows it (`storedDocument`).
public struct StoredDocument: Sendable, Hashable {
    public var status: StorageStatus
    /// `fs`, `s3`, `sftp`; nil until stored.
    public var backend: String?
    public var location: String?
    /// SHA-256 of the plaintext document, lowercase hex.
    public var sha256: String?
    /// Size of the plaintext document in bytes.
    public var size: Int?
    public var storedAt: Date?
    /// The encryption key's id; nil when stored in the clear.
    public var keyId: String?
    /// The last failed attempt's error while the document waits; cleared once stored.
    public var lastError: String?
    public var attempts: Int
    /// The document's place in the hash chain and the chain's hashes (see ``DocumentChain``).
    public var chainSeq: Int64?
    public var previousHash: String?
    public var recordHash: String?
    /// The local document it was stored from (the merge's `fileLocation`).
    public var localLocation: String
    public var requestId: String
    public var distributionId: String

    public init(status: StorageStatus, backend: String? = nil, location: String? = nil, sha256: String? = nil, size: Int? = nil,
                storedAt: Date? = nil, keyId: String? = nil, lastError: String? = nil, attempts: Int = 0, chainSeq: Int64? = nil,
                previousHash: String? = nil, recordHash: String? = nil, localLocation: String, requestId: String, distributionId: String) {
        self.status = status
        self.backend = backend
        self.location = location
        self.sha256 = sha256
        self.size = size
        self.storedAt = storedAt
        self.keyId = keyId
        self.lastError = lastError
        self.attempts = attempts
        self.chainSeq = chainSeq
        self.previousHash = previousHash
        self.recordHash = recordHash
        self.localLocation = localLocation
        self.requestId = requestId
        self.distributionId = distributionId
    }
}

/// A storage status move: a document stored, or an attempt that failed (waiting → waiting with
/// the error and the next attempt's time). Checked by ``StatusMachine`` when made.
public struct StorageTransition: Sendable, Hashable {
    /// What a successful store recorded.
    public struct Stored: Sendable, Hashable {
        public var backend: String
        public var location: String
        public var sha256: String
        public var size: Int
        public var keyId: String?
        public init(backend: String, location: String, sha256: String, size: Int, keyId: String?) {
            self.backend = backend
            self.location = location
            self.sha256 = sha256
            self.size = size
            self.keyId = keyId
        }
    }

    public private(set) var distributionId: String
    public private(set) var requestId: String
    public private(set) var from: StorageStatus
    public private(set) var to: StorageStatus
    public var at: Date
    /// Set when `to` is ``StorageStatus/stored``.
    public var stored: Stored?
    public var lastError: String?
    /// The next attempt (a failure); nil clears it.
    public var retryAt: Date?
    public var attempts: Int

    public init(_ document: PendingDocument, to: StorageStatus, at: Date) throws(HeraldError) {
        try StatusMachine.check(storage: document.status, to: to)
        self.distributionId = document.distributionId
        self.requestId = document.requestId
        self.from = document.status
        self.to = to
        self.at = at
        self.attempts = document.attempts
    }
}

/// The hash chain over stored-document records: each record's hash covers the previous
/// record's hash and its own fields, so a record altered, removed or inserted by hand breaks
/// every link after it (`herald documents verify`). The first record's previous hash is 64 zeros.
public enum DocumentChain {
    /// The previous hash of the first record.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of one record: SHA-256 over the previous hash and the record's fields, one per
    /// line (`previous`, request id, backend, location, sha256, size, stored-at in ms, key id
    /// or empty), lowercase hex.
    public static func link(previous: String, requestId: String, stored: StorageTransition.Stored, storedAt: Date) -> String {
        let millis = Int64((storedAt.timeIntervalSince1970 * 1000).rounded())
        let text = [previous, requestId, stored.backend, stored.location, stored.sha256, String(stored.size), String(millis),
                    stored.keyId ?? ""].joined(separator: "\n")
        return hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// SHA-256 of `bytes`, lowercase hex.
    public static func sha256(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
