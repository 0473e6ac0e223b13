import NIOCore
import NIOPosix
import Synchronization
@testable import SMPP

/// An in-process SMSC on 127.0.0.1, port 0, with injectable faults.
struct FakeSMSC: Sendable {
    struct Behavior: Sendable {
        /// The status of the bind response.
        var bindStatus: SMPPCommandStatus = .ESME_ROK
        /// Answer the first N submit_sm with ESME_RTHROTTLED.
        var throttleFirst = 0
        /// Never answer submit_sm.
        var silent = false
        /// Close the connection, unanswered, once this many submit_sm arrived.
        var dropAfterSubmits: Int?
        /// Answer the first submit_sm with a malformed submit_sm_resp (unterminated message_id).
        var malformedFirstResponse = false
        /// Send this raw frame right after the bind response.
        var rawAfterBind: [UInt8]?
        /// Send a delivery receipt for each accepted submit with registered_delivery.
        var sendReceipts = true
    }

    /// What the SMSC saw.
    final class Log: Sendable {
        private let state = Mutex<(submits: Int, enquireLinks: Int, unbinds: Int, messages: [SMPPShortMessage])>((0, 0, 0, []))
        func record(_ pdu: SMPPPDU) {
            self.state.withLock {
                switch pdu.body {
                case .submitSM(let message):
                    $0.submits += 1
                    $0.messages.append(message)
                case .enquireLink: $0.enquireLinks += 1
                case .unbind: $0.unbinds += 1
                default: break
                }
            }
        }
        var submits: Int { self.state.withLock { $0.submits } }
        var enquireLinks: Int { self.state.withLock { $0.enquireLinks } }
        var unbinds: Int { self.state.withLock { $0.unbinds } }
        var messages: [SMPPShortMessage] { self.state.withLock { $0.messages } }
    }

    /// Starts the SMSC, runs `body` with its port, then stops it.
    static func with<T: Sendable>(
        _ behavior: Behavior = Behavior(),
        _ body: @Sendable (_ port: Int, _ log: Log) async throws -> T
    ) async throws -> T {
        let log = Log()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMPPFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(SMPPPDUDecoder())
                    return try NIOAsyncChannel<SMPPPDU, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress!.port!
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { handlers in
                        for try await connection in connections {
                            handlers.addTask { try? await Self.serve(connection, behavior: behavior, log: log) }
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

    private static func serve(_ connection: NIOAsyncChannel<SMPPPDU, ByteBuffer>, behavior: Behavior, log: Log) async throws {
        try await connection.executeThenClose { inbound, outbound in
            func send(_ pdu: SMPPPDU) async throws {
                var buffer = ByteBuffer()
                try pdu.encode(into: &buffer)
                try await outbound.write(buffer)
            }
            var submits = 0
            var messageCounter = 0
            var receiptSequence: UInt32 = 1000
            for try await pdu in inbound {
                log.record(pdu)
                switch pdu.body {
                case .bind(let bind):
                    try await send(SMPPPDU(
                        .bindResponse(SMPPBindResponse(type: bind.type, systemID: behavior.bindStatus.isSuccess ? "FakeSMSC" : "")),
                        sequenceNumber: pdu.sequenceNumber, commandStatus: behavior.bindStatus
                    ))
                    if !behavior.bindStatus.isSuccess { return }
                    if let raw = behavior.rawAfterBind { try await outbound.write(ByteBuffer(bytes: raw)) }
                case .submitSM(let message):
                    submits += 1
                    if let drop = behavior.dropAfterSubmits, submits >= drop { return }
                    if behavior.silent { continue }
                    if submits <= behavior.throttleFirst {
                        try await send(SMPPPDU(.submitSMResponse(messageID: ""), sequenceNumber: pdu.sequenceNumber, commandStatus: .ESME_RTHROTTLED))
                        continue
                    }
                    if behavior.malformedFirstResponse && submits == 1 {
                        var frame = ByteBuffer()
                        frame.writeInteger(UInt32(20)); frame.writeInteger(SMPPCommandID.submitSMResp.rawValue)
                        frame.writeInteger(UInt32(0)); frame.writeInteger(pdu.sequenceNumber)
                        frame.writeBytes([0x41, 0x41, 0x41, 0x41])  // message_id without its NUL
                        try await outbound.write(frame)
                        continue
                    }
                    messageCounter += 1
                    let messageID = "fake-\(messageCounter)"
                    try await send(SMPPPDU(.submitSMResponse(messageID: messageID), sequenceNumber: pdu.sequenceNumber))
                    if behavior.sendReceipts && message.registeredDelivery & 0x03 != 0 {
                        var receipt = SMPPShortMessage(
                            source: message.destination, destination: message.source, esmClass: 0x04,
                            shortMessage: Array("id:\(messageID) sub:001 dlvrd:001 submit date:2601151200 done date:2601151200 stat:DELIVRD err:000 text:".utf8)
                        )
                        receipt.optionalParameters.receiptedMessageID = messageID
                        receipt.optionalParameters.messageState = .delivered
                        receiptSequence += 1
                        try await send(SMPPPDU(.deliverSM(receipt), sequenceNumber: receiptSequence))
                    }
                case .enquireLink:
                    try await send(SMPPPDU(.enquireLinkResponse, sequenceNumber: pdu.sequenceNumber))
                case .unbind:
                    try await send(SMPPPDU(.unbindResponse, sequenceNumber: pdu.sequenceNumber))
                    return
                default:
                    continue
                }
            }
        }
    }
}
