import Foundation

/// Reads a file a line at a time in 1 MiB blocks, so an NDJSON file of a million letters is
/// never held whole. Lines end at LF (a CR before it is dropped); the last line needs no LF.
struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// Bytes read from the file so far.
    private(set) var bytesRead = 0

    init(url: URL) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw LetterBatch.Failure(description: "\(url.path) does not exist or cannot be read")
        }
        self.handle = handle
    }

    /// The next line's bytes, or nil at the end of the file.
    mutating func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                defer { start = newline + 1 }
                return Self.trimmingCR(buffer[start..<newline])
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return Self.trimmingCR(buffer[start...])
            }
            buffer.removeFirst(start)
            start = 0
            let block = try handle.read(upToCount: 1 << 20) ?? Data()
            if block.isEmpty { atEnd = true } else { buffer.append(contentsOf: block); bytesRead += block.count }
        }
    }

    /// How many lines `url` has at most (LF count, plus an unterminated last line), read in
    /// blocks without decoding.
    static func countLines(_ url: URL) throws -> Int {
        var reader = try LineReader(url: url)
        var count = 0
        while try reader.next() != nil { count += 1 }
        return count
    }

    private static func trimmingCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == 0x0D ? line.dropLast() : line
    }
}
