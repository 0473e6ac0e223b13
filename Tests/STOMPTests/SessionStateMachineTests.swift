import NIOCore
import Testing
@testable import STOMP

@Suite struct SessionStateMachineTests {
    typealias Machine = STOMPSessionStateMachine
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func configuration(maxInFlight: Int = 4, heartBeat: STOMPHeartBeat = .none) -> Machine.Configuration {
        Machine.Configuration(host: "broker", login: "herald", passcode: "secret", heartBeat: heartBeat,
                              connectTimeout: .seconds(5), receiptTimeout: .seconds(10), maxInFlight: maxInFlight)
    }

    func sentFrames(_ actions: [Machine.Action]) -> [STOMPFrame] {
        actions.compactMap { if case .send(let frame) = $0 { frame } else { nil } }
    }

    func send(_ n: Int) -> STOMPFrame { try! STOMPMessage(destination: "/queue/q", text: "m\(n)").frame() }

    /// A machine that is connected with the broker's `heart-beat`.
    func connectedMachine(_ configuration: Machine.Configuration, brokerHeartBeat: String = "0,0") -> Machine {
        var machine = Machine(configuration: configuration)
        _ = machine.connected(now: t0)
        _ = machine.received(STOMPFrame(.connected, headers: [("version", "1.2"), ("heart-beat", brokerHeartBeat)]), now: t0)
        return machine
    }

