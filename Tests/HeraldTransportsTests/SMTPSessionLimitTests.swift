import Foundation
import HeraldCore
@testable import HeraldTransports
import NIOCore
import NIOPosix
import SMTP
import Synchronization
import Testing

/// The email sender works on several batches at once; the relay must still see at most
/// `smtp.connections` sessions from it.
@Suite("SMTP session limit")
struct SMTPSessionLimitTests {
    @Test func placesAreNeverOverTheLimitAndWaitersAreServed() async {
        let limit = SharedLimit(3)
        let counts = CountingSMTPServer.Counts()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    let owner = ObjectIdentifier(counts)
                    guard await limit.acquire(for: owner, stillWanted: { true }) else { return }
                    counts.opened()
                    try? await Task.sleep(for: .milliseconds(2))
                    counts.closed()
                    counts.received()
                    limit.release()
                }
            }
        }
        #expect(counts.messages == 40)
        #expect(counts.most == 3)
    }

    /// A batch whose messages are all handed out withdraws its waiting workers; a worker that
    /// arrives once the batch is dry is turned away at once; the other batches' waiters stay.
    @Test func waitersOfADryBatchAreSentAway() async throws {
        let limit = SharedLimit(1)
        let a = CountingSMTPServer.Counts(), b = CountingSMTPServer.Counts()
        #expect(await limit.acquire(for: ObjectIdentifier(a), stillWanted: { true }))  // the one place
        async let waitingA = limit.acquire(for: ObjectIdentifier(a), stillWanted: { true })
        async let waitingB = limit.acquire(for: ObjectIdentifier(b), stillWanted: { true })
        // Both parked before A is withdrawn (a fixed sleep was a guess on a loaded machine).
        let deadline = ContinuousClock.now + .seconds(30)
        while limit.waiting < 2 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(limit.waiting == 2)
        limit.withdraw(ObjectIdentifier(a))
        #expect(await waitingA == false)
        #expect(await limit.acquire(for: ObjectIdentifier(a), stillWanted: { false }) == false)
        limit.release()  // the place goes to B's waiter
        #expect(await waitingB == true)
    }

    @Test func concurrentBatchesShareTheRelaysSharedLimit() async throws {
        let server = try await CountingSMTPServer.start()
        defer { server.stop() }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-smtp-limit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let documents = FileDocumentStore(root: root)
        let transmitter = SMTPTransmitter(
            configuration: .init(host: "127.0.0.1", port: server.port, tls: .none, timeouts: .uniform(.seconds(5))), documents: documents,
            connectionsPerHost: 2)
        // Three batches of eight emails, sent at once, as three batches in flight would be.
        var batches: [[Transmission]] = []
        for b in 0..<3 {
            let pack = documents.makeBatch(createdAt: Date())
            var batch: [Transmission] = []
            for i in 0..<8 {
                let id = "d-\(b)-\(i)"
                let eml = "From: Herald <noreply@herald.test>\r\nTo: c\(i)@example.com\r\nMessage-ID: <\(id)@herald.test>\r\nSubject: hi\r\n\r\nHello\r\n"
                let location = try await pack.append(Data(eml.utf8), name: "\(id).eml")
                let request = CommsRequest(id: "r-\(b)-\(i)", commsCode: "WELCOME", priority: 2, status: .processed,
                                           target: TargetRef(.customer, "C1"), source: .api, createdBy: "t", createdAt: Date())
                let d = Distribution(id: id, requestId: request.id, method: .email, target: "c\(i)@example.com", status: .awaitingDistribution,
                                     fileLocation: location, language: "en", createdAt: Date())
                batch.append(Transmission(request: request, distribution: d))
            }
            try await pack.finish()
            batches.append(batch)
        }
        var receivedAtFirstReturn: Int?
        let outcomes = await withTaskGroup(of: [TransmissionOutcome].self) { group in
            for batch in batches { group.addTask { await transmitter.transmit(batch) } }
            var all: [TransmissionOutcome] = []
            for await part in group {
                if receivedAtFirstReturn == nil { receivedAtFirstReturn = server.messages }
                all += part
            }
            return all
        }
        // A batch returns when its own messages are answered, not when every batch's are.
        #expect((receivedAtFirstReturn ?? 24) < 24, "the first batch returned after \(receivedAtFirstReturn ?? -1) messages")
        #expect(outcomes.count == 24)
        #expect(outcomes.allSatisfy { if case .sent = $0 { true } else { false } }, "\(outcomes)")
        #expect(server.messages == 24)
        #expect(server.mostSessions == 2, "sessions open at once: \(server.mostSessions)")
    }
}

/// A minimal SMTP responder on loopback that counts the sessions open at once; each message's
/// final reply waits 5 ms so sessions of different batches overlap.
final class CountingSMTPServer: Sendable {
    final class Counts: Sendable {
        private let state = Mutex((now: 0, most: 0, messages: 0))
        func opened() { state.withLock { c in c.now += 1; c.most = max(c.most, c.now) } }
        func closed() { state.withLock { $0.now -= 1 } }
        func received() { state.withLock { $0.messages += 1 } }
        var most: Int { state.withLock { $0.most } }
        var messages: Int { state.withLock { $0.messages } }
    }

    private let channel: any Channel
    private let counts: Counts
    var port: Int { channel.localAddress!.port! }
    var mostSessions: Int { counts.most }
    var messages: Int { counts.messages }

    private init(channel: any Channel, counts: Counts) {
        self.channel = channel
        self.counts = counts
    }

    static func start() async throws -> CountingSMTPServer {
        let counts = Counts()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(Session(counts: counts)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return CountingSMTPServer(channel: channel, counts: counts)
    }

    func stop() { channel.close(promise: nil) }

    final class Session: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let counts: Counts
        var pending: [UInt8] = []
        var inData = false
        init(counts: Counts) { self.counts = counts }

        func channelActive(context: ChannelHandlerContext) {
            counts.opened()
            reply("220 counting.test ESMTP", context)
        }

        func channelInactive(context: ChannelHandlerContext) {
            counts.closed()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += Array(buffer: unwrapInboundIn(data))
            while let lf = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<lf].filter { $0 != 13 }, as: UTF8.self)
                pending.removeSubrange(...lf)
                handle(line, context)
            }
        }

        func handle(_ line: String, _ context: ChannelHandlerContext) {
            if inData {
                guard line == "." else { return }
                inData = false
                counts.received()
                reply("250 2.0.0 Ok: queued as Q1", context, after: .milliseconds(5))
                return
            }
            switch line.prefix(4).uppercased() {
            case "EHLO": reply("250-counting.test\r\n250 PIPELINING", context)
            case "DATA": inData = true; reply("354 go ahead", context)
            case "QUIT": reply("221 bye", context, thenClose: true)
            default: reply("250 Ok", context)
            }
        }

        /// Replies go out in order, each after the one before (pipelined commands keep coming
        /// while a reply waits).
        var chain: EventLoopFuture<Void>?

        func reply(_ text: String, _ context: ChannelHandlerContext, after delay: TimeAmount = .zero, thenClose: Bool = false) {
            let loop = context.eventLoop
            let bound = NIOLoopBound(context, eventLoop: loop)
            let previous = chain ?? loop.makeSucceededVoidFuture()
            chain = previous.flatMap {
                delay > .zero ? loop.scheduleTask(in: delay) {}.futureResult : loop.makeSucceededVoidFuture()
            }.map {
                let context = bound.value
                context.writeAndFlush(NIOAny(ByteBuffer(string: text + "\r\n")), promise: nil)
                if thenClose { context.close(promise: nil) }
            }
        }
    }
}
