/// Collects human-readable warnings, capped so that garbage input cannot flood memory.
struct WarningLog: Sendable {
    static let limit = 500

    private(set) var messages: [String] = []
    private(set) var suppressed = 0

    mutating func add(_ message: String) {
        if messages.count < WarningLog.limit {
            messages.append(message)
        } else {
            suppressed += 1
        }
    }

    mutating func add(line: Int, _ message: String) {
        add("line \(line): \(message)")
    }

    /// The messages, with a closing note when some were dropped.
    var final: [String] {
        suppressed == 0 ? messages : messages + ["\(suppressed) more warnings suppressed"]
    }
}
