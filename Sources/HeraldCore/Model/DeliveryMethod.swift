/// How a comm reaches its target.
public enum DeliveryMethod: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case email
    case sms
    case letter
    case push
    case online
    case external

    /// Methods whose document is merged by a dedicated monitor (Email Monitor, Letter Monitor)
    /// after the Comms Monitor; the others are merged by the Comms Monitor itself.
    public var isMergedLater: Bool { self == .email || self == .letter }

    /// The distribution status a new distribution row of this method starts in.
    public var initialDistributionStatus: DistributionStatus {
        isMergedLater ? .awaitingMerge : .awaitingDistribution
    }

    public var description: String { rawValue }
}
