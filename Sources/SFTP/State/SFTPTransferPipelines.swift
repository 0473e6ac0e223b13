/// Which chunks of a file upload to send next, with at most `maxInFlight` WRITE requests
/// outstanding. Pure: the channel handler sends the chunks it names and reports each answer.
public struct SFTPWritePipeline: Sendable, Hashable {
    /// The file's length.
    public let totalBytes: Int
    /// The bytes per WRITE request.
    public let chunkSize: Int
    /// The most WRITE requests outstanding at once.
    public let maxInFlight: Int
    private var nextOffset = 0
    /// WRITE requests sent and not yet answered.
    public private(set) var inFlight = 0
    /// The first failure; no more chunks are sent after it.
    public private(set) var failure: SFTPError?

    /// Creates a pipeline for a file of `totalBytes`.
    public init(totalBytes: Int, chunkSize: Int, maxInFlight: Int) {
        precondition(chunkSize > 0 && maxInFlight > 0)
        self.totalBytes = totalBytes
        self.chunkSize = chunkSize
        self.maxInFlight = maxInFlight
    }

    /// The byte ranges to send now (possibly none), counted as in flight.
    public mutating func nextChunks() -> [Range<Int>] {
        var chunks: [Range<Int>] = []
        while failure == nil, inFlight < maxInFlight, nextOffset < totalBytes {
            let end = min(nextOffset + chunkSize, totalBytes)
            chunks.append(nextOffset..<end)
            nextOffset = end
            inFlight += 1
        }
        return chunks
    }

    /// One WRITE was answered: `nil` for `SSH_FX_OK`, else its error.
    public mutating func chunkCompleted(_ error: SFTPError?) {
        inFlight -= 1
        if let error, failure == nil { failure = error }
    }

    /// Whether every answer is in (all written, or failed with nothing left in flight).
    public var isFinished: Bool { inFlight == 0 && (failure != nil || nextOffset >= totalBytes) }
}

/// Which READ requests to send for a download of unknown length, with at most `maxInFlight`
/// outstanding: reads run ahead in `chunkSize` steps until one answers EOF; a short read asks
/// again for the rest of its chunk. Pure: the handler keeps the data by offset.
public struct SFTPReadPipeline: Sendable, Hashable {
    /// The bytes per READ request.
    public let chunkSize: Int
    /// The most READ requests outstanding at once.
    public let maxInFlight: Int
    private var nextOffset: UInt64 = 0
    private var retries: [ReadRequest] = []
    /// The offset where the server answered EOF (the file's length), once known.
    public private(set) var endOffset: UInt64?
    /// READ requests sent and not yet answered.
    public private(set) var inFlight = 0
    /// The first failure.
    public private(set) var failure: SFTPError?

    /// One READ to send.
    public struct ReadRequest: Sendable, Hashable {
        /// Where to read.
        public var offset: UInt64
        /// How many bytes.
        public var length: UInt32
    }

    /// Creates a pipeline; `expectedSize` (from FSTAT) keeps it from running far past the end.
    public init(chunkSize: Int, maxInFlight: Int, expectedSize: UInt64? = nil) {
        precondition(chunkSize > 0 && maxInFlight > 0)
        self.chunkSize = chunkSize
        self.maxInFlight = maxInFlight
        self.expectedSize = expectedSize
    }

    private let expectedSize: UInt64?

    /// The reads to send now, counted as in flight.
    public mutating func nextReads() -> [ReadRequest] {
        var reads: [ReadRequest] = []
        while failure == nil, inFlight < maxInFlight {
            if let retry = retries.popLast() {
                reads.append(retry)
            } else {
                if let endOffset, nextOffset >= endOffset { break }
                // Past the expected size one read finds EOF; if the file grew, go on one at a time.
                if let expectedSize, nextOffset > expectedSize, inFlight > 0 { break }
                reads.append(ReadRequest(offset: nextOffset, length: UInt32(chunkSize)))
                nextOffset += UInt64(chunkSize)
            }
            inFlight += 1
        }
        return reads
    }

    /// A READ was answered with `count` bytes.
    public mutating func received(_ request: ReadRequest, count: Int) {
        inFlight -= 1
        if count < Int(request.length), count > 0 {
            retries.append(ReadRequest(offset: request.offset + UInt64(count), length: request.length - UInt32(count)))
        } else if count == 0 {
            reachedEnd(at: request.offset)
        }
    }

    /// A READ was answered with EOF.
    public mutating func reachedEnd(_ request: ReadRequest) {
        inFlight -= 1
        reachedEnd(at: request.offset)
    }

    private mutating func reachedEnd(at offset: UInt64) {
        endOffset = min(endOffset ?? offset, offset)
        retries.removeAll { $0.offset >= offset }
    }

    /// A READ failed with something other than EOF.
    public mutating func failed(_ error: SFTPError) {
        inFlight -= 1
        if failure == nil { failure = error }
    }

    /// Whether the download is over (EOF seen and nothing in flight, or failed and nothing in flight).
    public var isFinished: Bool { inFlight == 0 && (failure != nil || (endOffset != nil && retries.isEmpty)) }
}
