import NIOCore
import NIOEmbedded
import Testing
@testable import SMPP

@Suite struct ChannelHandlerTests {
    func codecChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addSMPPCodecHandlers(maxFrameLength: 1024)
        return channel
    }

    @Test func framesSplitAndCoalescedReads() throws {
        let channel = try self.codecChannel()
        let first = try SMPPPDU(.submitSMResponse(messageID: "abc"), sequenceNumber: 1).bytes()
        let second = try SMPPPDU(.enquireLink, sequenceNumber: 2).bytes()
        let stream = first + second
        // Byte by byte for the first PDU, then the rest in one read.
        for byte in first { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
        try channel.writeInbound(ByteBuffer(bytes: second))
        #expect(try channel.readInbound(as: SMPPPDU.self) == SMPPPDU(.submitSMResponse(messageID: "abc"), sequenceNumber: 1))
        #expect(try channel.readInbound(as: SMPPPDU.self) == SMPPPDU(.enquireLink, sequenceNumber: 2))
        try channel.writeInbound(ByteBuffer(bytes: stream + stream))
        var count = 0
        while try channel.readInbound(as: SMPPPDU.self) != nil { count += 1 }
        #expect(count == 4)
        _ = try channel.finish()
    }

    @Test func encoderWritesPDUs() throws {
        let channel = try self.codecChannel()
        try channel.writeOutbound(SMPPPDU(.enquireLink, sequenceNumber: 9))
        let bytes = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(bytes.readableBytesView) == hex("00000010 00000015 00000000 00000009"))
        _ = try channel.finish()
    }

    @Test func malformedBodyIsReportedAndTheStreamContinues() throws {
        let channel = try self.codecChannel()
        #expect(throws: SMPPDecodingError.self) {
            try channel.writeInbound(ByteBuffer(bytes: hex("00000014 80000004 00000000 00000001 41414141")))
        }
        try channel.writeInbound(ByteBuffer(bytes: hex("00000010 80000015 00000000 00000002")))
        #expect(try channel.readInbound(as: SMPPPDU.self) == SMPPPDU(.enquireLinkResponse, sequenceNumber: 2))
        _ = try channel.finish()
    }

    @Test(arguments: ["00000004 00000015", "00100000 00000004 00000000 00000001"])
    func badCommandLengthIsATypedError(wire: String) throws {
        let channel = try self.codecChannel()
        do {
            try channel.writeInbound(ByteBuffer(bytes: hex(wire)))
            Issue.record("accepted a bad command_length")
        } catch let error as SMPPDecodingError {
            #expect(error.code == .invalidCommandLength)
        }
        _ = try? channel.finish()
    }

    /// The session handler on an embedded channel: bind, submit, receipt, timeout — with the
    /// embedded loop's clock.
    @Test func sessionHandlerDrivesTheStateMachine() async throws {
        // The embedded loop is single-threaded: drive it synchronously, then read the stream.
        let deliveries = try Self.runEmbeddedSession()
        var collected: [SMPPDelivery] = []
        for await delivery in deliveries { collected.append(delivery) }
        #expect(collected.count == 1)
        #expect(collected.first?.receipt?.messageID == "m-2")
        #expect(collected.first?.receipt?.state == .delivered)
    }

    static func runEmbeddedSession() throws -> AsyncStream<SMPPDelivery> {
        let channel = EmbeddedChannel()
        let loop = channel.embeddedEventLoop
        let bindPromise = loop.makePromise(of: SMPPBindResponse.self)
        let (deliveries, continuation) = AsyncStream.makeStream(of: SMPPDelivery.self)
        let configuration = SMPPSessionStateMachine.Configuration(
            bind: SMPPBind(systemID: "herald", password: "pw"), windowSize: 2, responseTimeout: .seconds(2), enquireLinkInterval: .seconds(60)
        )
        try channel.pipeline.syncOperations.addSMPPCodecHandlers()
        try channel.pipeline.syncOperations.addHandler(SMPPSessionHandler(configuration: configuration, bindPromise: bindPromise, deliveries: continuation))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2775)).wait()

        let bind = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try SMPPPDU.decode(from: bind) == SMPPPDU(.bind(configuration.bind), sequenceNumber: 1))
        try channel.writeInbound(ByteBuffer(bytes: try SMPPPDU(.bindResponse(.init(type: .transceiver, systemID: "SMSC")), sequenceNumber: 1).bytes()))
        #expect(try bindPromise.futureResult.wait().systemID == "SMSC")

        let message = SMPPShortMessage(source: SMPPAddress("Herald")!, destination: SMPPAddress("+4915112345678")!, shortMessage: [0x48])
        let accepted = loop.makePromise(of: String.self)
        let lost = loop.makePromise(of: String.self)
        channel.write(SMPPSessionHandler.Request.submit(message, accepted), promise: nil)
        channel.writeAndFlush(SMPPSessionHandler.Request.submit(message, lost), promise: nil)
        let submits = try [channel.readOutbound(as: ByteBuffer.self), channel.readOutbound(as: ByteBuffer.self)].map { try SMPPPDU.decode(from: #require($0)) }
        #expect(submits.map(\.sequenceNumber) == [2, 3])
        try channel.writeInbound(ByteBuffer(bytes: try SMPPPDU(.submitSMResponse(messageID: "m-2"), sequenceNumber: 2).bytes()))
        #expect(try accepted.futureResult.wait() == "m-2")

        // A receipt is answered and delivered.
        var receipt = SMPPShortMessage(source: message.destination, destination: message.source, esmClass: 4, shortMessage: Array("id:m-2 stat:DELIVRD".utf8))
        receipt.optionalParameters.messageState = .delivered
        try channel.writeInbound(ByteBuffer(bytes: try SMPPPDU(.deliverSM(receipt), sequenceNumber: 100).bytes()))
        let answer = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try SMPPPDU.decode(from: answer) == SMPPPDU(.deliverSMResponse(messageID: ""), sequenceNumber: 100))

        // The second submit is never answered: it times out on the loop's clock.
        loop.advanceTime(by: .seconds(3))
        #expect(throws: SMPPError(code: .responseTimeout)) { try lost.futureResult.wait() }

        _ = try? channel.finish()  // ends the stream
        return deliveries
    }
}
