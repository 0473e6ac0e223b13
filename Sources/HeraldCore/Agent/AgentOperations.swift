import Foundation

/// Distributions of one method sent and failed in a window (the operations page's chart).
public struct MethodSendCounts: Sendable, Hashable {
    public var method: DeliveryMethod
    /// Distributions whose `sentAt` falls in the window.
    public var sent: Int
    /// Distributions now failed for good (`errorNoRetry`, `undeliverable`) last changed in the window.
    public var failed: Int

    /// Counts of one method.
    public init(method: DeliveryMethod, sent: Int, failed: Int) {
        self.method = method
        self.sent = sent
        self.failed = failed
    }
}

/// A recent error or delivery failure of a request, with the request's comms code.
public struct RecentProblem: Sendable, Hashable {
    public var requestId: String
    public var commsCode: String
    public var problem: RequestProblem

    /// One problem of one request.
    public init(requestId: String, commsCode: String, problem: RequestProblem) {
        self.requestId = requestId
        self.commsCode = commsCode
        self.problem = problem
    }
}
