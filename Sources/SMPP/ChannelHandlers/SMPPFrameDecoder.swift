import NIOCore

/// Splits the byte stream into SMPP frames: each frame is `command_length` bytes, where the
/// 4-byte big-endian `command_length` counts itself.
///
/// swift-nio-extras' `LengthFieldBasedFrameDecoder` (1.35) reads a length that excludes the
/// length field and has no length adjustment, so it cannot frame SMPP; this decoder does the
/// same job with the adjustment, keeps the length field in the frame (``SMPPPDU/decode(from:)``
/// checks it) and bounds the frame size so a hostile length cannot make it buffer without end.
public struct SMPPFrameDecoder: ByteToMessageDecoder, Sendable {
    /// Emits whole frames.
    public typealias InboundOut = ByteBuffer

    /// The largest frame accepted (default 64 KiB; a submit_sm with a full message_payload
    /// fits).
    public let maxFrameLength: Int

    /// Creates a decoder.
    public init(maxFrameLength: Int = 65_536) {
        self.maxFrameLength = max(SMPPPDU.headerLength, maxFrameLength)
    }

    /// Emits one frame when it is complete.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length >= UInt32(SMPPPDU.headerLength), length <= UInt32(self.maxFrameLength) else {
            throw SMPPDecodingError(
                code: .invalidCommandLength,
                field: "command_length \(length)",
                commandID: buffer.getInteger(at: buffer.readerIndex + 4, as: UInt32.self).map(SMPPCommandID.init(rawValue:)),
                sequenceNumber: nil
            )
        }
        guard let frame = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    /// At end of input, a partial frame is an error.
    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try self.decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            let partial = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: partial)
            throw SMPPDecodingError(code: .truncated, field: "frame (\(partial) bytes at end of stream)")
        }
        return .needMoreData
    }
}
