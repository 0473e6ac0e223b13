import HeraldCore

extension WorkerConfiguration {
    /// The settings of the stage workers (`pipeline.*`), with their defaults; the retry policy's
    /// are ``RetryPolicy/Keys``.
    public enum Keys {
        /// `pipeline.batch.size`: rows per claim.
        public static let batchSize = SettingKey("pipeline.batch.size", default: 500, meaning: "rows per claim")
        /// `pipeline.batches.in.flight`: batches each stage works on at once.
        public static let batchesInFlight = SettingKey(
            "pipeline.batches.in.flight", default: 3, meaning: "batches each stage works on at once")
        /// `pipeline.lease.seconds`: how long a claim holds.
        public static let leaseSeconds = SettingKey("pipeline.lease.seconds", default: 120, meaning: "claim lease")
        /// The workers' settings and the retry policy's, in the order of the settings table.
        public static let all: [any SettingDescription] = [batchSize, batchesInFlight, leaseSeconds] + RetryPolicy.Keys.all
    }
}
