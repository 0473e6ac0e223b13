import HeraldTransports
import Logging
import NIOCore
import NIOPosix
import SMPP

/// Measurements for `herald bench sms`: `submit_sm`/s through an ``SMPPRoute`` to an SMSC, and
/// the ceiling of the SMSC itself (raw pipelined PDUs, no session).
public enum SMPPSubmitBenchmark {
    /// Submits `count` one-segment messages through a one-bind route with `window`; returns
    /// `submit_sm` per second (from the first submit to the last response).
    public static func submitsPerSecond(port: Int, window: Int, count: Int, logger: Logger) async throws -> Double {
        var settings = SMPPRouteSettings(host: "127.0.0.1", port: port, systemID: "bench", password: "bench",
                                         sourceAddress: "Herald", window: window)
        settings.bindWait = .seconds(10)
        let route = SMPPRoute(settings: settings, logger: logger)
        return try await withThrowingTaskGroup(of: Double?.self) { group in
            group.addTask { try await route.run(); return nil }
            group.addTask {
                let source = route.source
                let destination = SMPPAddress("+447700900123")!
                let message = SMSMessage(source: source, destination: destination, text: "Your data allowance is 80% used.", registeredDelivery: false)
                _ = try await route.submit(message)  // warm up and wait for the bind
                let start = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { submits in
                    var started = 0
                    while started < min(window, count) { submits.addTask { _ = try await route.submit(message) }; started += 1 }
                    while try await submits.next() != nil {
                        if started < count { submits.addTask { _ = try await route.submit(message) }; started += 1 }
                    }
                }
                return Double(count) / (ContinuousClock.now - start).seconds
            }
            var rate = 0.0
            if let result = try await group.next(), let value = result { rate = value }
            group.cancelAll()
            return rate
        }
    }

    /// The SMSC's own ceiling: binds, writes `count` pre-encoded `submit_sm` back to back and
    /// counts the responses; returns responses per second.
    public static func sinkCeiling(port: Int, count: Int) async throws -> Double {
        let counter = ResponseCounter(target: count + 1)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    counter.promise = channel.eventLoop.makePromise(of: Void.self)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMPPFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(counter)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let bind = try SMPPPDU(.bind(SMPPBind(type: .transmitter, systemID: "bench", password: "bench")), sequenceNumber: 1).encoded()
        try await channel.writeAndFlush(ByteBuffer(bytes: bind)).get()
        let shortMessage = SMPPShortMessage(source: SMPPAddress("Herald")!, destination: SMPPAddress("+447700900123")!,
                                            shortMessage: Array("Your data allowance is 80% used.".utf8))
        let start = ContinuousClock.now
        var sequence: UInt32 = 2
        var sent = 0
        while sent < count {
            var buffer = channel.allocator.buffer(capacity: 64 * 1000)
            for _ in 0..<min(1000, count - sent) {
                try SMPPPDU(.submitSM(shortMessage), sequenceNumber: sequence).encode(into: &buffer)
                sequence += 1
                sent += 1
            }
            try await channel.writeAndFlush(buffer).get()
        }
        try await counter.promise!.futureResult.get()
        let seconds = (ContinuousClock.now - start).seconds
        try? await channel.close()
        return Double(count) / seconds
    }

    final class ResponseCounter: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let target: Int
        var seen = 0
        var promise: EventLoopPromise<Void>?
        init(target: Int) { self.target = target }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            seen += 1
            if seen == target { promise?.succeed() }
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { promise?.fail(error) }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
