import NIOCore
import Testing
@testable import STOMP

@Suite struct FrameCodecTests {
    /// Parses every item in `bytes`, fed whole.
    func parseAll(_ bytes: [UInt8], maxFrameLength: Int = 1 << 20) throws -> [STOMPInbound] {
        var buffer = ByteBuffer(bytes: bytes)
        var items: [STOMPInbound] = []
        while let item = try STOMPFrameParser.next(from: &buffer, maxFrameLength: maxFrameLength) { items.append(item) }
        #expect(buffer.readableBytes == 0)
        return items
    }

    @Test func encodesASendFrameAsTheSpecificationWritesIt() throws {
        let frame = STOMPFrame(.send, headers: [("destination", "/queue/a"), ("content-length", "5")], body: Array("hello".utf8))
        #expect(try STOMPFrameParser.encode(frame) == Array("SEND\ndestination:/queue/a\ncontent-length:5\n\nhello\0".utf8))
    }

    @Test func escapesHeadersExceptInConnect() throws {
        let send = STOMPFrame(.send, headers: [("a:b", "line1\nline2\r\\end:")])
        #expect(String(decoding: try STOMPFrameParser.encode(send), as: UTF8.self) == "SEND\na\\cb:line1\\nline2\\r\\\\end\\c\n\n\0")
        // CONNECT is written raw (a 1.0 broker must read it); a value with ':' stays as it is.
        let connect = STOMPFrame(.connect, headers: [("passcode", "pa:ss\\")])
        #expect(String(decoding: try STOMPFrameParser.encode(connect), as: UTF8.self) == "CONNECT\npasscode:pa:ss\\\n\n\0")
        // ...and a line break cannot be written there.
        #expect(throws: STOMPDecodingError.self) { try STOMPFrameParser.encode(STOMPFrame(.connect, headers: [("login", "a\nb")])) }
    }

    @Test func roundTripsEscapedHeadersAndBinaryBodies() throws {
        let body: [UInt8] = [0, 1, 2, 0, 255, 10, 13]
        let frame = STOMPFrame(.message, headers: [
            ("destination", "/queue/a"), ("content-length", String(body.count)), ("x:y", "a\\b\nc\rd:e"), ("unicode", "Grüße ✓"),
        ], body: body)
        let items = try parseAll(try STOMPFrameParser.encode(frame))
        #expect(items == [.frame(frame)])
    }

    @Test func decodesReceivedFramesWithCRLFHeartBeatsAndRepeatedHeaders() throws {
        let text = "\n\r\nCONNECTED\r\nversion:1.2\r\nheart-beat:100,200\r\n\r\n\0\nRECEIPT\nreceipt-id:r-1\nreceipt-id:r-2\n\n\0\n\n"
        let items = try parseAll(Array(text.utf8))
        #expect(items.count == 7)
        #expect(items[0] == .heartBeat && items[1] == .heartBeat)
        guard case .frame(let connected) = items[2], case .frame(let receipt) = items[4] else {
            Issue.record("frames expected: \(items)")
            return
        }
        #expect(connected.command == .connected)
        #expect(connected["heart-beat"] == "100,200")
        // The first of repeated headers counts.
        #expect(receipt["receipt-id"] == "r-1")
        #expect(receipt.headers.count == 2)
    }

    @Test func connectedHeadersAreNotUnescaped() throws {
        let items = try parseAll(Array("CONNECTED\nversion:1.2\nserver:Broker\\x/1\n\n\0".utf8))
        guard case .frame(let frame) = items.first else { Issue.record("a frame expected"); return }
        #expect(frame["server"] == "Broker\\x/1")
    }

