import NIOCore

/// Splits the byte stream into ``STOMPInbound`` items (frames and heart-beats) with
/// ``STOMPFrameParser``. A malformed frame is thrown as ``STOMPDecodingError`` (the session
/// then closes the connection: after a framing error the stream cannot be trusted).
public struct STOMPFrameDecoder: ByteToMessageDecoder, Sendable {
    /// Frames and heart-beats out.
    public typealias InboundOut = STOMPInbound

    /// The largest frame accepted (headers and body). Default 1 MiB.
    public let maxFrameLength: Int

    /// Creates a decoder.
    public init(maxFrameLength: Int = 1 << 20) {
        self.maxFrameLength = max(64, maxFrameLength)
    }

    /// Emits the next item when it is complete.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let item = try STOMPFrameParser.next(from: &buffer, maxFrameLength: maxFrameLength) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(item))
        return .continue
    }

    /// At end of input, a partial frame is dropped (the connection is gone either way).
    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}

/// What the session writes: a frame or a heart-beat.
public enum STOMPOutbound: Sendable, Hashable {
    /// A frame.
    case frame(STOMPFrame)
    /// One end-of-line.
    case heartBeat
}

/// Encodes ``STOMPOutbound`` values with ``STOMPFrameParser/encode(_:into:)``.
public struct STOMPFrameEncoder: MessageToByteEncoder, Sendable {
    /// Frames and heart-beats in.
    public typealias OutboundIn = STOMPOutbound

    /// Creates an encoder.
    public init() {}

    /// Encodes one item.
    public func encode(data: STOMPOutbound, out: inout ByteBuffer) throws {
        switch data {
        case .frame(let frame): try STOMPFrameParser.encode(frame, into: &out)
        case .heartBeat: out.writeInteger(UInt8(ascii: "\n"))
        }
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Adds the STOMP codec: after this, the channel reads ``STOMPInbound`` and writes ``STOMPOutbound``.
    public func addSTOMPCodecHandlers(maxFrameLength: Int = 1 << 20) throws {
        try self.addHandler(ByteToMessageHandler(STOMPFrameDecoder(maxFrameLength: maxFrameLength)))
        try self.addHandler(MessageToByteHandler(STOMPFrameEncoder()))
    }
}
