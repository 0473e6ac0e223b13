import SMTP
import Testing

@Suite("SMTPSessionStateMachine (pure)")
struct SessionStateMachineTests {
    typealias Machine = SMTPSessionStateMachine

    static func reply(_ code: Int, _ lines: String...) -> SMTPReply { SMTPReply(code: code, lines: lines) }
    static let ehlo = reply(250, "mx.test", "PIPELINING", "SIZE 1000", "STARTTLS", "AUTH PLAIN LOGIN", "8BITMIME")
    static let credentials = Machine.Credentials(username: "user", password: "pass")

    static func ready(_ extensions: String..., requireStartTLS: Bool = false) -> Machine {
        var machine = Machine(configuration: .init(clientHostname: "client.test", requireStartTLS: requireStartTLS))
        _ = machine.replyReceived(reply(220, "hi"))
        let action = machine.replyReceived(SMTPReply(code: 250, lines: ["mx.test"] + extensions))
        #expect(action == .sessionReady(machine.capabilities))
        return machine
    }

    static func envelope(_ recipients: [String], size: Int = 100, eightBit: Bool = false, from: String = "a@test") -> Machine.Envelope {
        .init(from: from, recipients: recipients, size: size, hasEightBitData: eightBit)
    }

    @Test func openingWithStartTLSAndAuthPlain() {
        var machine = Machine(configuration: .init(clientHostname: "client.test", requireStartTLS: true, credentials: Self.credentials))
        #expect(machine.timeoutKind == .greeting)
        #expect(machine.replyReceived(Self.reply(220, "mx.test ESMTP")) == .send([.ehlo("client.test")]))
        #expect(machine.replyReceived(Self.ehlo) == .send([.startTLS]))
        #expect(machine.replyReceived(Self.reply(220, "go ahead")) == .upgradeToTLS)
        #expect(machine.tlsEstablished() == .send([.ehlo("client.test")]))
        #expect(machine.capabilities == .none)
        // "\0user\0pass" in base64.
        #expect(machine.replyReceived(Self.ehlo) == .send([.authPlain(initialResponse: "AHVzZXIAcGFzcw==")]))
        #expect(machine.replyReceived(Self.reply(235, "2.7.0 ok")) == .sessionReady(SMTPServerCapabilities(ehloReply: Self.ehlo)))
        #expect(machine.isReady)
    }

