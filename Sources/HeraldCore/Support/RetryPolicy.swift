/// Exponential backoff with a limit, for transmissions that failed in a way that may pass.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included. After the last, the distribution is `errorNoRetry`.
    public var maxAttempts: Int
    /// Wait after the first failure; doubles with each further failure.
    public var baseDelay: Duration
    /// Upper bound of a single wait.
    public var maxDelay: Duration

    /// The settings of the policy, with their defaults.
    public enum Keys {
        /// `retry.max.attempts`: attempts in all before `errorNoRetry`.
        public static let maxAttempts = SettingKey(
            "retry.max.attempts", default: 6, meaning: "transmission attempts before `errorNoRetry`")
        /// `retry.base.seconds`: the first retry delay.
        public static let baseSeconds = SettingKey(
            "retry.base.seconds", default: 30, meaning: "first retry delay; doubles each retry")
        /// Both, in the order of the settings table.
        public static let all: [any SettingDescription] = [maxAttempts, baseSeconds]
    }

    /// Creates a policy; the defaults are those of ``Keys`` and a one-hour cap.
    public init(maxAttempts: Int = Keys.maxAttempts.defaultValue, baseDelay: Duration = .seconds(Keys.baseSeconds.defaultValue),
                maxDelay: Duration = .seconds(3600)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before the next attempt after `attempts` attempts have failed, or nil when the
    /// limit is reached.
    public func delay(afterAttempts attempts: Int) -> Duration? {
        guard attempts < maxAttempts else { return nil }
        let exponent = max(0, attempts - 1)
        let factor = exponent >= 30 ? Double(1 << 30) : Double(1 << exponent)
        let seconds = min(baseDelay.seconds * factor, maxDelay.seconds)
        return .milliseconds(Int64(seconds * 1000))
    }
}
