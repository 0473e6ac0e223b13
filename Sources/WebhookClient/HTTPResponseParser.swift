import NIOCore

/// An incremental HTTP/1.1 response parser: status line, headers, and a body framed by
/// `Content-Length`, `Transfer-Encoding: chunked`, or the connection's end. Interim (1xx)
/// responses are skipped. At most `cap` body bytes are kept; a body longer than that ends the
/// parse early (``Progress/capReached``), the connection then being unusable.
struct HTTPResponseParser {
    enum State: Equatable {
        case statusLine, headers, fixedBody(remaining: Int), chunkSize, chunkData(remaining: Int), chunkDataEnd, trailers, untilClose, done
    }

    /// How far a call to ``parse(_:)`` got.
    enum Progress: Equatable { case needMore, complete, capReached }

    struct Malformed: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// The largest status line plus headers (or one chunk-size or trailer line) accepted.
    static let maxHeadBytes = 64 * 1024

    let cap: Int
    private(set) var state: State = .statusLine
    private(set) var status = 0
    private(set) var isHTTP10 = false
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var body: [UInt8] = []
    private(set) var truncated = false
    /// Whether the connection may carry another request after this response.
    private(set) var keepAlive = true
    /// Whether any byte of the response has been seen.
    private(set) var receivedAny = false
    private var headBytes = 0
    private var connectionTokens: [String] = []
    private var contentLength: Int?
    private var chunked = false
    private var otherTransferCoding = false

    init(cap: Int) { self.cap = max(0, cap) }

    /// Whether the response is complete if the connection ends now (a body read to the end).
    var completeAtEOF: Bool { state == .untilClose || state == .done }

    /// Consumes what it can of `buffer`; bytes of an incomplete line stay in it.
    mutating func parse(_ buffer: inout ByteBuffer) throws(Malformed) -> Progress {
        if buffer.readableBytes > 0 { receivedAny = true }
        while true {
            switch state {
            case .done:
                return .complete
            case .statusLine:
                guard let line = try readLine(&buffer) else { return .needMore }
                if line.isEmpty && status == 0 && headers.isEmpty { continue }  // tolerate a stray CRLF before the head
                try parseStatusLine(line)
                state = .headers
            case .headers:
                guard let line = try readLine(&buffer) else { return .needMore }
                if line.isEmpty {
                    try endOfHead()
                } else {
                    try parseHeader(line)
                }
            case .fixedBody(let remaining):
                if remaining == 0 {
                    state = .done
                    continue
                }
                let n = min(remaining, buffer.readableBytes)
                if n == 0 { return .needMore }
                if keep(&buffer, n) { return .capReached }
                state = remaining - n == 0 ? .done : .fixedBody(remaining: remaining - n)
            case .chunkSize:
                guard let line = try readLine(&buffer) else { return .needMore }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let n = min(remaining, buffer.readableBytes)
                if n == 0 { return .needMore }
                if keep(&buffer, n) { return .capReached }
                state = remaining - n == 0 ? .chunkDataEnd : .chunkData(remaining: remaining - n)
            case .chunkDataEnd:
                guard let line = try readLine(&buffer) else { return .needMore }
                guard line.isEmpty else { throw Malformed(reason: "chunk data longer than its size") }
                state = .chunkSize
            case .trailers:
                guard let line = try readLine(&buffer) else { return .needMore }
                if line.isEmpty { state = .done }
            case .untilClose:
                let n = buffer.readableBytes
                if n == 0 { return .needMore }
                if keep(&buffer, n) { return .capReached }
            }
        }
    }

