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