    @Test func connectsWithVersionHostCredentialsAndHeartBeat() {
        var machine = Machine(configuration: configuration(heartBeat: STOMPHeartBeat(send: .seconds(5), receive: .seconds(6))))
        let actions = machine.connected(now: t0)
        #expect(sentFrames(actions) == [STOMPFrame(.connect, headers: [
            ("accept-version", "1.2"), ("host", "broker"), ("login", "herald"), ("passcode", "secret"), ("heart-beat", "5000,6000"),
        ])])
        let (id, queued) = machine.submit(send(1), now: t0)
        #expect(queued.isEmpty && machine.queuedCount == 1)
        let onConnected = machine.received(STOMPFrame(.connected, headers: [("version", "1.2"), ("server", "X/1"), ("heart-beat", "7000,0")]), now: t0)
        #expect(onConnected.first == .connected(STOMPConnectedInfo(
            version: "1.2", server: "X/1", session: nil, heartBeat: .init(sendEvery: nil, receiveEvery: .milliseconds(7000)))))
        let written = sentFrames(onConnected)
        #expect(written.count == 1 && written[0]["receipt"] == "r-1")
        #expect(machine.received(STOMPFrame(.receipt, headers: [("receipt-id", "r-1")]), now: t0) == [.requestSucceeded(id, receiptID: "r-1")])
        #expect(machine.inFlightCount == 0)
    }

    @Test func anErrorAnsweringConnectIsATypedRefusal() {
        var machine = Machine(configuration: configuration())
        _ = machine.connected(now: t0)
        let (id, _) = machine.submit(send(1), now: t0)
        let actions = machine.received(STOMPFrame(.error, headers: [("message", "Authentication failed")], body: Array("bad login".utf8)), now: t0)
        guard case .connectFailed(let error) = actions.first else { Issue.record("connectFailed expected: \(actions)"); return }
        #expect(error.code == .connectRefused && error.brokerMessage == "Authentication failed" && error.brokerDetail == "bad login")
        #expect(actions.contains { if case .requestFailed(id, let e) = $0 { e.code == .notConnected && !e.mayHaveBeenDelivered } else { false } })
        #expect(actions.last == .close(error))
        #expect(machine.isClosed)
    }

    @Test func refusesAnotherProtocolVersion() {
        var machine = Machine(configuration: configuration())
        _ = machine.connected(now: t0)
        let actions = machine.received(STOMPFrame(.connected, headers: [("version", "1.1")]), now: t0)
        guard case .connectFailed(let error) = actions.first else { Issue.record("connectFailed expected"); return }
        #expect(error.code == .connectRefused)
    }

    @Test func connectTimesOut() {
        var machine = Machine(configuration: configuration())
        _ = machine.connected(now: t0)
        #expect(machine.tick(now: t0 + .seconds(4)).isEmpty)
        let actions = machine.tick(now: t0 + .seconds(5))
        guard case .connectFailed(let error) = actions.first else { Issue.record("connectFailed expected"); return }
        #expect(error.code == .connectTimeout)
    }

    @Test func pipelinesUpToTheWindowAndMatchesReceiptsById() {
        var machine = connectedMachine(configuration(maxInFlight: 3))
        var ids: [Machine.RequestID] = []
        var written: [STOMPFrame] = []
        for n in 1...5 {
            let (id, actions) = machine.submit(send(n), now: t0)
            ids.append(id)
            written += sentFrames(actions)
        }
        #expect(written.map { $0["receipt"] } == ["r-1", "r-2", "r-3"])
        #expect(machine.inFlightCount == 3 && machine.queuedCount == 2)
        // Out of order: r-2 first frees a place for the fourth.
        let second = machine.received(STOMPFrame(.receipt, headers: [("receipt-id", "r-2")]), now: t0)
        #expect(second.first == .requestSucceeded(ids[1], receiptID: "r-2"))
        #expect(sentFrames(second).map { $0.bodyText } == ["m4"])
        // An unknown receipt is ignored.
        #expect(machine.received(STOMPFrame(.receipt, headers: [("receipt-id", "r-99")]), now: t0).isEmpty)
    }

    @Test func anErrorNamingAReceiptRefusesThatFrameOnly() {
        var machine = connectedMachine(configuration())
        let (first, _) = machine.submit(send(1), now: t0)
        let (second, _) = machine.submit(send(2), now: t0)
        let actions = machine.received(STOMPFrame(.error, headers: [("receipt-id", "r-1"), ("message", "not allowed")]), now: t0)
        guard case .requestFailed(first, let error) = actions.first else { Issue.record("requestFailed expected: \(actions)"); return }
        #expect(error.code == .rejected && !error.isRetryable && !error.mayHaveBeenDelivered && error.brokerMessage == "not allowed")
        #expect(machine.isConnected && machine.inFlightCount == 1)
        // The broker then closes: the other one may have been delivered.
        let closed = machine.connectionClosed()
        guard case .requestFailed(second, let lost) = closed.first else { Issue.record("requestFailed expected: \(closed)"); return }
        #expect(lost.code == .connectionLost && lost.mayHaveBeenDelivered && lost.isRetryable)
    }

    @Test func anErrorAboutTheConnectionClosesIt() {
        var machine = connectedMachine(configuration())
        let (id, _) = machine.submit(send(1), now: t0)
        let actions = machine.received(STOMPFrame(.error, headers: [("message", "broker shutting down")]), now: t0)
        guard case .close(let error?) = actions.first else { Issue.record("close expected: \(actions)"); return }
        #expect(error.code == .brokerError)
        let closed = machine.connectionClosed()
        guard case .requestFailed(id, let lost) = closed.first else { Issue.record("requestFailed expected"); return }
        #expect(lost.code == .connectionLost && lost.mayHaveBeenDelivered && lost.reason.contains("broker shutting down"))
    }

    @Test func connectionLostFailsWrittenFramesAsPossiblyDeliveredAndQueuedOnesAsNotSent() {
        var machine = connectedMachine(configuration(maxInFlight: 1))
        let (written, _) = machine.submit(send(1), now: t0)
        let (queued, _) = machine.submit(send(2), now: t0)
        let actions = machine.connectionClosed()
        #expect(actions.count == 2)
        guard case .requestFailed(written, let lost) = actions[0], case .requestFailed(queued, let notSent) = actions[1] else {
            Issue.record("two failures expected: \(actions)")
            return
        }
        #expect(lost.code == .connectionLost && lost.mayHaveBeenDelivered)
        #expect(notSent.code == .notConnected && !notSent.mayHaveBeenDelivered)
        let (late, after) = machine.submit(send(3), now: t0)
        #expect(after == [.requestFailed(late, STOMPError(.notConnected, "the connection is closed"))])
    }

    @Test func lateReceiptsFailAsPossiblyDelivered() {
        var machine = connectedMachine(configuration())
        let (id, _) = machine.submit(send(1), now: t0)
        #expect(machine.tick(now: t0 + .seconds(9)).isEmpty)
        let actions = machine.tick(now: t0 + .seconds(10))
        guard case .requestFailed(id, let error) = actions.first else { Issue.record("requestFailed expected"); return }
        #expect(error.code == .receiptTimeout && error.mayHaveBeenDelivered)
        // The receipt arriving afterwards is ignored.
        #expect(machine.received(STOMPFrame(.receipt, headers: [("receipt-id", "r-1")]), now: t0 + .seconds(11)).isEmpty)
    }

    @Test func sendsHeartBeatsWhenIdleAndClosesOnASilentBroker() {
        var machine = connectedMachine(configuration(heartBeat: STOMPHeartBeat(send: .seconds(1), receive: .seconds(1))), brokerHeartBeat: "2000,1000")
        // We send every 1 s of silence; the broker every 2 s, dead after 2.5 × 2 s.
        #expect(machine.tick(now: t0 + .milliseconds(999)).isEmpty)
        #expect(machine.tick(now: t0 + .seconds(1)) == [.sendHeartBeat])
        #expect(machine.tick(now: t0 + .milliseconds(1500)).isEmpty)
        // A frame written counts as activity.
        _ = machine.submit(send(1), now: t0 + .milliseconds(1900))
        #expect(machine.tick(now: t0 + .milliseconds(2500)).isEmpty)
        #expect(machine.tick(now: t0 + .milliseconds(2900)) == [.sendHeartBeat])
        // A heart-beat from the broker keeps it alive.
        _ = machine.receivedHeartBeat(now: t0 + .seconds(4))
        #expect(!machine.tick(now: t0 + .seconds(9)).contains { if case .close = $0 { true } else { false } })
        let actions = machine.tick(now: t0 + .milliseconds(9001))
        guard case .close(let error?) = actions.last else { Issue.record("close expected: \(actions)"); return }
        #expect(error.code == .heartBeatTimeout)
    }

    @Test func disconnectWaitsForItsReceipt() {
        var machine = connectedMachine(configuration(maxInFlight: 1))
        let (written, _) = machine.submit(send(1), now: t0)
        let (queued, _) = machine.submit(send(2), now: t0)
        let actions = machine.disconnect(now: t0)
        #expect(actions.first == .requestFailed(queued, STOMPError(.notConnected, "disconnecting")))
        #expect(sentFrames(actions) == [STOMPFrame(.disconnect, headers: [("receipt", "disconnect-2")])])
        // The receipt of the frame in flight still counts.
        #expect(machine.received(STOMPFrame(.receipt, headers: [("receipt-id", "r-1")]), now: t0) == [.requestSucceeded(written, receiptID: "r-1")])
        #expect(machine.received(STOMPFrame(.receipt, headers: [("receipt-id", "disconnect-2")]), now: t0) == [.disconnected, .close(nil)])
        #expect(machine.isClosed)
    }

    @Test func deliversMessagesAndClosesOnGarbage() {
        var machine = connectedMachine(configuration())
        let message = STOMPFrame(.message, headers: [("destination", "/queue/q"), ("message-id", "1"), ("subscription", "s")], body: [1])
        #expect(machine.received(message, now: t0) == [.deliver(message)])
        let actions = machine.receivedMalformed(STOMPDecodingError("x"), now: t0)
        guard case .close(let error?) = actions.first else { Issue.record("close expected"); return }
        #expect(error.code == .malformedFrame)
    }
}
