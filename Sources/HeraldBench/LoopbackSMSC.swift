import NIOCore
import NIOPosix
import SMPP
import Synchronization

/// A small, fast SMSC on 127.0.0.1 for benchmarks and tests: accepts any bind, answers each
/// `submit_sm` at once with a message id (`loop-<n>`), and optionally sends a `DELIVRD` receipt:
/// on the same session for a transceiver, on a receiver session for a transmitter (as SMPP 3.4
/// says: no `deliver_sm` on a transmitter bind; dropped when no receiver is bound).
/// Faults can be injected: throttling, permanent rejection by destination prefix, and a
/// connection dropped mid-window. Not an SMSC to send real traffic to.
public final class LoopbackSMSC: Sendable {
    /// What the SMSC does.
    public struct Behavior: Sendable {
        /// Answer the first N `submit_sm` (over all connections) with `ESME_RTHROTTLED`.
        public var throttleFirst: Int
        /// Close the connection, unanswered, when the Nth `submit_sm` (over all connections)
        /// arrives; once.
        public var dropAtSubmit: Int?
        /// Reject destinations starting with this prefix with `ESME_RINVDSTADR`.
        public var rejectPrefix: String?
        /// Send a delivery receipt for accepted submits that ask for one.
        public var sendReceipts: Bool

        /// Creates a behavior; the default accepts everything and sends receipts.
        public init(throttleFirst: Int = 0, dropAtSubmit: Int? = nil, rejectPrefix: String? = "999", sendReceipts: Bool = true) {
            self.throttleFirst = throttleFirst
            self.dropAtSubmit = dropAtSubmit
            self.rejectPrefix = rejectPrefix
            self.sendReceipts = sendReceipts
        }
    }

    final class Counters: Sendable {
        /// Receiver-bound sessions, for receipts of submits made on transmitter binds.
        let receivers = Mutex<[ObjectIdentifier: any Channel]>([:])
        let receiptSequence = Atomic<UInt32>(0x4000_0000)
        let submits = Atomic<Int>(0)
        let accepted = Atomic<Int>(0)
        let binds = Atomic<Int>(0)
        let unbinds = Atomic<Int>(0)
    }

    /// The listening port.
    public let port: Int
    private let channel: any Channel
    private let counters: Counters

    private init(port: Int, channel: any Channel, counters: Counters) {
        self.port = port
        self.channel = channel
        self.counters = counters
    }

    /// Starts listening on an ephemeral loopback port.
    public static func start(_ behavior: Behavior = Behavior(), eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> LoopbackSMSC {
        let counters = Counters()
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMPPFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(SMPPPDUDecoder())
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(SMPPPDUEncoder()))
                    try channel.pipeline.syncOperations.addHandler(Handler(behavior: behavior, counters: counters))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return LoopbackSMSC(port: channel.localAddress?.port ?? 0, channel: channel, counters: counters)
    }

    /// Stops listening (open connections are closed by their clients or at process exit).
    public func stop() async {
        try? await channel.close()
    }

    /// `submit_sm` received.
    public var submits: Int { counters.submits.load(ordering: .relaxed) }
    /// `submit_sm` accepted.
    public var accepted: Int { counters.accepted.load(ordering: .relaxed) }
    /// Binds accepted.
    public var binds: Int { counters.binds.load(ordering: .relaxed) }
    /// `unbind` received.
    public var unbinds: Int { counters.unbinds.load(ordering: .relaxed) }
    /// Sessions bound as receivers now.
    public var receiverBinds: Int { counters.receivers.withLock { $0.count } }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = SMPPPDU
        typealias OutboundOut = SMPPPDU
        let behavior: Behavior
        let counters: Counters
        var bindType: SMPPBindType?

        init(behavior: Behavior, counters: Counters) {
            self.behavior = behavior
            self.counters = counters
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let pdu = unwrapInboundIn(data)
            switch pdu.body {
            case .bind(let bind):
                counters.binds.add(1, ordering: .relaxed)
                bindType = bind.type
                if bind.type == .receiver {
                    let channel = context.channel
                    counters.receivers.withLock { $0[ObjectIdentifier(channel)] = channel }
                }
                context.write(wrapOutboundOut(SMPPPDU(.bindResponse(SMPPBindResponse(type: bind.type, systemID: "LoopbackSMSC")), sequenceNumber: pdu.sequenceNumber)), promise: nil)
            case .submitSM(let message):
                let n = counters.submits.add(1, ordering: .relaxed).newValue
                if let drop = behavior.dropAtSubmit, n == drop {
                    context.close(promise: nil)
                    return
                }
                if n <= behavior.throttleFirst {
                    context.write(wrapOutboundOut(SMPPPDU(.submitSMResponse(messageID: ""), sequenceNumber: pdu.sequenceNumber, commandStatus: .ESME_RTHROTTLED)), promise: nil)
                    return
                }
                if let prefix = behavior.rejectPrefix, message.destination.address.hasPrefix(prefix) {
                    context.write(wrapOutboundOut(SMPPPDU(.submitSMResponse(messageID: ""), sequenceNumber: pdu.sequenceNumber, commandStatus: .ESME_RINVDSTADR)), promise: nil)
                    return
                }
                let id = "loop-\(counters.accepted.add(1, ordering: .relaxed).newValue)"
                context.write(wrapOutboundOut(SMPPPDU(.submitSMResponse(messageID: id), sequenceNumber: pdu.sequenceNumber)), promise: nil)
                if behavior.sendReceipts && message.registeredDelivery & 0x03 != 0 {
                    var receipt = SMPPShortMessage(
                        source: message.destination, destination: message.source, esmClass: SMPPShortMessage.esmClassDeliveryReceipt,
                        shortMessage: Array("id:\(id) sub:001 dlvrd:001 submit date:2601151200 done date:2601151200 stat:DELIVRD err:000 text:".utf8))
                    receipt.optionalParameters.receiptedMessageID = id
                    receipt.optionalParameters.messageState = .delivered
                    let sequence = counters.receiptSequence.add(1, ordering: .relaxed).newValue
                    let pdu = SMPPPDU(.deliverSM(receipt), sequenceNumber: sequence)
                    if bindType == .transmitter {
                        if let receiver = counters.receivers.withLock({ $0.values.first }) {
                            receiver.writeAndFlush(pdu, promise: nil)
                        }
                    } else {
                        context.write(wrapOutboundOut(pdu), promise: nil)
                    }
                }
            case .enquireLink:
                context.write(wrapOutboundOut(SMPPPDU(.enquireLinkResponse, sequenceNumber: pdu.sequenceNumber)), promise: nil)
            case .unbind:
                counters.unbinds.add(1, ordering: .relaxed)
                context.writeAndFlush(wrapOutboundOut(SMPPPDU(.unbindResponse, sequenceNumber: pdu.sequenceNumber))).whenComplete { _ in
                    context.close(promise: nil)
                }
            default:
                break
            }
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            context.flush()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            let id = ObjectIdentifier(context.channel)
            counters.receivers.withLock { _ = $0.removeValue(forKey: id) }
            context.fireChannelInactive()
        }
    }
}