    @Test func authLogin() {
        var machine = Machine(configuration: .init(clientHostname: "c", requireStartTLS: false, credentials: Self.credentials))
        _ = machine.replyReceived(Self.reply(220, "hi"))
        #expect(machine.replyReceived(Self.reply(250, "mx", "AUTH LOGIN")) == .send([.authLogin]))
        #expect(machine.replyReceived(Self.reply(334, "VXNlcm5hbWU6")) == .send([.authResponse("dXNlcg==")]))
        #expect(machine.replyReceived(Self.reply(334, "UGFzc3dvcmQ6")) == .send([.authResponse("cGFzcw==")]))
        guard case .closeConnection(let error?) = machine.replyReceived(Self.reply(535, "5.7.8 bad credentials")) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.isPermanent)
    }

    @Test func heloFallbackAndStartTLSRequired() {
        var machine = Machine(configuration: .init(clientHostname: "c", requireStartTLS: false))
        _ = machine.replyReceived(Self.reply(220, "old"))
        #expect(machine.replyReceived(Self.reply(502, "what?")) == .send([.helo("c")]))
        #expect(machine.replyReceived(Self.reply(250, "old")) == .sessionReady(.none))

        var strict = Machine(configuration: .init(clientHostname: "c", requireStartTLS: true))
        _ = strict.replyReceived(Self.reply(220, "x"))
        guard case .closeConnection(let error?) = strict.replyReceived(Self.reply(250, "mx", "SIZE 10")) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .startTLSNotOffered)
    }

    @Test func greetingRejections() {
        var machine = Machine(configuration: .init(clientHostname: "c", requireStartTLS: false))
        guard case .closeConnection(let error?) = machine.replyReceived(Self.reply(421, "4.3.2 busy")) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .greetingRejected)
        #expect(error.isTransient)
        #expect(error.reason.contains("busy"))
    }

    @Test func pipelinedTransactionWithMixedRecipients() {
        var machine = Self.ready("PIPELINING", "SIZE 1000", "8BITMIME")
        let action = machine.startTransaction(Self.envelope(["ok@test", "full@test", "gone@test"], size: 120, eightBit: true))
        #expect(action == .send([
            .mailFrom("a@test", parameters: ["SIZE=120", "BODY=8BITMIME"]),
            .rcptTo("ok@test", parameters: []), .rcptTo("full@test", parameters: []), .rcptTo("gone@test", parameters: []), .data,
        ]))
        #expect(machine.timeoutKind == .dataInitiation)
        #expect(machine.replyReceived(Self.reply(250, "ok")) == .waitForReply)
        #expect(machine.replyReceived(Self.reply(250, "ok")) == .waitForReply)
        #expect(machine.replyReceived(Self.reply(452, "4.2.2 mailbox full")) == .waitForReply)
        #expect(machine.replyReceived(Self.reply(550, "5.1.1 no such user")) == .waitForReply)
        #expect(machine.replyReceived(Self.reply(354, "go")) == .sendMessageData)
        #expect(machine.messageDataSent() == .waitForReply)
        #expect(machine.timeoutKind == .dataTermination)
        guard case .transactionFinished(.completed(let result)) = machine.replyReceived(Self.reply(250, "2.0.0 queued as Q1")) else {
            Issue.record("expected completion")
            return
        }
        #expect(result.finalReply?.text == "2.0.0 queued as Q1")
        #expect(result.recipients.map(\.outcome) == [
            .accepted,
            .transientFailure(reason: "452 4.2.2 mailbox full", reply: Self.reply(452, "4.2.2 mailbox full")),
            .permanentFailure(reason: "550 5.1.1 no such user", reply: Self.reply(550, "5.1.1 no such user")),
        ])
        // The next message starts with RSET, pipelined too.
        guard case .send(let commands) = machine.startTransaction(Self.envelope(["ok@test"])) else {
            Issue.record("expected commands")
            return
        }
        #expect(commands.first == .rset)
        #expect(commands.count == 4)
    }

    @Test func lockStepWithoutPipeliningStopsWhenAllRecipientsFail() {
        var machine = Self.ready("SIZE 0")
        #expect(machine.startTransaction(Self.envelope(["x@test", "y@test"])) == .send([.mailFrom("a@test", parameters: ["SIZE=100"])]))
        #expect(machine.timeoutKind == .mail)
        #expect(machine.replyReceived(Self.reply(250, "ok")) == .send([.rcptTo("x@test", parameters: [])]))
        #expect(machine.timeoutKind == .rcpt)
        #expect(machine.replyReceived(Self.reply(550, "no")) == .send([.rcptTo("y@test", parameters: [])]))
        guard case .transactionFinished(.completed(let result)) = machine.replyReceived(Self.reply(451, "later")) else {
            Issue.record("expected completion without DATA")
            return
        }
        #expect(result.finalReply == nil)
        #expect(result.acceptedRecipients.isEmpty)
        #expect(machine.isReady)
        #expect(machine.startTransaction(Self.envelope(["z@test"])) == .send([.rset]))
    }

    @Test func dataRejectedAfterContentIsPermanent() {
        var machine = Self.ready()
        _ = machine.startTransaction(Self.envelope(["x@test"]))
        _ = machine.replyReceived(Self.reply(250, "ok"))
        #expect(machine.replyReceived(Self.reply(250, "ok")) == .send([.data]))
        #expect(machine.replyReceived(Self.reply(354, "go")) == .sendMessageData)
        _ = machine.messageDataSent()
        guard case .transactionFinished(.failed(let error)) = machine.replyReceived(Self.reply(554, "5.7.1 spam")) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .messageRejected)
        #expect(error.isPermanent)
        #expect(error.reply?.code == 554)
        #expect(machine.isReady)
    }

    @Test func localRefusalsBeforeSending() {
        var machine = Self.ready("SIZE 1000")
        guard case .transactionFinished(.failed(let tooBig)) = machine.startTransaction(Self.envelope(["x@test"], size: 1001)) else {
            Issue.record("expected size failure")
            return
        }
        #expect(tooBig.code == .messageTooLarge)
        #expect(tooBig.isPermanent)
        guard case .transactionFinished(.failed(let utf8)) = machine.startTransaction(Self.envelope(["x@test"], from: "jürgen@test")) else {
            Issue.record("expected SMTPUTF8 failure")
            return
        }
        #expect(utf8.code == .smtpUTF8Required)
        guard case .transactionFinished(.failed(let eightBit)) = machine.startTransaction(Self.envelope(["x@test"], eightBit: true)) else {
            Issue.record("expected 8BITMIME failure")
            return
        }
        #expect(eightBit.code == .eightBitMIMERequired)
        guard case .transactionFinished(.failed(let injection)) = machine.startTransaction(Self.envelope(["x@test>\r\nRCPT TO:<y@test"])) else {
            Issue.record("expected address failure")
            return
        }
        #expect(injection.code == .invalidAddress)
        // A non-ASCII recipient alone fails that recipient only.
        guard case .send(let commands) = machine.startTransaction(Self.envelope(["jürgen@test", "ok@test"])) else {
            Issue.record("expected commands")
            return
        }
        #expect(commands == [.mailFrom("a@test", parameters: ["SIZE=100"])])
        #expect(machine.isReady == false)
    }

    @Test func smtpUTF8ParameterWhenOffered() {
        var machine = Self.ready("SMTPUTF8", "8BITMIME", "PIPELINING")
        guard case .send(let commands) = machine.startTransaction(Self.envelope(["jürgen@test"], eightBit: true)) else {
            Issue.record("expected commands")
            return
        }
        #expect(commands.first == .mailFrom("a@test", parameters: ["BODY=8BITMIME", "SMTPUTF8"]))
    }

    @Test func dsnEnvelopeIdAndReturnOfHeadersWhenOffered() {
        var machine = Self.ready("DSN", "PIPELINING")
        var envelope = Self.envelope(["x@test"])
        envelope.envelopeID = "01JD+id=1 é"
        guard case .send(let commands) = machine.startTransaction(envelope) else {
            Issue.record("expected commands")
            return
        }
        #expect(commands.first == .mailFrom("a@test", parameters: ["RET=HDRS", "ENVID=01JD+2Bid+3D1+20+C3+A9"]))
        #expect(XText.decode("01JD+2Bid+3D1+20+C3+A9") == "01JD+id=1 é")
        // Without DSN the envelope id is not sent.
        var plain = Self.ready("PIPELINING")
        guard case .send(let others) = plain.startTransaction(envelope) else {
            Issue.record("expected commands")
            return
        }
        #expect(others.first == .mailFrom("a@test", parameters: []))
    }

    @Test func quit() {
        var machine = Self.ready()
        #expect(machine.quit() == .send([.quit]))
        #expect(machine.replyReceived(Self.reply(221, "bye")) == .closeConnection(nil))
        #expect(machine.isClosed)
        guard case .transactionFinished(.failed(let error)) = machine.startTransaction(Self.envelope(["x@test"])) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .sessionClosed)
    }

    @Test func theNextEnvelopeIsPipelinedBehindTheContent() {
        var machine = Self.ready("PIPELINING")
        #expect(machine.startTransaction(Self.envelope(["b@test"])) == .send([.mailFrom("a@test", parameters: []), .rcptTo("b@test", parameters: []), .data]))
        // Not while the envelope is still being answered.
        #expect(machine.pipelineNextTransaction(Self.envelope(["c@test"])) == nil)
        _ = machine.replyReceived(Self.reply(250, "ok"))
        _ = machine.replyReceived(Self.reply(250, "ok"))
        #expect(machine.replyReceived(Self.reply(354, "go")) == .sendMessageData)
        // The content goes out; the next message's commands go right behind it.
        #expect(machine.pipelineNextTransaction(Self.envelope(["c@test"])) == [.rset, .mailFrom("a@test", parameters: []), .rcptTo("c@test", parameters: []), .data])
        #expect(machine.pipelineNextTransaction(Self.envelope(["d@test"])) == nil)  // one at a time
        #expect(machine.messageDataSent() == .waitForReply)
        #expect(machine.timeoutKind == .dataTermination)
        // The first message's final reply finishes it; the second's replies follow.
        guard case .transactionFinished(.completed(let first)) = machine.replyReceived(Self.reply(250, "queued as A1")) else {
            Issue.record("the final reply should finish the first message")
            return
        }
        #expect(first.acceptedRecipients == ["b@test"] && first.finalReply == Self.reply(250, "queued as A1"))
        #expect(!machine.isReady)
        #expect(machine.replyReceived(Self.reply(250, "reset")) == .waitForReply)
        #expect(machine.replyReceived(Self.reply(250, "ok")) == .waitForReply)
        #expect(machine.replyReceived(Self.reply(250, "ok")) == .waitForReply)
        #expect(machine.replyReceived(Self.reply(354, "go")) == .sendMessageData)
        #expect(machine.messageDataSent() == .waitForReply)
        // A refused content does not stop the pipelined one after it.
        #expect(machine.pipelineNextTransaction(Self.envelope(["e@test"])) != nil)
        guard case .transactionFinished(.failed(let error)) = machine.replyReceived(Self.reply(554, "5.7.1 spam")) else {
            Issue.record("the 554 should fail the second message")
            return
        }
        #expect(error.code == .messageRejected && error.isPermanent)
        #expect(machine.replyReceived(Self.reply(250, "reset")) == .waitForReply)
    }

    @Test func withoutPipeliningOrForABadEnvelopeNothingIsQueued() {
        var machine = Self.ready("SIZE 200")
        _ = machine.startTransaction(Self.envelope(["b@test"]))
        _ = machine.replyReceived(Self.reply(250, "ok"))
        _ = machine.replyReceived(Self.reply(250, "ok"))
        #expect(machine.replyReceived(Self.reply(354, "go")) == .sendMessageData)
        #expect(machine.pipelineNextTransaction(Self.envelope(["c@test"])) == nil)

        var pipelining = Self.ready("PIPELINING", "SIZE 200")
        _ = pipelining.startTransaction(Self.envelope(["b@test"]))
        for _ in 0..<2 { _ = pipelining.replyReceived(Self.reply(250, "ok")) }
        _ = pipelining.replyReceived(Self.reply(354, "go"))
        // Over SIZE: refused later by startTransaction, never written.
        #expect(pipelining.pipelineNextTransaction(Self.envelope(["c@test"], size: 500)) == nil)
        #expect(pipelining.messageDataSent() == .waitForReply)
        _ = pipelining.replyReceived(Self.reply(250, "ok"))
        #expect(pipelining.isReady)
        guard case .transactionFinished(.failed(let error)) = pipelining.startTransaction(Self.envelope(["c@test"], size: 500)) else {
            Issue.record("over SIZE should fail before sending")
            return
        }
        #expect(error.code == .messageTooLarge)
    }
}
