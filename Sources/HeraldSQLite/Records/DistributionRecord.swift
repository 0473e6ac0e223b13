import Foundation
import GRDB
import HeraldCore

/// A row of `distributions`: exactly one per request (unique `request_id`).
struct DistributionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "distributions"
    /// Column names, spelled out: GRDB's snake-case strategy converts every key of every row.
    enum CodingKeys: String, CodingKey {
        case id, requestId = "request_id", method, target, alias, status, message, fileLocation = "file_location"
        case reference, fields, language, excludedUntil = "excluded_until", retryAt = "retry_at", attempts
        case sentAt = "sent_at", actualSentAt = "actual_sent_at", actualTarget = "actual_target"
        case actualMethod = "actual_method", readAt = "read_at", lastError = "last_error", priority
        case createdAt = "created_at", updatedAt = "updated_at", claimToken = "claim_token"
        case leaseUntil = "lease_until"
    }

    var id: String
    var requestId: String
    var method: String
    var target: String
    var alias: String?
    /// CMP letter.
    var status: String
    var message: String?
    var fileLocation: String?
    var reference: String?
    var fields: [String: String]
    var language: String
    var excludedUntil: Int64?
    var retryAt: Int64?
    var attempts: Int
    var sentAt: Int64?
    var actualSentAt: Int64?
    var actualTarget: String?
    var actualMethod: String?
    var readAt: Int64?
    var lastError: String?
    /// Copied from the request, so queues order without a join.
    var priority: Int
    var createdAt: Int64
    var updatedAt: Int64
    var claimToken: String?
    var leaseUntil: Int64?

    init(_ d: Distribution, priority: Int) {
        id = d.id
        requestId = d.requestId
        method = d.method.rawValue
        target = d.target
        alias = d.alias
        status = d.status.code
        message = d.message
        fileLocation = d.fileLocation
        reference = d.reference
        fields = d.fields
        language = d.language
        excludedUntil = Millis.from(d.excludedUntil)
        retryAt = Millis.from(d.retryAt)
        attempts = d.attempts
        sentAt = Millis.from(d.sentAt)
        actualSentAt = Millis.from(d.actualSentAt)
        actualTarget = d.actualTarget
        actualMethod = d.actualMethod?.rawValue
        readAt = Millis.from(d.readAt)
        lastError = d.lastError
        self.priority = priority
        createdAt = Millis.from(d.createdAt)
        updatedAt = Millis.from(d.updatedAt)
    }

    /// Decodes by hand: the claim of every batch reads these rows (Codable decoding costs more).
    init(row: Row) {
        id = row["id"]
        requestId = row["request_id"]
        method = row["method"]
        target = row["target"]
        alias = row["alias"]
        status = row["status"]
        message = row["message"]
        fileLocation = row["file_location"]
        reference = row["reference"]
        fields = JSONColumns.dictionary(row, "fields")
        language = row["language"]
        excludedUntil = row["excluded_until"]
        retryAt = row["retry_at"]
        attempts = row["attempts"]
        sentAt = row["sent_at"]
        actualSentAt = row["actual_sent_at"]
        actualTarget = row["actual_target"]
        actualMethod = row["actual_method"]
        readAt = row["read_at"]
        lastError = row["last_error"]
        priority = row["priority"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
        claimToken = row["claim_token"]
        leaseUntil = row["lease_until"]
    }

    /// Every column, in the order ``init(direct:)`` reads them.
    static let columns = """
        id, request_id, method, target, alias, status, message, file_location, reference, fields, language, excluded_until, \
        retry_at, attempts, sent_at, actual_sent_at, actual_target, actual_method, read_at, last_error, priority, created_at, \
        updated_at, claim_token, lease_until
        """

    /// Reads a row selected as ``columns`` (the claims' path).
    init(direct row: DirectRow) {
        id = row.string(0)
        requestId = row.string(1)
        method = row.string(2)
        target = row.string(3)
        alias = row.optionalString(4)
        status = row.string(5)
        message = row.optionalString(6)
        fileLocation = row.optionalString(7)
        reference = row.optionalString(8)
        fields = JSONColumns.dictionary(row.optionalString(9))
        language = row.string(10)
        excludedUntil = row.optionalInt64(11)
        retryAt = row.optionalInt64(12)
        attempts = row.int(13)
        sentAt = row.optionalInt64(14)
        actualSentAt = row.optionalInt64(15)
        actualTarget = row.optionalString(16)
        actualMethod = row.optionalString(17)
        readAt = row.optionalInt64(18)
        lastError = row.optionalString(19)
        priority = row.int(20)
        createdAt = row.int64(21)
        updatedAt = row.int64(22)
        claimToken = row.optionalString(23)
        leaseUntil = row.optionalInt64(24)
    }

    var model: Distribution {
        Distribution(
            id: id, requestId: requestId, method: DeliveryMethod(rawValue: method) ?? .external, target: target, alias: alias,
            status: DistributionStatus(code: status) ?? .errorNoRetry, message: message, fileLocation: fileLocation,
            reference: reference, fields: fields, language: language, excludedUntil: Millis.date(excludedUntil),
            retryAt: Millis.date(retryAt), attempts: attempts, sentAt: Millis.date(sentAt), actualSentAt: Millis.date(actualSentAt),
            actualTarget: actualTarget, actualMethod: actualMethod.flatMap(DeliveryMethod.init(rawValue:)), readAt: Millis.date(readAt),
            lastError: lastError, createdAt: Millis.date(createdAt), updatedAt: Millis.date(updatedAt))
    }
}
