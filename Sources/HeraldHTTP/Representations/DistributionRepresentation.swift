import HeraldCore

/// A distribution row inside ``RequestRepresentation``.
struct DistributionRepresentation: Encodable {
    var distribution: Distribution

    init(_ distribution: Distribution) { self.distribution = distribution }

    func encode(to encoder: any Encoder) throws {
        let d = distribution
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(d.id, forKey: "id")
        try c.encode(d.method.rawValue, forKey: "deliveryMethod")
        try c.encode(d.target, forKey: "target")
        try c.encode(d.alias, forKey: "alias")
        try c.encode(d.status.rawValue, forKey: "distributionStatus")
        try c.encode(d.status.code, forKey: "distributionStatusCode")
        try c.encode(d.message, forKey: "message")
        try c.encode(d.fileLocation, forKey: "fileLocation")
        try c.encode(d.reference, forKey: "reference")
        try c.encode(Timestamp.string(d.excludedUntil), forKey: "excludedUntil")
        try c.encode(Timestamp.string(d.retryAt), forKey: "retryAt")
        try c.encode(d.attempts, forKey: "attempts")
        try c.encode(Timestamp.string(d.sentAt), forKey: "sentAt")
        try c.encode(Timestamp.string(d.actualSentAt), forKey: "actualSentAt")
        try c.encode(d.actualTarget, forKey: "actualTarget")
        try c.encode(d.actualMethod?.rawValue, forKey: "actualMethod")
        try c.encode(Timestamp.string(d.readAt), forKey: "readAt")
        try c.encode(d.lastError, forKey: "lastError")
        try c.encode(d.language, forKey: "language")
    }
}
