import NIOCore
import Testing
@testable import SMPP

@Suite struct SessionStateMachineTests {
    typealias Action = SMPPSessionStateMachine.Action
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)
    let bind = SMPPBind(systemID: "herald", password: "secret")
    let message = SMPPShortMessage(source: SMPPAddress("Herald")!, destination: SMPPAddress("+4915112345678")!, shortMessage: [0x41])

    func machine(window: Int = 64, tps: Int? = nil, backoff: TimeAmount = .seconds(1)) -> SMPPSessionStateMachine {
        SMPPSessionStateMachine(configuration: .init(
            bind: self.bind, windowSize: window, responseTimeout: .seconds(5), enquireLinkInterval: .seconds(30),
            maxSubmitsPerSecond: tps, throttleBackoff: backoff
        ))
    }

    /// A bound machine; the bind used sequence number 1.
    func bound(window: Int = 64, tps: Int? = nil, backoff: TimeAmount = .seconds(1)) -> SMPPSessionStateMachine {
        var machine = self.machine(window: window, tps: tps, backoff: backoff)
        _ = machine.connected(now: self.t0)
        _ = machine.received(SMPPPDU(.bindResponse(.init(type: .transceiver, systemID: "SMSC")), sequenceNumber: 1), now: self.t0)
        return machine
    }

    func sentPDUs(_ actions: [Action]) -> [SMPPPDU] {
        actions.compactMap { if case .send(let pdu) = $0 { pdu } else { nil } }
    }

    @Test func bindHandshake() {
        var machine = self.machine()
        let actions = machine.connected(now: self.t0)
        #expect(actions == [.send(SMPPPDU(.bind(self.bind), sequenceNumber: 1))])
        let response = SMPPBindResponse(type: .transceiver, systemID: "SMSC")
        #expect(machine.received(SMPPPDU(.bindResponse(response), sequenceNumber: 1), now: self.t0) == [.bindSucceeded(response)])
        #expect(machine.isBound)
    }

    @Test func bindRefused() {
        var machine = self.machine()
        _ = machine.connected(now: self.t0)
        let refusal = SMPPPDU(.bindResponse(.init(type: .transceiver, systemID: "")), sequenceNumber: 1, commandStatus: .ESME_RINVPASWD)
        let actions = machine.received(refusal, now: self.t0)
        let error = SMPPError(code: .bindFailed, commandStatus: .ESME_RINVPASWD)
        #expect(actions == [.bindFailed(error), .close(error)])
        #expect(machine.isClosed)
    }

    @Test func bindTimeout() {
        var machine = self.machine()
        _ = machine.connected(now: self.t0)
        #expect(machine.tick(now: self.t0 + .seconds(4)).isEmpty)
        let actions = machine.tick(now: self.t0 + .seconds(5))
        guard case .bindFailed(let error) = actions.first else { Issue.record("\(actions)"); return }
        #expect(error.code == .bindFailed)
        #expect(actions.last.map { if case .close = $0 { true } else { false } } == true)
    }

    @Test func submitsBeforeTheBindAreQueued() {
        var machine = self.machine()
        _ = machine.connected(now: self.t0)
        let (id, actions) = machine.submit(self.message, now: self.t0)
        #expect(actions.isEmpty)
        #expect(machine.queuedSubmitCount == 1)
        let bound = machine.received(SMPPPDU(.bindResponse(.init(type: .transceiver, systemID: "S")), sequenceNumber: 1), now: self.t0)
        #expect(self.sentPDUs(bound) == [SMPPPDU(.submitSM(self.message), sequenceNumber: 2)])
        let done = machine.received(SMPPPDU(.submitSMResponse(messageID: "m1"), sequenceNumber: 2), now: self.t0)
        #expect(done == [.submitSucceeded(id, messageID: "m1")])
    }

    @Test func windowLimitsOutstandingSubmits() {
        var machine = self.bound(window: 2)
        var sent: [SMPPPDU] = []
        var ids: [SMPPSessionStateMachine.RequestID] = []
        for _ in 0..<3 {
            let (id, actions) = machine.submit(self.message, now: self.t0)
            ids.append(id)
            sent += self.sentPDUs(actions)
        }
        #expect(sent.map(\.sequenceNumber) == [2, 3])
        #expect(machine.submitsInFlightCount == 2)
        #expect(machine.queuedSubmitCount == 1)
        // Responses in any order; each frees a slot.
        let actions = machine.received(SMPPPDU(.submitSMResponse(messageID: "b"), sequenceNumber: 3), now: self.t0)
        #expect(actions == [.submitSucceeded(ids[1], messageID: "b"), .send(SMPPPDU(.submitSM(self.message), sequenceNumber: 4))])
        #expect(machine.queuedSubmitCount == 0)
    }

    @Test func defaultWindowIs64() {
        var machine = self.bound()
        var sent = 0
        for _ in 0..<70 { sent += self.sentPDUs(machine.submit(self.message, now: self.t0).1).count }
        #expect(sent == 64)
        #expect(machine.queuedSubmitCount == 6)
    }

    @Test func throttledSubmitFailsTransientlyAndPauses() {
        var machine = self.bound(window: 1, backoff: .milliseconds(500))
        let (first, _) = machine.submit(self.message, now: self.t0)
        let (second, queued) = machine.submit(self.message, now: self.t0)
        #expect(queued.isEmpty)
        let actions = machine.received(SMPPPDU(.submitSMResponse(messageID: ""), sequenceNumber: 2, commandStatus: .ESME_RTHROTTLED), now: self.t0)
        #expect(actions == [.submitFailed(first, .commandStatus(.ESME_RTHROTTLED)), .scheduleWakeUp(self.t0 + .milliseconds(500))])
        if case .submitFailed(_, let error) = actions[0] {
            #expect(error.isTransient)
            #expect(!error.outcomeUnknown)
            #expect(error.commandStatus?.isTransient == true)
        }
        #expect(self.sentPDUs(machine.tick(now: self.t0 + .milliseconds(499))).isEmpty)
        let resumed = machine.tick(now: self.t0 + .milliseconds(500))
        #expect(self.sentPDUs(resumed) == [SMPPPDU(.submitSM(self.message), sequenceNumber: 3)])
        #expect(machine.received(SMPPPDU(.submitSMResponse(messageID: "ok"), sequenceNumber: 3), now: self.t0) == [.submitSucceeded(second, messageID: "ok")])
    }

    @Test func permanentRejection() {
        var machine = self.bound()
        let (id, _) = machine.submit(self.message, now: self.t0)
        let actions = machine.received(SMPPPDU(.submitSMResponse(messageID: ""), sequenceNumber: 2, commandStatus: .ESME_RINVDSTADR), now: self.t0)
        #expect(actions == [.submitFailed(id, .commandStatus(.ESME_RINVDSTADR))])
        #expect(!SMPPError.commandStatus(.ESME_RINVDSTADR).isTransient)
    }

    @Test func genericNackFailsTheSubmit() {
        var machine = self.bound()
        let (id, _) = machine.submit(self.message, now: self.t0)
        let actions = machine.received(SMPPPDU(.genericNack, sequenceNumber: 2, commandStatus: .ESME_RINVCMDLEN), now: self.t0)
        #expect(actions == [.submitFailed(id, .commandStatus(.ESME_RINVCMDLEN))])
    }

    @Test func responseTimeoutMeansOutcomeUnknown() {
        var machine = self.bound()
        let (id, _) = machine.submit(self.message, now: self.t0)
        #expect(machine.tick(now: self.t0 + .milliseconds(4999)).isEmpty)
        let actions = machine.tick(now: self.t0 + .seconds(5))
        #expect(actions == [.submitFailed(id, SMPPError(code: .responseTimeout))])
        #expect(SMPPError(code: .responseTimeout).outcomeUnknown)
        // A late response is ignored.
        #expect(machine.received(SMPPPDU(.submitSMResponse(messageID: "late"), sequenceNumber: 2), now: self.t0 + .seconds(6)).isEmpty)
    }

    @Test func enquireLinkWhenIdle() {
        var machine = self.bound()
        #expect(machine.tick(now: self.t0 + .seconds(29)).isEmpty)
        let actions = machine.tick(now: self.t0 + .seconds(30))
        #expect(actions == [.send(SMPPPDU(.enquireLink, sequenceNumber: 2))])
        #expect(machine.tick(now: self.t0 + .seconds(31)).isEmpty)  // one at a time
        #expect(machine.received(SMPPPDU(.enquireLinkResponse, sequenceNumber: 2), now: self.t0 + .seconds(31)).isEmpty)
        // Activity postpones the next one.
        #expect(machine.tick(now: self.t0 + .seconds(60)).isEmpty)
        #expect(self.sentPDUs(machine.tick(now: self.t0 + .seconds(61))).map(\.body) == [.enquireLink])
    }

    @Test func unansweredEnquireLinkClosesTheSession() {
        var machine = self.bound()
        let (id, _) = machine.submit(self.message, now: self.t0 + .seconds(30))
        _ = machine.tick(now: self.t0 + .seconds(60))  // the submit times out, enquire_link sent
        let actions = machine.tick(now: self.t0 + .seconds(65))
        #expect(actions == [.close(SMPPError(code: .enquireLinkTimeout))])
        #expect(machine.connectionClosed().isEmpty)
        _ = id
    }

    @Test func answersTheSMSC() {
        var machine = self.bound()
        #expect(machine.received(SMPPPDU(.enquireLink, sequenceNumber: 77), now: self.t0) == [.send(SMPPPDU(.enquireLinkResponse, sequenceNumber: 77))])
        let receipt = SMPPShortMessage(source: .empty, destination: .empty, esmClass: 4, shortMessage: Array("id:1 stat:DELIVRD".utf8))
        #expect(machine.received(SMPPPDU(.deliverSM(receipt), sequenceNumber: 78), now: self.t0) == [
            .send(SMPPPDU(.deliverSMResponse(messageID: ""), sequenceNumber: 78)), .deliver(receipt),
        ])
        #expect(machine.received(SMPPPDU(.other(commandID: .dataSM, body: []), sequenceNumber: 79), now: self.t0) == [
            .send(SMPPPDU(.genericNack, sequenceNumber: 79, commandStatus: .ESME_RINVCMDID)),
        ])
    }

    @Test func malformedPDUs() {
        var machine = self.bound()
        let (id, _) = machine.submit(self.message, now: self.t0)
        let badResponse = SMPPDecodingError(code: .unterminatedCString, field: "message_id", commandID: .submitSMResp, sequenceNumber: 2)
        #expect(machine.receivedMalformed(badResponse, now: self.t0) == [.submitFailed(id, SMPPError(code: .malformedPDU, decodingError: badResponse))])
        let badRequest = SMPPDecodingError(code: .truncated, field: "esm_class", commandID: .deliverSM, sequenceNumber: 9)
        #expect(machine.receivedMalformed(badRequest, now: self.t0) == [.send(SMPPPDU(.genericNack, sequenceNumber: 9, commandStatus: .ESME_RINVMSGLEN))])
        let badFrame = SMPPDecodingError(code: .invalidCommandLength)
        #expect(machine.receivedMalformed(badFrame, now: self.t0) == [.close(SMPPError(code: .malformedPDU, decodingError: badFrame))])
    }

    @Test func gracefulUnbind() {
        var machine = self.bound(window: 1)
        let (inFlight, _) = machine.submit(self.message, now: self.t0)
        let (queued, _) = machine.submit(self.message, now: self.t0)
        let actions = machine.unbind(now: self.t0)
        #expect(actions == [.submitFailed(queued, SMPPError(code: .unbound, detail: "unbinding")), .send(SMPPPDU(.unbind, sequenceNumber: 3))])
        // The in-flight submit may still be answered.
        #expect(machine.received(SMPPPDU(.submitSMResponse(messageID: "m"), sequenceNumber: 2), now: self.t0) == [.submitSucceeded(inFlight, messageID: "m")])
        #expect(machine.received(SMPPPDU(.unbindResponse, sequenceNumber: 3), now: self.t0) == [.unbindCompleted, .close(nil)])
        let (late, refused) = machine.submit(self.message, now: self.t0)
        #expect(refused.count == 1)
        if case .submitFailed(let failed, let error) = refused.first {
            #expect(failed == late)
            #expect(error.code == .unbound)
        }
    }

    @Test func smscUnbind() {
        var machine = self.bound()
        let actions = machine.received(SMPPPDU(.unbind, sequenceNumber: 50), now: self.t0)
        #expect(actions == [.send(SMPPPDU(.unbindResponse, sequenceNumber: 50)), .close(nil)])
    }

    @Test func connectionLostMidWindow() {
        var machine = self.bound(window: 2)
        let ids = (0..<3).map { _ in machine.submit(self.message, now: self.t0).0 }
        let actions = machine.connectionClosed()
        #expect(actions.count == 3)
        for (index, action) in actions.enumerated() {
            guard case .submitFailed(let id, let error) = action else { Issue.record("\(action)"); continue }
            #expect(id == ids[index])
            // The two sent may have been accepted; the queued one was never sent.
            #expect(error.outcomeUnknown == (index < 2))
        }
    }

    @Test func tpsCapPacesSubmits() {
        var machine = self.bound(tps: 10)  // bucket of 1, a token every 100 ms
        var sent = 0
        var wakeUps: [NIODeadline] = []
        for _ in 0..<3 {
            for action in machine.submit(self.message, now: self.t0).1 {
                if case .send = action { sent += 1 }
                if case .scheduleWakeUp(let at) = action { wakeUps.append(at) }
            }
        }
        #expect(sent == 1)
        #expect(wakeUps.count == 1)
        #expect(wakeUps[0] > self.t0 + .milliseconds(99) && wakeUps[0] <= self.t0 + .milliseconds(101))
        #expect(self.sentPDUs(machine.tick(now: self.t0 + .milliseconds(101))).count == 1)
        #expect(self.sentPDUs(machine.tick(now: self.t0 + .milliseconds(202))).count == 1)
        #expect(machine.queuedSubmitCount == 0)
    }

    @Test func receiverBindCannotSubmit() {
        var machine = SMPPSessionStateMachine(configuration: .init(bind: SMPPBind(type: .receiver, systemID: "r", password: "p")))
        _ = machine.connected(now: self.t0)
        _ = machine.received(SMPPPDU(.bindResponse(.init(type: .receiver, systemID: "S")), sequenceNumber: 1), now: self.t0)
        let (id, actions) = machine.submit(self.message, now: self.t0)
        #expect(actions == [.submitFailed(id, SMPPError(code: .notBound, detail: "a receiver bind cannot submit"))])
    }

    @Test func sequenceNumbersWrap() {
        var machine = self.bound(window: 1)
        for expected in 2...5 as ClosedRange<UInt32> {
            let pdus = self.sentPDUs(machine.submit(self.message, now: self.t0).1)
            #expect(pdus.map(\.sequenceNumber) == [expected])
            _ = machine.received(SMPPPDU(.submitSMResponse(messageID: "x"), sequenceNumber: expected), now: self.t0)
        }
    }
}
