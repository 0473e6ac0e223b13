import HeraldTestSupport
import NIOCore
import NIOPosix
import SMTP
import Testing

@Suite("SMTPClient against a fault-injecting fake server")
struct ClientFaultTests {
    static let message = Array("Subject: test\r\n\r\nHello\r\n.dot line\r\n".utf8)

    static func client(_ server: FakeSMTPServer, timeouts: SMTPClient.Timeouts = .uniform(.seconds(5))) -> SMTPClient {
        SMTPClient(configuration: .init(host: "127.0.0.1", port: server.port, tls: .none, timeouts: timeouts))
    }

    static func withServer<R>(_ script: FakeSMTPServer.Script, _ body: (FakeSMTPServer) async throws -> R) async throws -> R {
        let server = try await FakeSMTPServer(script)
        do {
            let result = try await body(server)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    @Test func pipelinedSendAndRsetBetweenMessages() async throws {
        try await Self.withServer(.init()) { server in
            let results = try await Self.client(server).withConnection { connection in
                #expect(connection.capabilities.pipelining)
                let first = try await connection.send(from: "a@test", to: ["b@test", "c@test"], data: Self.message)
                let second = try await connection.send(from: "a@test", to: ["d@test"], data: Self.message)
                return [first, second]
            }
            #expect(results[0].acceptedRecipients == ["b@test", "c@test"])
            #expect(results[0].finalReply?.text == "2.0.0 Ok: queued as ABC123")
            #expect(results[1].acceptedRecipients == ["d@test"])
            #expect(server.messages == [Self.message, Self.message])
            #expect(server.commands == [
                "EHLO localhost", "MAIL FROM:<a@test> SIZE=\(Self.message.count)", "RCPT TO:<b@test>", "RCPT TO:<c@test>", "DATA",
                "RSET", "MAIL FROM:<a@test> SIZE=\(Self.message.count)", "RCPT TO:<d@test>", "DATA", "QUIT",
            ])
            // MAIL, RCPT, RCPT, DATA arrived in one read: pipelined.
            #expect(server.linesPerRead.contains(4))
        }
    }

    /// Pulls `messages` through one session; returns the results in order and what came back unsent.
    static func sendPulling(_ connection: SMTPConnection, _ messages: [SMTPConnection.OutgoingMessage])
        async -> (results: [Result<SMTPSendResult, SMTPError>], unsent: SMTPConnection.OutgoingMessage?) {
        var queue = messages[...]
        var results: [Result<SMTPSendResult, SMTPError>] = []
        let unsent = await connection.send(pulling: { queue.popFirst() }, completed: { _, result in results.append(result) })
        return (results, unsent)
    }

    /// The send loop runs on an event loop thread (the session's own), so a reply resumes it
    /// without waking a thread of the global pool.
    @Test func pulledMessagesAreSentFromTheEventLoop() async throws {
        try await Self.withServer(.init()) { server in
            var onLoop: [Bool] = []
            var queue = (0..<3).map { _ in SMTPConnection.OutgoingMessage(from: "a@test", recipients: ["b@test"], data: Self.message) }[...]
            let unsent = try await Self.client(server).withConnection { connection in
                await connection.send(pulling: {
                    onLoop.append(MultiThreadedEventLoopGroup.currentEventLoop != nil)
                    return queue.popFirst()
                }, completed: { _, result in
                    onLoop.append(MultiThreadedEventLoopGroup.currentEventLoop != nil)
                    #expect((try? result.get()) != nil)
                })
            }
            #expect(unsent == nil)
            #expect(server.messages.count == 3)
            #expect(!onLoop.isEmpty && onLoop.allSatisfy { $0 })
        }
    }

    @Test func pulledMessagesCostOneRoundTripEach() async throws {
        var script = FakeSMTPServer.Script()
        script.rcptReplies["bad@test"] = "550 5.1.1 no such user"
        try await Self.withServer(script) { server in
            let recipients = ["b@test", "bad@test", "d@test", "e@test"]
            let messages = recipients.map { SMTPConnection.OutgoingMessage(from: "a@test", recipients: [$0], data: Self.message, envelopeID: nil) }
            let (results, unsent) = try await Self.client(server).withConnection { await Self.sendPulling($0, messages) }
            #expect(unsent == nil)
            #expect(results.count == 4)
            #expect((try? results[0].get())?.acceptedRecipients == ["b@test"])
            // The refused recipient is that message's answer only; the ones after it go through.
            if case .permanentFailure(let reason, _)? = (try? results[1].get())?.recipients.first?.outcome {
                #expect(reason.contains("550"))
            } else {
                Issue.record("bad@test should be refused permanently: \(results[1])")
            }
            #expect((try? results[2].get())?.acceptedRecipients == ["d@test"])
            #expect((try? results[3].get())?.acceptedRecipients == ["e@test"])
            #expect(server.messages.filter { !$0.isEmpty } == [Self.message, Self.message, Self.message])
            #expect(server.commands.filter { $0 == "RSET" }.count == 3)  // RSET between messages, as before
            // Each following envelope arrived in the same read as the content before it.
            #expect(server.commandsAfterDataEnd >= 2)
        }
    }

