import NIOCore
import NIOEmbedded
import NIOExtras
import SMTP
import Testing

@Suite("Reply parsing and encoding")
struct ReplyParserTests {
    @Test func multiLineReply() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed(Array("250-mail.example.com Hello".utf8)) == nil)
        #expect(try parser.feed(Array("250-PIPELINING".utf8)) == nil)
        #expect(try parser.feed(Array("250-SIZE 10240000".utf8)) == nil)
        let reply = try #require(try parser.feed(Array("250 AUTH PLAIN LOGIN".utf8)))
        #expect(reply.code == 250)
        #expect(reply.lines == ["mail.example.com Hello", "PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN"])
        let capabilities = SMTPServerCapabilities(ehloReply: reply)
        #expect(capabilities.pipelining)
        #expect(capabilities.sizeLimit == 10_240_000)
        #expect(capabilities.authMechanisms == ["PLAIN", "LOGIN"])
        #expect(!capabilities.startTLS)
    }

    @Test func singleAndBareReplies() throws {
        var parser = SMTPReplyParser()
        let reply = try #require(try parser.feed(Array("550 5.1.1 <x@example.com>: Recipient address rejected\r".utf8)))
        #expect(reply.kind == .permanentNegative)
        #expect(reply.enhancedStatusCode == "5.1.1")
        #expect(try parser.feed(Array("354".utf8))?.code == 354)
        #expect(try parser.feed(Array("452 4.5.3 Too many recipients".utf8))?.kind == .transientNegative)
    }

    @Test("Malformed lines are refused", arguments: ["", "25", "abc hello", "250xhello", "999 nope", "150 too low"])
    func malformed(line: String) {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPError.self) { try parser.feed(Array(line.utf8)) }
    }

    @Test func codeMustNotChangeWithinAReply() throws {
        var parser = SMTPReplyParser()
        _ = try parser.feed(Array("250-first".utf8))
        #expect(throws: SMTPError.self) { try parser.feed(Array("251 second".utf8)) }
    }

    @Test func decoderOverLineBasedFrameDecoder() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
        try channel.pipeline.syncOperations.addHandler(SMTPReplyDecoder())
        // A reply split across reads at awkward places.
        try channel.writeInbound(ByteBuffer(string: "250-fake.test\r\n250-PIPE"))
        #expect(try channel.readInbound(as: SMTPReply.self) == nil)
        try channel.writeInbound(ByteBuffer(string: "LINING\r\n250 8BITMIME\r\n220 ready\r\n"))
        #expect(try channel.readInbound(as: SMTPReply.self) == SMTPReply(code: 250, lines: ["fake.test", "PIPELINING", "8BITMIME"]))
        #expect(try channel.readInbound(as: SMTPReply.self) == SMTPReply(code: 220, lines: ["ready"]))
        #expect(throws: SMTPError.self) { try channel.writeInbound(ByteBuffer(string: "garbage\r\n")) }
        _ = try channel.finish()
    }

    @Test func encoderWritesCommandsAndDotStuffedData() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(SMTPRequestEncoder()))
        try channel.writeOutbound(SMTPClientFrame.command(.mailFrom("a@example.com", parameters: ["SIZE=10"])))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "MAIL FROM:<a@example.com> SIZE=10\r\n"))
        try channel.writeOutbound(SMTPClientFrame.messageData(Array(".first\r\nmid . dot\r\n.\r\n..two\nbare LF\rbare CR\r\nlast".utf8)))
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: written) == "..first\r\nmid . dot\r\n..\r\n...two\r\nbare LF\r\nbare CR\r\nlast\r\n.\r\n")
        try channel.writeOutbound(SMTPClientFrame.messageData([]))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: ".\r\n"))
        #expect(SMTPCommand.authPlain(initialResponse: "secret").redactedLine == "AUTH PLAIN ****")
        _ = try channel.finish()
    }
}
