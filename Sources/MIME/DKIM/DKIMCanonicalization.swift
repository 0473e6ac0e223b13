/// DKIM "relaxed" canonicalisation (RFC 6376 §3.4.2 and §3.4.4) and header splitting.
public enum DKIMCanonicalization {
    /// One raw header field: its name and the raw value after the colon (folding kept).
    struct RawHeader {
        /// The name's bytes as written (before the colon).
        var name: ArraySlice<UInt8>
        var rawValue: [UInt8]
    }

    /// Splits a message into raw header fields and the body (after the empty line).
    static func split(_ message: [UInt8]) throws -> (headers: [RawHeader], body: ArraySlice<UInt8>) {
        var headers: [RawHeader] = []
        var index = 0
        var lineStart = 0
        var bodyStart: Int?
        var current: (name: ArraySlice<UInt8>, value: [UInt8])?
        while index < message.count {
            guard message[index] == 10 else {
                index += 1
                continue
            }
            var lineEnd = index
            if lineEnd > lineStart && message[lineEnd - 1] == 13 { lineEnd -= 1 }
            let line = message[lineStart..<lineEnd]
            if line.isEmpty {
                bodyStart = index + 1
                break
            }
            if line.first == 32 || line.first == 9 {
                guard current != nil else { throw MIMEError.invalidMessage("continuation line before any header") }
                current!.value += [13, 10] + line
            } else {
                if let done = current { headers.append(RawHeader(name: done.name, rawValue: done.value)) }
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                    throw MIMEError.invalidMessage("header line without a colon")
                }
                current = (line[..<colon], Array(line[(colon + 1)...]))
            }
            index += 1
            lineStart = index
        }
        if let done = current { headers.append(RawHeader(name: done.name, rawValue: done.value)) }
        guard let bodyStart else { throw MIMEError.invalidMessage("no empty line between header and body") }
        return (headers, message[bodyStart...])
    }

    /// The relaxed form of one header field, `name:value` without CRLF.
    public static func relaxedHeader(name: String, value: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        appendRelaxedHeader(name: name.utf8, value: value, to: &out)
        return out
    }

    /// A header name in relaxed form: ASCII letters lower-cased (field names are ASCII, RFC
    /// 5322 §2.2; other bytes are left as they are, as verifiers do), blanks around it dropped.
    static func relaxedName(_ name: some Collection<UInt8>) -> ArraySlice<UInt8> {
        var bytes = Array(name)[...]
        while let last = bytes.last, last == 32 || last == 9 { bytes.removeLast() }
        while let first = bytes.first, first == 32 || first == 9 { bytes.removeFirst() }
        var out = Array(bytes)
        for i in out.indices where out[i] >= UInt8(ascii: "A") && out[i] <= UInt8(ascii: "Z") { out[i] += 32 }
        return out[...]
    }

    /// Appends the relaxed form of one header field, `name:value` without CRLF, to `out`.
    static func appendRelaxedHeader(name: some Collection<UInt8>, value: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(contentsOf: relaxedName(name))
        out.append(UInt8(ascii: ":"))
        var pendingSpace = false
        var started = false
        for byte in value {
            if byte == 13 || byte == 10 { continue }
            if byte == 32 || byte == 9 {
                pendingSpace = true
                continue
            }
            if pendingSpace && started { out.append(32) }
            pendingSpace = false
            started = true
            out.append(byte)
        }
    }

    /// The relaxed form of a body: whitespace runs to one space, no trailing whitespace, no
    /// trailing empty lines, CRLF at the end of a non-empty body.
    public static func relaxedBody(_ body: some Collection<UInt8>) -> [UInt8] {
        if let result = body.withContiguousStorageIfAvailable({ relaxedBody(buffer: $0) }) { return result }
        return Array(body).withUnsafeBufferPointer { relaxedBody(buffer: $0) }
    }

    /// One pass over the bytes straight into the output buffer (no per-line copy): a line's
    /// bytes are written as they come; empty lines are counted and written only when a
    /// non-empty line follows them (so trailing empty lines disappear); a whitespace run is
    /// remembered and written as one space only before the next visible byte of its line.
    static func relaxedBody(buffer input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // Output never exceeds the input plus a final CRLF and a CRLF for each bare LF.
        let capacity = input.count * 2 + 2
        return [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            var n = 0
            var emptyLines = 0
            var lineEmpty = true
            var pendingSpace = false
            var sawCR = false
            @inline(__always) func visible(_ byte: UInt8) {
                if lineEmpty {
                    for _ in 0..<emptyLines {
                        out[n] = 13
                        out[n + 1] = 10
                        n += 2
                    }
                    emptyLines = 0
                    lineEmpty = false
                }
                if pendingSpace {
                    out[n] = 32
                    n += 1
                    pendingSpace = false
                }
                out[n] = byte
                n += 1
            }
            for byte in input {
                if byte == 10 {
                    sawCR = false
                    if lineEmpty {
                        emptyLines += 1
                    } else {
                        out[n] = 13
                        out[n + 1] = 10
                        n += 2
                    }
                    lineEmpty = true
                    pendingSpace = false
                    continue
                }
                if sawCR {
                    // A bare CR is ordinary text.
                    visible(13)
                    sawCR = false
                }
                if byte == 13 {
                    sawCR = true
                } else if byte == 32 || byte == 9 {
                    pendingSpace = true
                } else {
                    visible(byte)
                }
            }
            // A CR as the very last byte is dropped, as the line buffer it would join ends here.
            if !lineEmpty {
                out[n] = 13
                out[n + 1] = 10
                n += 2
            }
            count = n
        }
    }
}
