import NIOCore
import NIOSSH

/// Unwraps the SSH channel's data messages into bytes (standard error data is dropped).
public final class SSHChannelDataUnwrapper: ChannelInboundHandler {
    public typealias InboundIn = SSHChannelData
    public typealias InboundOut = ByteBuffer

    /// Creates the handler.
    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard message.type == .channel, case .byteBuffer(let bytes) = message.data else { return }
        context.fireChannelRead(wrapInboundOut(bytes))
    }
}

/// Frames the SFTP byte stream into packets and decodes them (either direction).
public struct SFTPPacketDecoder: ByteToMessageDecoder {
    public typealias InboundOut = SFTPMessage

    /// Creates the decoder.
    public init() {}

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let message = try SFTPPacketCodec.decode(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