    @Test func waitsForMoreBytesAtEveryCut() throws {
        let body = Array("a body with \0 inside".utf8)
        let bytes = try STOMPFrameParser.encode(STOMPFrame(.message, headers: [("content-length", String(body.count)), ("k", "v")], body: body))
            + Array("\nERROR\nmessage:bad\n\ntext body\0".utf8)
        for cut in 0..<bytes.count {
            var buffer = ByteBuffer(bytes: bytes[..<cut])
            var items: [STOMPInbound] = []
            while let item = try STOMPFrameParser.next(from: &buffer) { items.append(item) }
            buffer.writeBytes(bytes[cut...])
            while let item = try STOMPFrameParser.next(from: &buffer) { items.append(item) }
            #expect(items.count == 3, "cut at \(cut)")
            if case .frame(let message) = items.first { #expect(message.body == body) }
            if case .frame(let error) = items.last { #expect(error.bodyText == "text body" && error["message"] == "bad") }
        }
    }

    @Test func rejectsMalformedFrames() {
        let cases = [
            "SEND\ndestination:/q\nbad\\tescape:x\n\n\0",  // undefined escape
            "SEND\nno colon here\n\n\0",
            "send\n\n\0",  // not an upper-case command
            "MESSAGE\ncontent-length:3\n\nabcd\0",  // no NUL after content-length bytes
            "MESSAGE\ncontent-length:x\n\nabc\0",
            "\rX",  // CR without LF between frames
        ]
        for text in cases {
            #expect(throws: STOMPDecodingError.self, "\(text.debugDescription)") { _ = try parseAll(Array(text.utf8)) }
        }
    }

    @Test func boundsTheFrameSize() {
        let big = "MESSAGE\nk:v\n\n" + String(repeating: "x", count: 200)
        #expect(throws: STOMPDecodingError.self) { _ = try parseAll(Array(big.utf8), maxFrameLength: 100) }
        let longHeader = "MESSAGE\nk:" + String(repeating: "x", count: 200)
        #expect(throws: STOMPDecodingError.self) { _ = try parseAll(Array(longHeader.utf8), maxFrameLength: 100) }
        let declared = "MESSAGE\ncontent-length:1000\n\nabc"
        #expect(throws: STOMPDecodingError.self) { _ = try parseAll(Array(declared.utf8), maxFrameLength: 100) }
    }

    @Test func sendFrameOfAMessage() throws {
        let message = STOMPMessage(destination: "/queue/x", body: [1, 0, 2], contentType: "application/octet-stream", headers: [("herald-id", "d-1")])
        let frame = try message.frame()
        #expect(frame.headers.map(\.name) == ["destination", "content-type", "content-length", "persistent", "herald-id"])
        #expect(frame["content-length"] == "3" && frame["persistent"] == "true")
        #expect(throws: STOMPError.self) { try STOMPMessage(destination: "", text: "x").frame() }
        #expect(throws: STOMPError.self) { try STOMPMessage(destination: "/q", text: "x", headers: [("receipt", "mine")]).frame() }
        #expect(try STOMPMessage(destination: "/q", text: "x", persistent: false).frame()["persistent"] == nil)
    }

    @Test func heartBeatNegotiation() {
        let offer = STOMPHeartBeat(send: .milliseconds(1000), receive: .milliseconds(2000))
        #expect(offer.headerValue == "1000,2000")
        // Each direction: the larger of what the sender can and the receiver wants; off when either says 0.
        #expect(offer.negotiate(brokerHeader: "3000,500") == .init(sendEvery: .milliseconds(1000), receiveEvery: .milliseconds(3000)))
        #expect(offer.negotiate(brokerHeader: "0,5000") == .init(sendEvery: .milliseconds(5000), receiveEvery: nil))
        #expect(offer.negotiate(brokerHeader: nil) == .init(sendEvery: nil, receiveEvery: nil))
        #expect(offer.negotiate(brokerHeader: "garbage") == .init(sendEvery: nil, receiveEvery: nil))
        #expect(STOMPHeartBeat.none.negotiate(brokerHeader: "100,100") == .init(sendEvery: nil, receiveEvery: nil))
    }

    @Test func endpointsFromURLs() throws {
        #expect(try STOMPEndpoint(url: "stomp://mq.example:61614") == STOMPEndpoint(host: "mq.example", port: 61614, tls: false))
        #expect(try STOMPEndpoint(url: "stomp+ssl://mq.example") == STOMPEndpoint(host: "mq.example", port: 61613, tls: true))
        #expect(try STOMPEndpoint(url: "stomp://[::1]:1234/") == STOMPEndpoint(host: "::1", port: 1234))
        #expect(try STOMPEndpoint(url: "STOMP://h:1").description == "stomp://h:1")
        for bad in ["http://h:1", "h:1", "stomp://", "stomp://h:0", "stomp://h:x", "stomp://u:p@h:1", "stomp://h:1/queue"] {
            #expect(throws: STOMPError.self, "\(bad)") { try STOMPEndpoint(url: bad) }
        }
    }

    @Test func backoffDoublesUpToTheCap() {
        let configuration = STOMPClient.Configuration(endpoint: STOMPEndpoint(host: "h"), reconnectBackoff: .milliseconds(100), maxReconnectBackoff: .seconds(1))
        #expect((0...6).map { configuration.backoff(afterFailures: $0) } == [
            .zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1),
        ])
        #expect(configuration.backoff(afterFailures: 500) == .seconds(1))
    }
}
