import NIOCore

/// Turns lines (from swift-nio-extras' `LineBasedFrameDecoder`) into ``SMTPReply`` values.
public final class SMTPReplyDecoder: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = SMTPReply

    private var parser = SMTPReplyParser()

    /// Creates a decoder.
    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        do {
            if let reply = try parser.feed(line.readableBytesView) {
                context.fireChannelRead(wrapInboundOut(reply))
            }
        } catch {
            context.fireErrorCaught(error)
        }
    }
}
