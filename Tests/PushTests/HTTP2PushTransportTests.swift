import Foundation
import HeraldTestSupport
import NIOCore
import Testing
@testable import Push

/// The APNs client's own HTTP/2 transport against an in-process server that injects faults:
/// GOAWAY in the middle of a batch, a connection dropped with streams in flight, a low
/// SETTINGS_MAX_CONCURRENT_STREAMS, answers that never come.
@Suite("HTTP/2 push transport against a fault-injecting server")
struct HTTP2PushTransportTests {
    let credentials = PushCredentials.shared

    static func device(_ i: Int) -> String { String(format: "%064x", i) }

    func withFaultyServer<T>(_ faults: FakePushServer.Faults, answers: [String: [FakePushServer.Response]] = [:],
                             _ body: (FakePushServer) async throws -> T) async throws -> T {
        let scripted = ScriptedAnswers(answers)
        var options = credentials.serverOptions()
        options.faults = faults
        return try await FakePushServer.with(options: options, script: scripted.script, body)
    }

    func client(_ server: FakePushServer, timeout: Duration = .seconds(10), maxConnections: Int = 2) async throws -> APNsClient {
        var configuration = credentials.apnsConfiguration(endpoint: server.endpoint)
        configuration.timeout = timeout
        configuration.connections.maxConnections = maxConnections
        return try await APNsClient(configuration: configuration, caFile: server.caFile)
    }