    @Test func aSessionThatBreaksHandsBackTheMessageItHadNotSent() async throws {
        var script = FakeSMTPServer.Script()
        script.disconnectAfterDataLines = 2
        let big = Array(("Subject: big\r\n\r\n" + String(repeating: "line of text\r\n", count: 2000)).utf8)
        try await Self.withServer(script) { server in
            let messages = ["b@test", "c@test", "d@test"].map { SMTPConnection.OutgoingMessage(from: "a@test", recipients: [$0], data: big) }
            let (results, unsent) = try await Self.client(server).withConnection { await Self.sendPulling($0, messages) }
            // The first fails as a lost connection (retryable); the second, pulled to be
            // pipelined behind it, comes back unsent; the third was never taken.
            #expect(results.count == 1)
            if case .failure(let error) = results[0] { #expect(error.isTransient) } else { Issue.record("the first message should fail") }
            #expect(unsent?.recipients == ["c@test"])
        }
    }

    @Test func greeting421IsTransient() async throws {
        try await Self.withServer(.init(greeting: "421 4.3.2 Service not available, closing")) { server in
            let error = await #expect(throws: SMTPError.self) {
                try await Self.client(server).send(from: "a@test", to: ["b@test"], data: Self.message)
            }
            #expect(error?.code == .greetingRejected)
            #expect(error?.isTransient == true)
            #expect(error?.reason.contains("Service not available") == true)
        }
    }

    @Test func perRecipient452And550() async throws {
        var script = FakeSMTPServer.Script()
        script.rcptReplies = ["full@test": "452 4.2.2 Mailbox full", "gone@test": "550 5.1.1 User unknown"]
        try await Self.withServer(script) { server in
            let result = try await Self.client(server).send(from: "a@test", to: ["ok@test", "full@test", "gone@test"], data: Self.message)
            #expect(result.acceptedRecipients == ["ok@test"])
            guard case .transientFailure(let transient, _) = result.recipients[1].outcome,
                  case .permanentFailure(let permanent, let reply) = result.recipients[2].outcome else {
                Issue.record("unexpected outcomes \(result.recipients)")
                return
            }
            #expect(transient == "452 4.2.2 Mailbox full")
            #expect(permanent == "550 5.1.1 User unknown")
            #expect(reply?.enhancedStatusCode == "5.1.1")
            #expect(server.messages.count == 1)
        }
    }

    @Test func allRecipientsRefusedSendsNoContent() async throws {
        var script = FakeSMTPServer.Script()
        script.extensions = ["SIZE 100000"]  // no PIPELINING: lock-step, no DATA at all
        script.rcptReplies = ["gone@test": "550 5.1.1 User unknown"]
        try await Self.withServer(script) { server in
            let result = try await Self.client(server).send(from: "a@test", to: ["gone@test"], data: Self.message)
            #expect(result.acceptedRecipients.isEmpty)
            #expect(result.finalReply == nil)
            #expect(!server.commands.contains("DATA"))
            #expect(server.linesPerRead.allSatisfy { $0 == 1 })
        }
    }

