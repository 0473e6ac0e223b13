import NIOCore

/// Decodes whole frames (from ``SMPPFrameDecoder``) into ``SMPPPDU`` values.
///
/// A frame that does not decode is reported with `fireErrorCaught(SMPPDecodingError)` and
/// the channel stays open: the framing is intact, so the session can `generic_nack` it.
public final class SMPPPDUDecoder: ChannelInboundHandler, RemovableChannelHandler {
    /// Frames in.
    public typealias InboundIn = ByteBuffer
    /// PDUs out.
    public typealias InboundOut = SMPPPDU

    /// Creates a decoder.
    public init() {}

    /// Decodes one frame.
    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        do {
            let pdu = try SMPPPDU.decode(from: frame)
            context.fireChannelRead(Self.wrapInboundOut(pdu))
        } catch {
            context.fireErrorCaught(error)
        }
    }
}

/// Encodes ``SMPPPDU`` values to bytes.
public struct SMPPPDUEncoder: MessageToByteEncoder, Sendable {
    /// PDUs in.
    public typealias OutboundIn = SMPPPDU

    /// Creates an encoder.
    public init() {}

    /// Encodes one PDU; a value that does not fit its fields fails the write with ``SMPPError``.
    public func encode(data: SMPPPDU, out: inout ByteBuffer) throws {
        try data.encode(into: &out)
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Adds the SMPP framing and PDU codec: after this, the channel reads and writes ``SMPPPDU``.
    public func addSMPPCodecHandlers(maxFrameLength: Int = 65_536) throws {
        try self.addHandler(ByteToMessageHandler(SMPPFrameDecoder(maxFrameLength: maxFrameLength)))
        try self.addHandler(SMPPPDUDecoder())
        try self.addHandler(MessageToByteHandler(SMPPPDUEncoder()))
    }
}