    /// Sends to devices `range` all at once; the results by device.
    func sendAll(_ client: APNsClient, _ range: Range<Int>) async -> [String: PushResult] {
        await withTaskGroup(of: (String, PushResult).self) { group in
            for i in range {
                group.addTask { (Self.device(i), await client.send(APNsNotification(body: "n\(i)"), to: Self.device(i))) }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
    }

    @Test("GOAWAY mid-batch: the streams the server did not process go again on a new connection, each once")
    func goAwayMidBatch() async throws {
        try await withFaultyServer(.init(goAwayAfter: 20)) { server in
            let client = try await client(server)
            let results = await sendAll(client, 0..<60)
            #expect(results.count == 60)
            #expect(results.values.allSatisfy { $0.isSent }, "\(results.values.filter { !$0.isSent })")
            // Processed exactly once each: 20 on the first connection, 40 on the second.
            let tokens = server.requests.compactMap(\.pushToken)
            #expect(tokens.count == 60)
            #expect(Set(tokens).count == 60)
            #expect(server.connectionCount == 2)
            #expect(await client.send(APNsNotification(body: "after"), to: Self.device(99)).isSent)
            await client.shutdown()
        }
    }

    @Test("a connection dropped with streams in flight: those are possible duplicates, at once; the next push reconnects")
    func connectionDrop() async throws {
        try await withFaultyServer(.init(dropAfter: 10)) { server in
            // A 120 s timeout, so "at once" is told from it even in a loaded suite (5 s was not).
            let client = try await client(server, timeout: .seconds(120))
            let start = ContinuousClock.now
            let results = await sendAll(client, 0..<40)
            #expect(ContinuousClock.now - start < .seconds(60))  // not left to the 120 s timeout
            let sent = results.filter { $0.value.isSent }.map(\.key)
            let lost = results.values.compactMap { result -> String? in
                if case .possibleDuplicate(let reason) = result { return reason }
                return nil
            }
            #expect(sent.count + lost.count == 40, "\(results.values.filter { !$0.isSent })")
            #expect(!lost.isEmpty)
            #expect(lost.allSatisfy { $0.contains("lost with the push in flight") && $0.contains("may have accepted") }, "\(lost)")
            // Nothing reported sent that the server did not process.
            let processed = Set(server.requests.compactMap(\.pushToken))
            #expect(Set(sent).isSubset(of: processed))
            #expect(await client.send(APNsNotification(body: "after"), to: Self.device(99)).isSent)
            #expect(server.connectionCount == 2)
            await client.shutdown()
        }
    }

    @Test("SETTINGS_MAX_CONCURRENT_STREAMS is respected: the rest waits; a second connection only when the first is full")
    func maxConcurrentStreams() async throws {
        try await withFaultyServer(.init(maxConcurrentStreams: 4, answerDelay: .milliseconds(20))) { server in
            let one = try await client(server, maxConnections: 1)
            let results = await sendAll(one, 0..<40)
            #expect(results.values.allSatisfy { $0.isSent })
            #expect(server.maxOpenStreams == 4)
            #expect(server.connectionCount == 1)
            await one.shutdown()

            let two = try await client(server, maxConnections: 2)
            let more = await sendAll(two, 100..<140)
            #expect(more.values.allSatisfy { $0.isSent })
            #expect(server.maxOpenStreams == 4)  // per connection, still
            #expect(server.connectionCount == 3)  // this client opened two
            #expect(server.requestCount == 80)
            await two.shutdown()
        }
    }

    @Test("pushes made on the client's event loop (as the transmitter's are) go out in runs: each once, one connection")
    func onTheEventLoop() async throws {
        try await withFaultyServer(.init(maxConcurrentStreams: 50)) { server in
            let client = try await client(server, maxConnections: 1)
            let count = HTTP2PushPool.writeRun * 10 + 3
            let results = await withTaskGroup(of: (String, PushResult).self) { group in
                for i in 0..<count {
                    group.addTask(executorPreference: client.taskExecutor) {
                        (Self.device(i), await client.send(APNsNotification(body: "n\(i)"), to: Self.device(i)))
                    }
                }
                return await group.reduce(into: [String: PushResult]()) { $0[$1.0] = $1.1 }
            }
            #expect(results.count == count)
            #expect(results.values.allSatisfy { $0.isSent }, "\(results.values.filter { !$0.isSent })")
            let tokens = server.requests.compactMap(\.pushToken)
            #expect(tokens.count == count)
            #expect(Set(tokens).count == count)
            #expect(server.maxOpenStreams == 50)
            #expect(server.connectionCount == 1)
            await client.shutdown()
            let after = await Task(executorPreference: client.taskExecutor) {
                await client.send(APNsNotification(body: "after"), to: Self.device(1))
            }.value
            #expect(after == .retry(reason: "APNs client shut down", status: nil, retryAfter: nil))
            #expect(server.requestCount == count)
        }
    }

    @Test("no answer within the timeout: the stream is reset (a possible duplicate), its slot freed")
    func timeout() async throws {
        let silent = Self.device(7)
        try await withFaultyServer(.init(), answers: [silent: [.noAnswer]]) { server in
            // 3 s, and the connection made first by a push that is answered: under a loaded suite
            // a TLS handshake alone once took longer than a 500 ms timeout (a retry, not this test).
            let client = try await client(server, timeout: .seconds(3))
            var warm = false
            for _ in 0..<5 where !warm { warm = await client.send(APNsNotification(body: "w"), to: Self.device(9)).isSent }
            #expect(warm)
            let connections = server.connectionCount
            let start = ContinuousClock.now
            let result = await client.send(APNsNotification(body: "x"), to: silent)
            let elapsed = ContinuousClock.now - start
            guard case .possibleDuplicate(let reason) = result else { Issue.record("expected a timeout, got \(result)"); return }
            #expect(reason.contains("no answer within 3 s"), "\(reason)")
            #expect(elapsed >= .seconds(3) && elapsed < .seconds(60), "\(elapsed)")  // the timeout, not a hang
            #expect(await client.send(APNsNotification(body: "y"), to: Self.device(8)).isSent)
            #expect(server.connectionCount == connections)  // the stream was reset, not the connection
            await client.shutdown()
        }
    }

    @Test("a push still queued for a stream at its timeout is a retry (never sent); the reset frees the slot")
    func queuedTimeout() async throws {
        let silent = Self.device(1)
        try await withFaultyServer(.init(maxConcurrentStreams: 1), answers: [silent: [.noAnswer]]) { server in
            let client = try await client(server, maxConnections: 1)
            let token = try await client.currentProviderToken()
            let payload = try APNsNotification(body: "x").payload()
            func exchange(_ device: String, _ timeout: Duration) async -> Result<HTTP2Answer, PushFailure> {
                let headers = client.requestHeaders(APNsNotification(body: "x"), deviceToken: device, providerToken: token, length: payload.count)
                return await client.transport.execute(headers: headers, body: ByteBuffer(bytes: payload), timeout: timeout)
            }
            async let first = exchange(silent, .seconds(2))
            try await Task.sleep(for: .milliseconds(200))  // the silent stream holds the only slot
            let queued = await exchange(Self.device(2), .milliseconds(300))
            guard case .failure(let failure) = queued, case .retry(let reason, nil, nil) = failure.result else {
                Issue.record("expected a retry, got \(queued)"); return
            }
            #expect(reason.contains("no APNs stream free within 0.300 s"), "\(reason)")
            guard case .failure(let lost) = await first, case .possibleDuplicate = lost.result else {
                Issue.record("expected the silent push to time out"); return
            }
            #expect(await client.send(APNsNotification(body: "z"), to: Self.device(3)).isSent)
            #expect(server.requests.compactMap(\.pushToken) == [silent, Self.device(3)])
            await client.shutdown()
        }
    }

    @Test("an endpoint that refuses connections: a retry at once, and after shutdown a retry without a connection")
    func unreachable() async throws {
        var configuration = credentials.apnsConfiguration(endpoint: "https://127.0.0.1:1")
        configuration.connections.connectTimeout = .seconds(3)
        let client = try await APNsClient(configuration: configuration)
        let result = await client.send(APNsNotification(body: "x"), to: Self.device(1))
        guard case .retry(let reason, nil, nil) = result else { Issue.record("expected a retry, got \(result)"); return }
        #expect(reason.hasPrefix("APNs unreachable:"), "\(reason)")
        await client.shutdown()
        #expect(await client.send(APNsNotification(body: "x"), to: Self.device(1))
                == .retry(reason: "APNs client shut down", status: nil, retryAfter: nil))
        #expect(await client.connectionCount == 0)
    }
}
