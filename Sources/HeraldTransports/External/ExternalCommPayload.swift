import Foundation
import HeraldCore

/// One external comm as webhooks and extract files carry it (docs/external-extract.md):
/// `requestId`, `distributionId`, `commsCode`, `system`, `method` (`external`), `target`,
/// `language`, `message` (the rendered external template), `fields` (the merge fields) and
/// `createdAt` (ISO 8601, UTC, milliseconds).
public struct ExternalCommPayload: Sendable, Hashable, Codable {
    public var requestId: String
    public var distributionId: String
    public var commsCode: String
    /// The external system (code.json `external.system`); nil when the code names none.
    public var system: String?
    public var method: String
    public var target: String
    public var language: String
    public var message: String
    public var fields: [String: String]
    public var createdAt: String

    /// The payload of `tx` for `system`.
    public init(_ tx: Transmission, system: String?) {
        requestId = tx.request.id
        distributionId = tx.distribution.id
        commsCode = tx.request.commsCode
        self.system = system
        method = tx.distribution.method.rawValue
        target = tx.distribution.target
        language = tx.distribution.language
        message = tx.distribution.message ?? ""
        fields = tx.distribution.fields
        createdAt = Self.timestamp(tx.distribution.createdAt)
    }

    /// The column order of JSON objects and CSV files.
    public static let columns = ["requestId", "distributionId", "commsCode", "system", "method", "target", "language",
                                 "message", "fields", "createdAt"]

    /// Compact JSON, keys sorted (the same comm always gives the same bytes).
    public func json() -> [UInt8] {
        // Encoding strings and a string map cannot fail.
        Array(try! Self.encoder.encode(self))
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// `2026-12-07T09:45:46.123Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }
}
