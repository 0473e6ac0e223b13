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

/// Turns byte offsets into 1-based line numbers; fast when asked in increasing order.
struct LineCounter: Sendable {
    private let bytes: [UInt8]
    private var lastOffset = 0
    private var lastLine = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func line(at offset: Int) -> Int {
        let target = max(0, min(offset, bytes.count))
        if target < lastOffset {
            lastOffset = 0
            lastLine = 1
        }
        var line = lastLine
        var i = lastOffset
        while i < target {
            if bytes[i] == 0x0A { line += 1 }
            i += 1
        }
        lastOffset = target
        lastLine = line
        return line
    }
}
