import Foundation

/// One item of `POST /v1/status-updates` (and of a status file): an external system, print
/// bureau or portal reporting what became of a comm — the "Acknowledge Comms Receipt Of"
/// daemon of the system we re-build, with how it was actually sent and when it was read.
public struct StatusUpdateInput: Sendable, Hashable, Codable {
    /// The sender's id of this update: its idempotency key (the same id again changes nothing
    /// and answers as the first time).
    public var updateId: String?
    /// Herald's request id; or:
    public var requestId: String?
    /// a provider reference Herald recorded for the comm (an SMSC id, a webhook answer's id, a
    /// print piece's `<zip>#<piece>`).
    public var reference: String?
    /// `sent`, `delivered`, `undeliverable`, `error` or `read`.
    public var status: String?
    /// When it happened, by the reporting system's clock (ISO 8601); the report's arrival when absent.
    public var at: String?
    /// How the comm was actually sent (ActualDistributionMethod).
    public var actualMethod: String?
    /// To whom it was actually sent (ActualDistributionTarget).
    public var actualTarget: String?
    /// The reporting system's words.
    public var reason: String?
    /// The reporting system's code.
    public var code: String?

    public init(updateId: String?, requestId: String? = nil, reference: String? = nil, status: String?, at: String? = nil,
                actualMethod: String? = nil, actualTarget: String? = nil, reason: String? = nil, code: String? = nil) {
        self.updateId = updateId
        self.requestId = requestId
        self.reference = reference
        self.status = status
        self.at = at
        self.actualMethod = actualMethod
        self.actualTarget = actualTarget
        self.reason = reason
        self.code = code
    }

    /// The keys an update may have.
    public static let keys: Set<String> = ["updateId", "requestId", "reference", "status", "at", "actualMethod", "actualTarget", "reason", "code"]

    /// One parsed JSON value (`JSONSerialization`) as a checked update; a ``HeraldError`` naming
    /// the field, prefixed with `position` (`[3].status`, `line 7: status`).
    public static func parse(_ element: Any, position: String) throws -> StatusUpdate {
        guard let object = element as? [String: Any] else { throw HeraldError.invalid(position, "each status update must be a JSON object") }
        if let unknown = object.keys.filter({ !keys.contains($0) }).min() {
            throw HeraldError.invalid("\(position).\(unknown)", "unknown field '\(unknown)'")
        }
        func text(_ key: String) throws -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let s = value as? String else { throw HeraldError.invalid("\(position).\(key)", "\(key) must be a string") }
            return s
        }
        let input = StatusUpdateInput(
            updateId: try text("updateId"), requestId: try text("requestId"), reference: try text("reference"), status: try text("status"),
            at: try text("at"), actualMethod: try text("actualMethod"), actualTarget: try text("actualTarget"),
            reason: try text("reason"), code: try text("code"))
        do {
            return try input.validated()
        } catch {
            throw HeraldError.invalid("\(position).\(error.field ?? "")", error.message)
        }
    }

    /// Checks the item, naming the first field that is wrong.
    public func validated() throws(HeraldError) -> StatusUpdate {
        guard let updateId, !updateId.isEmpty else { throw .invalid("updateId", "updateId is required (the update's own id, its idempotency key)") }
        guard updateId.count <= 200 else { throw .invalid("updateId", "updateId must be at most 200 characters") }
        let comm: StatusUpdate.Comm
        switch (requestId.flatMap { $0.isEmpty ? nil : $0 }, reference.flatMap { $0.isEmpty ? nil : $0 }) {
        case (let id?, nil): comm = .request(id)
        case (nil, let ref?): comm = .reference(ref)
        case (_?, _?): throw .invalid("reference", "give requestId or reference, not both")
        case (nil, nil): throw .invalid("requestId", "requestId or reference is required")
        }
        guard let raw = status else { throw .invalid("status", "status is required: \(StatusUpdate.Status.names)") }
        guard let status = StatusUpdate.Status(rawValue: raw) else {
            throw .invalid("status", "status must be one of \(StatusUpdate.Status.names), got '\(raw)'")
        }
        var when: Date?
        if let at {
            guard let date = try? Date(at, strategy: .iso8601) else {
                throw .invalid("at", "at must be an ISO 8601 date-time like 2026-12-07T09:30:00Z, got '\(at)'")
            }
            when = date
        }
        var method: DeliveryMethod?
        if let actualMethod {
            guard let m = DeliveryMethod(rawValue: actualMethod) else {
                throw .invalid("actualMethod", "actualMethod must be one of \(DeliveryMethod.allCases.map(\.rawValue).joined(separator: ", ")), got '\(actualMethod)'")
            }
            method = m
        }
        if let actualTarget, actualTarget.isEmpty || actualTarget.count > 500 {
            throw .invalid("actualTarget", "actualTarget must be 1 to 500 characters")
        }
        return StatusUpdate(updateId: updateId, comm: comm, status: status, at: when, actualMethod: method,
                            actualTarget: actualTarget, reason: reason, code: code)
    }
}

