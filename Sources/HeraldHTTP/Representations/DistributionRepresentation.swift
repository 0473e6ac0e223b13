import HeraldCore

/// A distribution row inside ``RequestRepresentation``.
struct DistributionRepresentation: JSONWritable {
    var distribution: Distribution

    init(_ distribution: Distribution) { self.distribution = distribution }

    func write(to json: inout JSONBuffer) {
        let d = distribution
        json.beginObject()
        json.key("actualMethod"); json.string(d.actualMethod?.rawValue)
        json.key("actualSentAt"); json.string(Timestamp.string(d.actualSentAt))
        json.key("actualTarget"); json.string(d.actualTarget)
        json.key("alias"); json.string(d.alias)
        json.key("attempts"); json.int(d.attempts)
        json.key("deliveryMethod"); json.string(d.method.rawValue)
        json.key("distributionStatus"); json.string(d.status.rawValue)
        json.key("distributionStatusCode"); json.string(d.status.code)
        json.key("excludedUntil"); json.string(Timestamp.string(d.excludedUntil))
        json.key("fileLocation"); json.string(d.fileLocation)
        json.key("id"); json.string(d.id)
        json.key("language"); json.string(d.language)
        json.key("lastError"); json.string(d.lastError)
        json.key("message"); json.string(d.message)
        json.key("readAt"); json.string(Timestamp.string(d.readAt))
        json.key("reference"); json.string(d.reference)
        json.key("retryAt"); json.string(Timestamp.string(d.retryAt))
        json.key("sentAt"); json.string(Timestamp.string(d.sentAt))
        json.key("target"); json.string(d.target)
        json.endObject()
    }
}
