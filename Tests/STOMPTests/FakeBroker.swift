import NIOCore
import NIOPosix
import Synchronization
@testable import STOMP

/// An in-process STOMP broker on 127.0.0.1, port 0, with injectable faults. It answers
/// `CONNECT`, confirms each `SEND` with a `RECEIPT` (unless told otherwise) and `DISCONNECT`.
struct FakeBroker: Sendable {
    struct Behavior: Sendable {
        /// Answer `CONNECT` with this `ERROR` message and close.
        var connectError: String?
        /// Refuse `CONNECT` (with an `ERROR`) on the first N connections only.
        var refuseFirstConnections = 0
        /// The `heart-beat` header of `CONNECTED`.
        var heartBeat = "0,0"
        /// Send a heart-beat every this often (nil: never, a silent broker when `heartBeat` promises some).
        var sendHeartBeatsEvery: TimeAmount?
        /// Answer a `SEND` to this destination with an `ERROR` naming its receipt, then close.
        var rejectDestination: String?
        /// Keep the connection open after that `ERROR` (ActiveMQ-like leniency).
        var keepOpenAfterReject = false
        /// Close the connection, unanswered, when this many `SEND`s arrived on it.
        var dropAfterSends: Int?
        /// Never send receipts for `SEND`.
        var withholdReceipts = false
        /// Send this (raw) after `CONNECTED`.
        var rawAfterConnected: [UInt8]?
    }

    /// What the broker saw.
    final class Log: Sendable {
        private let state = Mutex<(sends: [STOMPFrame], connects: [STOMPFrame], heartBeats: Int, disconnects: Int)>(([], [], 0, 0))
        func record(_ item: STOMPInbound) {
            state.withLock {
                switch item {
                case .heartBeat: $0.heartBeats += 1
                case .frame(let frame):
                    switch frame.command {
                    case .send: $0.sends.append(frame)
                    case .connect, .stomp: $0.connects.append(frame)
                    case .disconnect: $0.disconnects += 1
                    default: break
                    }
                }
            }
        }
        private let connections = Mutex(0)
        /// Counts a new connection; returns its number (from 1).
        func nextConnection() -> Int { connections.withLock { $0 += 1; return $0 } }
        var sends: [STOMPFrame] { state.withLock { $0.sends } }
        var connects: [STOMPFrame] { state.withLock { $0.connects } }
        var heartBeats: Int { state.withLock { $0.heartBeats } }
        var disconnects: Int { state.withLock { $0.disconnects } }
    }

    /// Starts the broker, runs `body` with its port, then stops it.
    static func with<T: Sendable>(
        _ behavior: Behavior = Behavior(),
        _ body: @Sendable (_ port: Int, _ log: Log) async throws -> T
    ) async throws -> T {
        let log = Log()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(STOMPFrameDecoder()))
                    return try NIOAsyncChannel<STOMPInbound, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress!.port!
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { handlers in
                        for try await connection in inbound {
                            let number = log.nextConnection()
                            handlers.addTask { try? await Self.serve(connection, number: number, behavior: behavior, log: log) }
                        }
                    }
                }
            }
            do {
                let result = try await body(port, log)
                group.cancelAll()
                try? await server.channel.close()
                return result
            } catch {
                group.cancelAll()
                try? await server.channel.close()
                throw error
            }
        }
    }

    /// Writes frames (encoded by the module's codec) or heart-beats.
    struct Writer: Sendable {
        let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
        func write(_ item: STOMPOutbound) async throws {
            var buffer = ByteBuffer()
            try STOMPFrameEncoder().encode(data: item, out: &buffer)
            try await writer.write(buffer)
        }
    }

    private static func serve(_ connection: NIOAsyncChannel<STOMPInbound, ByteBuffer>, number: Int, behavior: Behavior, log: Log) async throws {
        try await connection.executeThenClose { inbound, writer in
            let outbound = Writer(writer: writer)
            try await withThrowingTaskGroup(of: Void.self) { group in
                var sends = 0
                defer { group.cancelAll() }
                for try await item in inbound {
                    log.record(item)
                    guard case .frame(let frame) = item else { continue }
                    switch frame.command {
                    case .connect, .stomp:
                        if let message = behavior.connectError ?? (number <= behavior.refuseFirstConnections ? "refused \(number)" : nil) {
                            try await outbound.write(.frame(STOMPFrame(.error, headers: [("message", message)], body: Array("go away\n".utf8))))
                            return
                        }
                        try await outbound.write(.frame(STOMPFrame(.connected, headers: [
                            ("version", "1.2"), ("server", "FakeBroker/1"), ("heart-beat", behavior.heartBeat),
                        ])))
                        if let raw = behavior.rawAfterConnected {
                            try await writer.write(ByteBuffer(bytes: raw))
                        }
                        if let every = behavior.sendHeartBeatsEvery {
                            group.addTask {
                                while !Task.isCancelled {
                                    try await Task.sleep(for: .nanoseconds(every.nanoseconds))
                                    try await outbound.write(.heartBeat)
                                }
                            }
                        }
                    case .send:
                        sends += 1
                        if let drop = behavior.dropAfterSends, sends >= drop { return }
                        let receipt = frame["receipt"] ?? ""
                        if let reject = behavior.rejectDestination, frame["destination"] == reject {
                            try await outbound.write(.frame(STOMPFrame(.error, headers: [
                                ("receipt-id", receipt), ("message", "not allowed: \(reject)"), ("content-type", "text/plain"),
                            ], body: Array("the destination \(reject) is closed".utf8))))
                            if behavior.keepOpenAfterReject { continue }
                            return
                        }
                        if behavior.withholdReceipts { continue }
                        try await outbound.write(.frame(STOMPFrame(.receipt, headers: [("receipt-id", receipt)])))
                    case .disconnect:
                        if let receipt = frame["receipt"] {
                            try await outbound.write(.frame(STOMPFrame(.receipt, headers: [("receipt-id", receipt)])))
                        }
                        return
                    default:
                        if let receipt = frame["receipt"] {
                            try await outbound.write(.frame(STOMPFrame(.receipt, headers: [("receipt-id", receipt)])))
                        }
                    }
                }
            }
        }
    }
}
