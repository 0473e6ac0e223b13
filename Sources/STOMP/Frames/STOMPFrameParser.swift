import NIOCore

/// A frame that breaks the STOMP 1.2 grammar. The stream cannot be trusted after one: the
/// session closes the connection.
public struct STOMPDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, with the offending text where it helps.
    public var reason: String

    /// Creates an error.
    public init(_ reason: String) { self.reason = reason }

    /// `malformed STOMP frame: <reason>`.
    public var description: String { "malformed STOMP frame: \(reason)" }
}

/// The STOMP 1.2 frame codec, without I/O:
///
///     frame  = command EOL *(header EOL) EOL *OCTET NULL *(EOL)
///     EOL    = [CR] LF
///
/// - Header names and values are escaped (`\r`, `\n`, `\c` for `:`, `\\`) except in
///   `CONNECT`/`CONNECTED`; an undefined escape is an error (as the specification says).
/// - A body with `content-length` is exactly that many octets (it may hold NULs) followed by a
///   NUL; without one it ends at the first NUL.
/// - End-of-lines between frames are heart-beats.
public enum STOMPFrameParser {
    /// Takes the next item out of `buffer`, or nil when more bytes are needed (nothing is
    /// consumed then). Throws ``STOMPDecodingError`` for a malformed frame or one over
    /// `maxFrameLength` bytes (headers and body).
    public static func next(from buffer: inout ByteBuffer, maxFrameLength: Int = 1 << 20) throws -> STOMPInbound? {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        if first == UInt8(ascii: "\n") {
            buffer.moveReaderIndex(forwardBy: 1)
            return .heartBeat
        }
        if first == UInt8(ascii: "\r") {
            guard let second = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self) else { return nil }
            guard second == UInt8(ascii: "\n") else { throw STOMPDecodingError("a CR not followed by LF between frames") }
            buffer.moveReaderIndex(forwardBy: 2)
            return .heartBeat
        }
        // The header block ends with an empty line: find LF (CR) LF.
        let view = buffer.readableBytesView
        var headerEnd: Int?  // offset of the first body byte
        var index = view.startIndex
        var lineStart = index
        var lines: [ArraySlice<UInt8>] = []
        while index < view.endIndex {
            if index - view.startIndex >= maxFrameLength {
                throw STOMPDecodingError("headers longer than \(maxFrameLength) bytes")
            }
            if view[index] == UInt8(ascii: "\n") {
                var lineEnd = index
                if lineEnd > lineStart, view[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                if lineEnd == lineStart {
                    headerEnd = index + 1 - view.startIndex
                    break
                }
                lines.append(ArraySlice(view[lineStart..<lineEnd]))
                lineStart = index + 1
            }
            index += 1
        }
        guard let headerEnd else {
            if view.count >= maxFrameLength { throw STOMPDecodingError("headers longer than \(maxFrameLength) bytes") }
            return nil
        }
        guard let commandLine = lines.first else { throw STOMPDecodingError("no command") }
        let command = STOMPCommand(rawValue: String(decoding: commandLine, as: UTF8.self))
        guard !command.rawValue.isEmpty, command.rawValue.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else {
            throw STOMPDecodingError("command '\(command.rawValue.prefix(40))' is not an upper-case word")
        }
        var headers: [(String, String)] = []
        headers.reserveCapacity(lines.count - 1)
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw STOMPDecodingError("header line without ':' in \(command)")
            }
            let rawName = line[line.startIndex..<colon], rawValue = line[(colon + 1)...]
            if command.hasRawHeaders {
                headers.append((String(decoding: rawName, as: UTF8.self), String(decoding: rawValue, as: UTF8.self)))
            } else {
                headers.append((try unescape(rawName), try unescape(rawValue)))
            }
        }
        // The body.
        let contentLength = headers.first { $0.0 == "content-length" }?.1
        let bodyStart = buffer.readerIndex + headerEnd
        let body: [UInt8]
        let frameLength: Int
        if let contentLength {
            guard let length = Int(contentLength, radix: 10), length >= 0 else {
                throw STOMPDecodingError("content-length '\(contentLength.prefix(20))' is not a number")
            }
            guard headerEnd + length + 1 <= maxFrameLength else {
                throw STOMPDecodingError("frame longer than \(maxFrameLength) bytes")
            }
            guard buffer.readableBytes >= headerEnd + length + 1 else { return nil }
            guard buffer.getInteger(at: bodyStart + length, as: UInt8.self) == 0 else {
                throw STOMPDecodingError("no NUL after content-length \(length) bytes of body")
            }
            body = buffer.getBytes(at: bodyStart, length: length) ?? []
            frameLength = headerEnd + length + 1
        } else {
            let bodyView = buffer.readableBytesView.dropFirst(headerEnd)
            guard let nul = bodyView.firstIndex(of: 0) else {
                if buffer.readableBytes >= maxFrameLength { throw STOMPDecodingError("frame longer than \(maxFrameLength) bytes") }
                return nil
            }
            body = Array(bodyView[bodyView.startIndex..<nul])
            frameLength = nul + 1 - buffer.readableBytesView.startIndex
        }
        buffer.moveReaderIndex(forwardBy: frameLength)
        return .frame(STOMPFrame(command, headers: headers, body: body))
    }

    /// Writes `frame`: command, headers (escaped unless `CONNECT`/`CONNECTED`), a blank line,
    /// the body and a NUL. Does not add `content-length`; the session sets it on `SEND`.
    /// Throws when a raw-header frame has a header that cannot be written unescaped.
    public static func encode(_ frame: STOMPFrame, into buffer: inout ByteBuffer) throws {
        buffer.writeString(frame.command.rawValue)
        buffer.writeInteger(UInt8(ascii: "\n"))
        for header in frame.headers {
            if frame.command.hasRawHeaders {
                for text in [header.name, header.value] where text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
                    throw STOMPDecodingError("a \(frame.command) header cannot hold a line break")
                }
                guard !header.name.contains(":") else { throw STOMPDecodingError("a \(frame.command) header name cannot hold ':'") }
                buffer.writeString(header.name)
                buffer.writeInteger(UInt8(ascii: ":"))
                buffer.writeString(header.value)
            } else {
                writeEscaped(header.name, into: &buffer)
                buffer.writeInteger(UInt8(ascii: ":"))
                writeEscaped(header.value, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
        buffer.writeBytes(frame.body)
        buffer.writeInteger(UInt8(0))
    }

    /// The encoded bytes of `frame`.
    public static func encode(_ frame: STOMPFrame) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try encode(frame, into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Escapes a header name or value (STOMP 1.2 "Value Encoding").
    public static func escape(_ text: String) -> String {
        var buffer = ByteBuffer()
        writeEscaped(text, into: &buffer)
        return String(buffer: buffer)
    }

    static func writeEscaped(_ text: String, into buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            case UInt8(ascii: ":"): buffer.writeStaticString("\\c")
            default: buffer.writeInteger(byte)
            }
        }
    }

    /// Undoes the escaping; an undefined escape (`\t`, a trailing `\`) is an error.
    public static func unescape(_ bytes: some Collection<UInt8>) throws -> String {
        guard bytes.contains(UInt8(ascii: "\\")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            switch iterator.next() {
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
            case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
            case UInt8(ascii: "c"): out.append(UInt8(ascii: ":"))
            case let other?: throw STOMPDecodingError("undefined escape '\\\(Character(Unicode.Scalar(other)))' in a header")
            case nil: throw STOMPDecodingError("a header ends in a lone '\\'")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