/// A checked status update.
public struct StatusUpdate: Sendable, Hashable {
    /// How the update names its comm.
    public enum Comm: Sendable, Hashable {
        case request(String)
        case reference(String)
    }

    /// What the reporting system says happened.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case sent, delivered, undeliverable, error, read
        static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
    }

    public var updateId: String
    public var comm: Comm
    public var status: Status
    public var at: Date?
    public var actualMethod: DeliveryMethod?
    public var actualTarget: String?
    public var reason: String?
    public var code: String?

    public init(updateId: String, comm: Comm, status: Status, at: Date? = nil, actualMethod: DeliveryMethod? = nil,
                actualTarget: String? = nil, reason: String? = nil, code: String? = nil) {
        self.updateId = updateId
        self.comm = comm
        self.status = status
        self.at = at
        self.actualMethod = actualMethod
        self.actualTarget = actualTarget
        self.reason = reason
        self.code = code
    }

    /// What the update says, as one text (the same update gives the same text): an updateId
    /// used again for a different update is told apart by it.
    public var digest: String {
        let comm = switch comm { case .request(let id): "request:\(id)"; case .reference(let r): "reference:\(r)" }
        let parts: [String?] = [comm, status.rawValue, at.map { String($0.timeIntervalSince1970) }, actualMethod?.rawValue, actualTarget, reason, code]
        return parts.map { $0 ?? "" }.joined(separator: "\u{1F}")
    }

    /// The reporting system's words and code, for history and `last_error`.
    public var detail: String? {
        let parts = [code.map { "code \($0)" }, reason].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }
}

/// What became of one status update.
public struct StatusUpdateResult: Sendable, Hashable {
    public enum Result: String, Sendable, Hashable, Codable {
        /// The comm moved (or its actual send or read time was recorded).
        case applied
        /// The comm is already further on (or already read): nothing changed.
        case ignored
        /// No comm has that request id or reference.
        case unknown
        /// The move is not one the comm can make now; the detail names its status.
        case illegal
        /// The item itself is malformed; the detail names the field.
        case invalid
    }

    public var updateId: String
    public var result: Result
    public var detail: String
    public var requestId: String?

    public init(updateId: String, result: Result, detail: String, requestId: String? = nil) {
        self.updateId = updateId
        self.result = result
        self.detail = detail
        self.requestId = requestId
    }
}

/// What a status update does to a distribution, decided by ``StatusMachine`` (no I/O).
public enum StatusUpdateEffect: Sendable, Hashable {
    /// Move the distribution to this status.
    case move(DistributionStatus)
    /// Record the actual send (method, target, time) without a move: the comm was already sent.
    case recordSent
    /// Record the first read (`readAt`).
    case recordRead
    /// Already further on, or already read.
    case ignored(String)
    /// Not a move this comm can make now.
    case illegal(String)
}
