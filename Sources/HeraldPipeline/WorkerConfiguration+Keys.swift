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
        /// `pipeline.batch.gather.milliseconds`: after a batch smaller than a full one, how long a
        /// loop waits before claiming again, so rows arriving in a stream gather into larger batches.
        public static let gatherMilliseconds = SettingKey(
            "pipeline.batch.gather.milliseconds", default: 10, meaning: "wait after a part batch before claiming again")
        /// `pipeline.lease.seconds`: how long a claim holds.
        public static let leaseSeconds = SettingKey("pipeline.lease.seconds", default: 120, meaning: "claim lease")
        /// The workers' settings and the retry policy's, in the order of the settings table.
        public static let all: [any SettingDescription] = [batchSize, batchesInFlight, gatherMilliseconds, leaseSeconds] + RetryPolicy.Keys.all
    }
}
