import HeraldTestSupport
import NIOCore
import NIOSSL
import Synchronization
import Testing
@testable import WebhookClient

/// The client against in-process servers that misbehave on purpose.
@Suite struct WebhookClientTests {
    static let body = Array(#"{"hello":"world"}"#.utf8)
    static let headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("webhook-id", "msg_1")]

    /// 30 s by default: the tests are about what the server does, and a loaded full suite once kept
    /// three of them past 5 s.
    func send(_ client: WebhookClient, _ url: String, timeout: TimeAmount = .seconds(30)) async throws -> WebhookResponse {
        try await client.execute(try client.endpoint(url), headers: Self.headers, body: Self.body, timeout: timeout)
    }

    @Test func keepAliveReusesOneConnectionAndSendsOneWholeRequest() async throws {
        try await FaultServer.with(script: { i, _ in .send([FaultServer.response(200, #"{"id":"r\#(i)"}"#)]) }) { server in
            let client = WebhookClient()
            for i in 0..<5 {
                let response = try await send(client, server.url("/hooks/a?x=1"))
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == #"{"id":"r\#(i)"}"#)
                #expect(!response.bodyTruncated)
            }
            #expect(server.connections == 1)
            let requests = server.requests
            #expect(requests.count == 5)
            let head = requests[0].head
            #expect(head.hasPrefix("POST /hooks/a?x=1 HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n"))
            #expect(head.contains("\r\nwebhook-id: msg_1\r\n"))
            #expect(head.contains("\r\nContent-Length: \(Self.body.count)"))
            #expect(requests.allSatisfy { $0.body == Self.body })
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await FaultServer.with(script: { _, _ in .send([FaultServer.response(200, "ok", headers: ["Connection: close"])]) }) { server in
            let client = WebhookClient()
            for _ in 0..<3 {
                let response = try await send(client, server.url())
                #expect(response.status == 200)
            }
            #expect(server.connections == 3)
            #expect(Set(server.requests.map(\.connection)) == [1, 2, 3])
        }
    }

    @Test func aServerClosingMidResponseIsALostConnection() async throws {
        let half = Array(FaultServer.response(200, String(repeating: "x", count: 100)).prefix(60))
        try await FaultServer.with(script: { i, _ in i == 0 ? .sendThenClose(half) : .send([FaultServer.response(201)]) }) { server in
            let client = WebhookClient()
            do {
                _ = try await send(client, server.url())
                Issue.record("no error")
            } catch let error as WebhookClientError {
                guard case .connectionClosed = error else { Issue.record("\(error)"); return }
                #expect(error.mayHaveBeenReceived)
            }
            // The next request opens a new connection.
            #expect(try await send(client, server.url()).status == 201)
            #expect(server.connections == 2)
            #expect(server.requests.count == 2)  // not resent on its own: the first may have been received
        }
    }

    @Test func aServerClosingWithoutAnswerOnAFreshConnectionIsNotResent() async throws {
        try await FaultServer.with(script: { _, _ in .sendThenClose([]) }) { server in
            let client = WebhookClient()
            await #expect(throws: WebhookClientError.self) { try await send(client, server.url()) }
            #expect(server.requests.count == 1)
        }
    }

    @Test func anIdleConnectionTheServerClosedIsReplacedAndTheRequestSent() async throws {
        // Every answer is followed by a close without `Connection: close`: the pooled connection is dead.
        try await FaultServer.with(script: { i, _ in .sendThenClose(FaultServer.response(200, "r\(i)")) }) { server in
            let client = WebhookClient()
            #expect(try await send(client, server.url()).status == 200)
            try await Task.sleep(for: .milliseconds(100))
            let second = try await send(client, server.url())
            #expect(String(decoding: second.body, as: UTF8.self) == "r1")
            #expect(server.connections == 2)
            #expect(server.requests.count == 2)
        }
    }

    @Test func aStaleKeepAliveRaceIsSentOnceMoreOnANewConnection() async throws {
        // The server answers, then silently drops the next request on that connection by closing: the
        // client had already reused it; it sends once more on a new connection.
        try await FaultServer.with(script: { i, request in
            if request.connection == 1 { return i == 0 ? .send([FaultServer.response(200, "first")]) : .sendThenClose([]) }
            return .send([FaultServer.response(200, "again")])
        }) { server in
            let client = WebhookClient()
            #expect(try await send(client, server.url()).status == 200)
            let second = try await send(client, server.url())
            #expect(String(decoding: second.body, as: UTF8.self) == "again")
            #expect(server.connections == 2)
            #expect(server.requests.count == 3)
        }
    }

    @Test func aSilentServerTimesOutAsPossiblyReceived() async throws {
        try await FaultServer.with(script: { i, _ in i == 0 ? .silence : .send([FaultServer.response(200)]) }) { server in
            let client = WebhookClient()
            let started = ContinuousClock.now
            do {
                _ = try await send(client, server.url(), timeout: .milliseconds(300))
                Issue.record("no timeout")
            } catch let error as WebhookClientError {
                guard case .timeout(requestSent: true) = error else { Issue.record("\(error)"); return }
                #expect(error.mayHaveBeenReceived)
            }
            let elapsed = ContinuousClock.now - started
            // The 300 ms timeout, not a hang: a loaded full suite has taken 12 s here.
            #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(60), "\(elapsed)")
            // The timed-out connection is not reused.
            #expect(try await send(client, server.url()).status == 200)
            #expect(server.connections == 2)
        }
    }

    @Test func anOversizedBodyIsCutAtTheCapAndItsConnectionDropped() async throws {
        let big = String(repeating: "y", count: 300_000)
        try await FaultServer.with(script: { i, _ in .send([FaultServer.response(i == 0 ? 400 : 200, i == 0 ? big : "small")]) }) { server in
            let client = WebhookClient(configuration: .init(maxResponseBodyBytes: 1000))
            let response = try await send(client, server.url())
            #expect(response.status == 400)
            #expect(response.body == Array(repeating: UInt8(ascii: "y"), count: 1000))
            #expect(response.bodyTruncated)
            let next = try await send(client, server.url())
            #expect(next.body == Array("small".utf8) && !next.bodyTruncated)
            #expect(server.connections == 2)
        }
    }

    @Test func aChunkedResponseInPiecesIsReassembledAndTheConnectionReused() async throws {
        let pieces: [[UInt8]] = [
            Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n".utf8),
            Array("8;ext=1\r\n{\"id\":\"".utf8), Array("a".utf8), Array("\r\n4\r\nbc\"}\r\n0\r\nX-Trailer: t\r\n".utf8), Array("\r\n".utf8),
        ]
        try await FaultServer.with(script: { _, _ in .send(pieces) }) { server in
            let client = WebhookClient()
            for _ in 0..<2 {
                let response = try await send(client, server.url())
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == #"{"id":"abc"}"#)
                #expect(response.header("content-type") == "application/json")
            }
            #expect(server.connections == 1)
        }
    }

    @Test func aResponseReadToTheEndOfTheConnection() async throws {
        try await FaultServer.with(script: { _, _ in .sendThenClose(Array("HTTP/1.1 202 Accepted\r\n\r\nqueued".utf8)) }) { server in
            let response = try await send(WebhookClient(), server.url())
            #expect(response.status == 202 && response.body == Array("queued".utf8))
        }
    }

    @Test func redirectsAreResponses() async throws {
        try await FaultServer.with(script: { _, _ in .send([FaultServer.response(307, "moved", headers: ["Location: http://10.0.0.1/x"])]) }) { server in
            let response = try await send(WebhookClient(), server.url())
            #expect(response.status == 307 && response.header("location") == "http://10.0.0.1/x")
            #expect(server.requests.count == 1)
        }
    }

    @Test func garbageIsAMalformedResponse() async throws {
        try await FaultServer.with(script: { _, _ in .send([Array("SMTP ready\r\n".utf8)]) }) { server in
            do {
                _ = try await send(WebhookClient(), server.url())
                Issue.record("no error")
            } catch let error as WebhookClientError {
                guard case .malformedResponse = error else { Issue.record("\(error)"); return }
            }
        }
    }

    @Test func theResolverDecidesTheAddressConnected() async throws {
        try await FaultServer.with(script: { _, _ in .send([FaultServer.response(200)]) }) { server in
            struct Refused: Error {}
            let asked = Mutex<[String]>([])
            // A name that exists nowhere, resolved by the resolver to the server.
            let client = WebhookClient(configuration: .init { host, port in
                asked.withLock { $0.append(host) }
                return [try SocketAddress(ipAddress: "127.0.0.1", port: port)]
            })
            let response = try await client.execute(try client.endpoint("http://portal.invalid:\(server.port)/h"), headers: [],
                                                    body: [], timeout: .seconds(30))  // as `send`: a loaded CI run answers late
            #expect(response.status == 200)
            #expect(server.requests.first?.head.contains("Host: portal.invalid:\(server.port)") == true)
            #expect(asked.withLock { $0 } == ["portal.invalid"])
            // A refusing resolver: nothing is connected.
            let refusing = WebhookClient(configuration: .init { _, _ in throw Refused() })
            do {
                _ = try await send(refusing, server.url())
                Issue.record("not refused")
            } catch let error as WebhookClientError {
                guard case .resolution(let host, let cause) = error else { Issue.record("\(error)"); return }
                #expect(host == "127.0.0.1" && cause is Refused && !error.mayHaveBeenReceived)
            }
            #expect(server.connections == 1)
        }
    }

    @Test func theResolversAddressesAreTriedInTurn() async throws {
        let closed = try await FaultServer.start { _, _ in .silence }
        let closedPort = closed.port
        await closed.stop()
        try await FaultServer.with(script: { _, _ in .send([FaultServer.response(200)]) }) { server in
            let client = WebhookClient(configuration: .init { _, port in
                [try SocketAddress(ipAddress: "127.0.0.1", port: closedPort), try SocketAddress(ipAddress: "127.0.0.1", port: port)]
            })
            let response = try await send(client, server.url())
            #expect(response.status == 200)
            #expect(server.connections == 1)
        }
    }

    @Test func aRefusedConnectionIsAConnectFailure() async throws {
        let server = try await FaultServer.start { _, _ in .silence }
        let url = server.url()
        await server.stop()
        do {
            _ = try await send(WebhookClient(), url)
            Issue.record("no error")
        } catch let error as WebhookClientError {
            guard case .connectFailed = error else { Issue.record("\(error)"); return }
            #expect(!error.mayHaveBeenReceived)
        }
    }

    @Test func httpsVerifiesTheServerAgainstTrustedRoots() async throws {
        let ca = try await TestCertificateAuthority.make()
        defer { ca.removeFiles() }
        let context = try ca.serverContext(alpn: ["http/1.1"])
        try await FaultServer.with(tls: context, script: { _, _ in .send([FaultServer.response(200, "secure")]) }) { server in
            let root = try NIOSSLCertificate(bytes: Array(ca.caPEM.utf8), format: .pem)
            let trusting = WebhookClient(configuration: .init(additionalTrustRoots: [root]))
            for _ in 0..<2 {
                #expect(try await send(trusting, server.url(tls: true)).body == Array("secure".utf8))
            }
            #expect(server.connections == 1)
            #expect(try await send(trusting, "https://127.0.0.1:\(server.port)/hook").status == 200)  // the IP is in the certificate
            // Not trusted by the system's roots: refused before anything is sent.
            do {
                _ = try await send(WebhookClient(), server.url(tls: true))
                Issue.record("an untrusted certificate was accepted")
            } catch let error as WebhookClientError {
                guard case .connectFailed = error else { Issue.record("\(error)"); return }
            }
            #expect(server.requests.count == 3)
        }
    }

    // MARK: Parsing and encoding

    func parseByteByByte(_ text: String, cap: Int = 1000) throws -> (HTTPResponseParser, HTTPResponseParser.Progress) {
        var parser = HTTPResponseParser(cap: cap)
        var progress = HTTPResponseParser.Progress.needMore
        var pending = ByteBuffer()
        for byte in text.utf8 {
            pending.writeInteger(byte)
            progress = try parser.parse(&pending)
            if progress != .needMore { break }
        }
        return (parser, progress)
    }

    @Test func theParserTakesResponsesInAnyPieces() throws {
        let (a, pa) = try parseByteByByte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nX: y\r\n\r\n")
        #expect(pa == .complete && a.status == 204 && a.body.isEmpty && a.keepAlive)
        let (b, pb) = try parseByteByByte("HTTP/1.1 200 OK\nContent-Length: 3\n\nabc")
        #expect(pb == .complete && b.body == Array("abc".utf8))
        let (c, pc) = try parseByteByByte("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi")
        #expect(pc == .complete && !c.keepAlive)
        let (d, pd) = try parseByteByByte("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        #expect(pd == .complete && !d.keepAlive && d.body == Array("abc".utf8))
        let (e, pe) = try parseByteByByte("HTTP/1.1 500 Oops\r\nContent-Length: 20\r\n\r\n0123456789abcdefghij", cap: 5)
        #expect(pe == .capReached && e.body == Array("01234".utf8) && e.truncated && !e.keepAlive)
        let (f, pf) = try parseByteByByte("HTTP/1.1 200 OK\r\n\r\nto the end")
        #expect(pf == .needMore && f.completeAtEOF && f.body == Array("to the end".utf8) && !f.keepAlive)
    }

    @Test func theParserRefusesWhatIsNotHTTP() {
        for text in ["HTTP/2 200\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "HTTP/1.1 200 OK\r\n folded\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 101 Switching\r\n\r\n"] {
            #expect(throws: HTTPResponseParser.Malformed.self, "\(text.debugDescription)") { try parseByteByByte(text) }
        }
        var parser = HTTPResponseParser(cap: 10)
        var huge = ByteBuffer(string: "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: HTTPResponseParser.maxHeadBytes))
        #expect(throws: HTTPResponseParser.Malformed.self) { try parser.parse(&huge) }
    }

    @Test func urlsAndHeadersAreChecked() throws {
        let v6 = try Target("https://[::1]:8443/a/b?c=d#frag")
        #expect(v6.host == "::1" && v6.port == 8443 && v6.isTLS && v6.isIPLiteral && v6.origin == "https://[::1]:8443")
        #expect(String(decoding: v6.headTail, as: UTF8.self) == " /a/b?c=d HTTP/1.1\r\nHost: [::1]:8443\r\n")
        let plain = try Target("HTTP://Portal.Example.net")
        #expect(plain.host == "Portal.Example.net" && plain.port == 80 && !plain.isIPLiteral && plain.origin == "http://portal.example.net")
        #expect(String(decoding: plain.headTail, as: UTF8.self) == " / HTTP/1.1\r\nHost: Portal.Example.net\r\n")
        for bad in ["ftp://x/", "http://", "http://u:p@host/", "http://host:99999/", "http://ho st/", "http://[::1/"] {
            #expect(throws: WebhookClientError.self, "\(bad)") { try Target(bad) }
        }
        #expect(throws: WebhookClientError.self) { try plain.encode(method: "POST", headers: [("X", "a\r\nInjected: 1")], body: []) }
        #expect(throws: WebhookClientError.self) { try plain.encode(method: "POST", headers: [("Bad Name", "v")], body: []) }
        let buffer = try plain.encode(method: "POST", headers: [("Content-Length", "99"), ("X-A", "1")], body: Array("hi".utf8))
        #expect(String(buffer: buffer) == "POST / HTTP/1.1\r\nHost: Portal.Example.net\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nhi")
    }
}
