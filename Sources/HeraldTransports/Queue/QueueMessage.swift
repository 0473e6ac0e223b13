import Foundation
import HeraldCore

/// The JSON message the queue transport publishes for one push or external comm
/// (docs/queue-message.md): one message per distribution, UTF-8 JSON with sorted keys, dates in
/// ISO 8601 UTC. A consumer keys on ``distributionId`` to drop the copies at-least-once delivery
/// may bring (the same id, the same content).
public struct QueueMessage: Codable, Sendable, Hashable {
    /// The schema's version: 1. A change that removes or redefines a field raises it.
    public var schemaVersion: Int
    /// The distribution's id: unique per comm and method, the same in every copy.
    public var distributionId: String
    /// The request's id (`requestId` of the API).
    public var requestId: String
    /// The comms code (`PAYMENT_DUE`).
    public var commsCode: String
    /// `push` or `external`.
    public var method: String
    /// The push token or external id the comm goes to.
    public var target: String
    /// The target's alias (a named device), if any.
    public var alias: String?
    /// The template language chosen (`en`).
    public var language: String
    /// The merged text.
    public var message: String
    /// The merge fields (defaults and the trigger's), as the templates saw them.
    public var fields: [String: String]
    /// 1 high, 2 medium, 3 low.
    public var priority: Int
    /// The customer the request is about (exactly one of the three ids is set).
    public var customerId: String?
    /// The account the request is about.
    public var accountId: String?
    /// The subscription the request is about.
    public var subscriptionId: String?
    /// The workflow event that caused the request, if any.
    public var workflowEventId: String?
    /// The external trigger that caused the request, if any.
    public var externalTriggerId: String?
    /// When the request was created.
    public var requestCreatedAt: Date
    /// When the distribution was created.
    public var createdAt: Date
    /// Which attempt this is (1 for the first); a retry after a lost receipt sends the same
    /// message with a higher attempt.
    public var attempt: Int

    /// The message of a transmission.
    public init(_ transmission: Transmission) {
        let request = transmission.request, distribution = transmission.distribution
        schemaVersion = 1
        distributionId = distribution.id
        requestId = distribution.requestId
        commsCode = request.commsCode
        method = distribution.method.rawValue
        target = distribution.target
        alias = distribution.alias
        language = distribution.language
        message = distribution.message ?? ""
        fields = distribution.fields
        priority = request.priority
        customerId = request.target.kind == .customer ? request.target.id : nil
        accountId = request.target.kind == .account ? request.target.id : nil
        subscriptionId = request.target.kind == .subscription ? request.target.id : nil
        workflowEventId = request.workflowEventId
        externalTriggerId = request.externalTriggerId
        requestCreatedAt = request.createdAt
        createdAt = distribution.createdAt
        attempt = distribution.attempts + 1
    }

    /// The JSON bytes: sorted keys, ISO 8601 dates, `/` not escaped.
    public func json() throws -> [UInt8] {
        try Array(Self.encoder.encode(self))
    }

    /// Reads a message (tests, consumers written in Swift).
    public static func decode(_ bytes: [UInt8]) throws -> QueueMessage {
        try decoder.decode(QueueMessage.self, from: Data(bytes))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