    @Test func rejectionAfterDataIs554Permanent() async throws {
        var script = FakeSMTPServer.Script()
        script.finalReply = "554 5.7.1 Message rejected as spam"
        try await Self.withServer(script) { server in
            let error = await #expect(throws: SMTPError.self) {
                try await Self.client(server).send(from: "a@test", to: ["b@test"], data: Self.message)
            }
            #expect(error?.code == .messageRejected)
            #expect(error?.isPermanent == true)
            #expect(error?.reply?.text == "5.7.1 Message rejected as spam")
        }
    }

    @Test func disconnectInTheMiddleOfDataIsTransient() async throws {
        var script = FakeSMTPServer.Script()
        script.disconnectAfterDataLines = 2
        let big = Array(("Subject: big\r\n\r\n" + String(repeating: "line of text\r\n", count: 2000)).utf8)
        try await Self.withServer(script) { server in
            let error = await #expect(throws: SMTPError.self) {
                try await Self.client(server).send(from: "a@test", to: ["b@test"], data: big)
            }
            #expect(error?.isTransient == true)
            #expect([.connectionClosed, .connectionFailed].contains(error?.code))
        }
    }

    /// 300 ms for every stage but the connect, which under a loaded suite can take longer than
    /// that on its own (it failed as `connectionFailed` once): the stall tested is the server's.
    static var stalling: SMTPClient.Timeouts {
        var t = SMTPClient.Timeouts.uniform(.milliseconds(300))
        t.connect = .seconds(10)
        return t
    }

    @Test func stalledServerTimesOut() async throws {
        var script = FakeSMTPServer.Script()
        script.stallAfterData = true
        try await Self.withServer(script) { server in
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: SMTPError.self) {
                try await Self.client(server, timeouts: Self.stalling).send(from: "a@test", to: ["b@test"], data: Self.message)
            }
            #expect(error?.code == .timeout)
            #expect(error?.isTransient == true)
            // The 300 ms timeout, not the defaults (120 s and more): well under 30 s even when the
            // whole suite loads both cores (3 s was exceeded by 0.6 s once).
            #expect(clock.now - start < .seconds(30))
        }
        var silent = FakeSMTPServer.Script()
        silent.stallGreeting = true
        try await Self.withServer(silent) { server in
            let error = await #expect(throws: SMTPError.self) {
                try await Self.client(server, timeouts: Self.stalling).send(from: "a@test", to: ["b@test"], data: Self.message)
            }
            #expect(error?.code == .timeout)
        }
    }

    @Test func startTLSFailures() async throws {
        var refused = FakeSMTPServer.Script()
        refused.extensions = ["STARTTLS"]
        try await Self.withServer(refused) { server in
            var configuration = SMTPClient.Configuration(host: "127.0.0.1", port: server.port, tls: .startTLS, timeouts: .uniform(.seconds(5)))
            configuration.clientHostname = "client.test"
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(configuration: configuration).send(from: "a@test", to: ["b@test"], data: Self.message)
            }
            #expect(error?.code == .tlsFailed)
            #expect(error?.reply?.code == 454)
        }
        var broken = FakeSMTPServer.Script()
        broken.extensions = ["STARTTLS"]
        broken.startTLSReply = "220 2.0.0 Ready to start TLS"
        try await Self.withServer(broken) { server in
            let configuration = SMTPClient.Configuration(host: "127.0.0.1", port: server.port, tls: .startTLS, timeouts: .uniform(.seconds(5)))
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(configuration: configuration).send(from: "a@test", to: ["b@test"], data: Self.message)
            }
            #expect(error?.code == .tlsFailed)
            #expect(error?.isTransient == true)
        }
        var notOffered = FakeSMTPServer.Script()
        notOffered.extensions = ["SIZE 1000"]
        try await Self.withServer(notOffered) { server in
            let configuration = SMTPClient.Configuration(host: "127.0.0.1", port: server.port, tls: .startTLS, timeouts: .uniform(.seconds(5)))
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPClient(configuration: configuration).send(from: "a@test", to: ["b@test"], data: Self.message)
            }
            #expect(error?.code == .startTLSNotOffered)
            #expect(!server.commands.contains { $0.hasPrefix("MAIL") })
        }
    }

    @Test func overSizeIsRefusedBeforeSending() async throws {
        var script = FakeSMTPServer.Script()
        script.extensions = ["SIZE 20"]
        try await Self.withServer(script) { server in
            let error = await #expect(throws: SMTPError.self) {
                try await Self.client(server).send(from: "a@test", to: ["b@test"], data: Self.message)
            }
            #expect(error?.code == .messageTooLarge)
            #expect(error?.isPermanent == true)
            #expect(!server.commands.contains { $0.hasPrefix("MAIL") })
            #expect(server.commands.last == "QUIT")
        }
    }

    @Test func heloFallbackAndConnectionRefused() async throws {
        var script = FakeSMTPServer.Script()
        script.ehloReply = "502 5.5.2 EHLO not supported"
        try await Self.withServer(script) { server in
            let result = try await Self.client(server).send(from: "a@test", to: ["b@test"], data: Self.message)
            #expect(result.acceptedRecipients == ["b@test"])
            #expect(server.commands.prefix(2) == ["EHLO localhost", "HELO localhost"])
            #expect(server.commands.contains("MAIL FROM:<a@test>"))
        }
        // Nothing listens on the port of a closed server.
        let closed = try await FakeSMTPServer()
        let port = closed.port
        await closed.shutdown()
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient(configuration: .init(host: "127.0.0.1", port: port, tls: .none)).send(from: "a@test", to: ["b@test"], data: Self.message)
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.isTransient == true)
    }
}
