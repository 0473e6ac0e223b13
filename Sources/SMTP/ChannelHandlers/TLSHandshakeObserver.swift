import NIOCore
import NIOSSL

/// Sits right after the TLS handler added by STARTTLS and turns handshake failures into
/// ``SMTPError`` values with code `tlsFailed`: TLS errors, and a connection that closes before
/// any decrypted byte arrived.
final class TLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var sawData = false
    private var reported = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        sawData = true
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            reported = true
            context.fireErrorCaught(SMTPError.tlsFailed("\(error)"))
        } else {
            context.fireErrorCaught(error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !sawData && !reported {
            reported = true
            context.fireErrorCaught(SMTPError.tlsFailed("the connection closed during the TLS handshake"))
        }
        context.fireChannelInactive()
    }
}
