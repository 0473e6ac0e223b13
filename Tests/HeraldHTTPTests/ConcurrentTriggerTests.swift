import Foundation
import HTTPTypes
import HeraldCore
import HeraldHTTP
import Hummingbird
import HummingbirdTesting
import Testing

/// Concurrent triggers commit together (the store's group commit) and each still gets its own
/// answer: one request per Idempotency-Key, replays 200 with the first answer's body, a
/// different body 409, and a bad trigger 422 without touching the others.
@Suite("Concurrent triggers")
struct ConcurrentTriggerTests {
    @Test func thirtyTwoClientsWithOverlappingKeys() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            // Phase one: 32 clients, 8 keys, each key sent 4 times with the same body at once,
            // and bad triggers (an unknown account) mixed in.
            let answers = try await withThrowingTaskGroup(of: (Int, Int, String).self) { group in
                for c in 0..<32 {
                    group.addTask {
                        let r = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: welcomeBody(),
                                                      headers: ["Idempotency-Key": "burst-\(c % 8)"])
                        return (c, Int(r.status.code), String(buffer: r.body))
                    }
                }
                for c in 0..<4 {
                    group.addTask {
                        let r = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey,
                                                      json: welcomeBody(target: #""accountId": "A-404""#))
                        return (100 + c, Int(r.status.code), String(buffer: r.body))
                    }
                }
                var all: [(Int, Int, String)] = []
                for try await a in group { all.append(a) }
                return all
            }
            #expect(answers.filter { $0.0 >= 100 }.allSatisfy { $0.1 == 422 })
            var bodies: [Int: Set<String>] = [:]
            var created = 0
            for (c, status, body) in answers where c < 100 {
                #expect(status == 201 || status == 200, "\(status) \(body)")
                if status == 201 { created += 1 }
                bodies[c % 8, default: []].insert(body)
            }
            #expect(created == 8)
            // The replays answered with the same body as the 201 (nothing ran in between).
            for key in 0..<8 { #expect(bodies[key]?.count == 1, "key \(key): \(bodies[key]?.count ?? 0) bodies") }
            #expect(try await h.requestCount() == 8)

            // Phase two: every key again with another body, at once: all 409.
            let conflicts = try await withThrowingTaskGroup(of: Int.self) { group in
                for key in 0..<8 {
                    group.addTask {
                        let r = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: welcomeBody(offer: "OTHER"),
                                                      headers: ["Idempotency-Key": "burst-\(key)"])
                        return Int(r.status.code)
                    }
                }
                var all: [Int] = []
                for try await s in group { all.append(s) }
                return all
            }
            #expect(conflicts == Array(repeating: 409, count: 8))
            #expect(try await h.requestCount() == 8)
        }
    }
}