    /// Stores `n` body bytes from `buffer` within the cap; true when the cap was passed.
    private mutating func keep(_ buffer: inout ByteBuffer, _ n: Int) -> Bool {
        let room = cap - body.count
        if n > room {
            if room > 0, let bytes = buffer.readBytes(length: room) { body += bytes }
            buffer.moveReaderIndex(forwardBy: n - max(room, 0))
            truncated = true
            keepAlive = false
            return true
        }
        if body.isEmpty && n == buffer.readableBytes {
            body = buffer.readBytes(length: n) ?? []
        } else {
            buffer.readWithUnsafeReadableBytes { raw in
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw.prefix(n)))
                return n
            }
        }
        return false
    }

    /// The next line (without its CR LF or bare LF), or nil when the buffer holds none yet.
    private mutating func readLine(_ buffer: inout ByteBuffer) throws(Malformed) -> ArraySlice<UInt8>? {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if headBytes + view.count > Self.maxHeadBytes { throw Malformed(reason: "response head longer than \(Self.maxHeadBytes) bytes") }
            return nil
        }
        let length = lf - view.startIndex
        headBytes += length + 1
        if headBytes > Self.maxHeadBytes { throw Malformed(reason: "response head longer than \(Self.maxHeadBytes) bytes") }
        var line = ArraySlice(buffer.readBytes(length: length)!)
        buffer.moveReaderIndex(forwardBy: 1)
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        return line
    }

    private mutating func parseStatusLine(_ line: ArraySlice<UInt8>) throws(Malformed) {
        // HTTP/1.x SP 3DIGIT [SP reason]
        let bytes = Array(line)
        guard bytes.count >= 12, bytes[0..<7].elementsEqual("HTTP/1.".utf8), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[7]),
              bytes[8] == UInt8(ascii: " "), bytes.count == 12 || bytes[12] == UInt8(ascii: " ") else {
            throw Malformed(reason: "not an HTTP/1.x status line: \(Self.excerpt(line))")
        }
        var code = 0
        for b in bytes[9..<12] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) else { throw Malformed(reason: "bad status code: \(Self.excerpt(line))") }
            code = code * 10 + Int(b - UInt8(ascii: "0"))
        }
        guard code >= 100 else { throw Malformed(reason: "bad status code: \(Self.excerpt(line))") }
        status = code
        isHTTP10 = bytes[7] == UInt8(ascii: "0")
    }

    private mutating func parseHeader(_ line: ArraySlice<UInt8>) throws(Malformed) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
            throw Malformed(reason: "bad header line: \(Self.excerpt(line))")
        }
        let nameBytes = line[line.startIndex..<colon]
        guard !nameBytes.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else {
            throw Malformed(reason: "bad header name (or an obsolete folded line): \(Self.excerpt(line))")
        }
        var value = line[(colon + 1)...]
        while let first = value.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { value = value.dropFirst() }
        while let last = value.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { value = value.dropLast() }
        let name = String(decoding: nameBytes, as: UTF8.self)
        let text = String(decoding: value, as: UTF8.self)
        headers.append((name, text))
        switch nameBytes.count {
        case 14 where Self.equalsIgnoringCase(nameBytes, "content-length"):
            guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  let n = Int(text) else {
                throw Malformed(reason: "bad Content-Length: \(text)")
            }
            if let earlier = contentLength, earlier != n { throw Malformed(reason: "conflicting Content-Length headers") }
            contentLength = n
        case 17 where Self.equalsIgnoringCase(nameBytes, "transfer-encoding"):
            let codings = text.lowercased().split(separator: ",").map(Self.trimmed).filter { !$0.isEmpty }
            // Chunked must be the last coding; anything after it (or no chunked) is read to the end.
            chunked = codings.last == "chunked"
            otherTransferCoding = !chunked && !codings.isEmpty
        case 10 where Self.equalsIgnoringCase(nameBytes, "connection"):
            connectionTokens += text.lowercased().split(separator: ",").map(Self.trimmed)
        default:
            break
        }
    }

    private mutating func endOfHead() throws(Malformed) {
        if status < 200 {
            guard status != 101 else { throw Malformed(reason: "101 Switching Protocols to a request that asked for no upgrade") }
            // An interim response (100 Continue, 103 Early Hints): the real one follows.
            status = 0
            headers.removeAll()
            connectionTokens.removeAll()
            contentLength = nil
            chunked = false
            otherTransferCoding = false
            state = .statusLine
            return
        }
        if connectionTokens.contains("close") || (isHTTP10 && !connectionTokens.contains("keep-alive")) { keepAlive = false }
        if chunked {
            state = .chunkSize
        } else if otherTransferCoding {
            keepAlive = false
            state = .untilClose
        } else if let contentLength {
            state = .fixedBody(remaining: contentLength)
        } else if status == 204 || status == 304 {
            state = .done
        } else {
            keepAlive = false
            state = .untilClose
        }
    }

    static func chunkSize(_ line: ArraySlice<UInt8>) throws(Malformed) -> Int {
        var size = 0
        var digits = 0
        for b in line {
            let v: Int
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = Int(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = Int(b - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = Int(b - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"):
                guard digits > 0 else { throw Malformed(reason: "bad chunk size: \(excerpt(line))") }
                return size  // chunk extensions are ignored
            default:
                throw Malformed(reason: "bad chunk size: \(excerpt(line))")
            }
            digits += 1
            guard digits <= 15 else { throw Malformed(reason: "chunk size too large: \(excerpt(line))") }
            size = size * 16 + v
        }
        guard digits > 0 else { throw Malformed(reason: "empty chunk size line") }
        return size
    }

    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lower: StaticString) -> Bool {
        guard bytes.count == lower.utf8CodeUnitCount else { return false }
        return lower.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { ($0 | 0x20) == $1 || $0 == $1 }
        }
    }

    static func trimmed(_ s: Substring) -> String {
        String(s.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    static func excerpt(_ line: ArraySlice<UInt8>) -> String {
        String(decoding: line.prefix(80), as: UTF8.self).debugDescription
    }
}
