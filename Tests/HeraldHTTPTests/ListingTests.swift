import Foundation
import HTTPTypes
import HeraldHTTP
import HummingbirdTesting
import Testing

@Suite("Listing requests")
struct ListingTests {
    @Test func filtersLimitAndCursor() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            var created: [String] = []
            for i in 0..<5 {
                let r = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey, json: welcomeBody(offer: "O\(i)"))
                created.append(try #require(r.object["id"] as? String))
            }
            let other = try await client.send(.post, "/v1/comms-requests", key: APIHarness.triggerKey,
                                              json: #"{"commsCode": "PAYMENT_REMINDER", "customerId": "C-1002"}"#)
            let otherId = try #require(other.object["id"] as? String)
            _ = try await client.send(.post, "/v1/comms-requests/\(created[0])/cancel", key: APIHarness.agentKey)

            func ids(_ uri: String) async throws -> [String] {
                let r = try await client.send(.get, uri, key: APIHarness.agentKey)
                #expect(r.status == .ok, "\(uri): \(r.text)")
                return (r.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await ids("/v1/comms-requests?accountId=A-2001").count == 5)
            #expect(try await ids("/v1/comms-requests?customerId=C-1002") == [otherId])
            #expect(try await ids("/v1/comms-requests?commsCode=PAYMENT_REMINDER") == [otherId])
            #expect(try await ids("/v1/comms-requests?status=C") == [created[0]])
            #expect(try await ids("/v1/comms-requests?status=cancelled") == [created[0]])
            #expect(try await ids("/v1/comms-requests?status=awaitingProcessing&accountId=A-2001").count == 4)

            // Paging: newest first, two at a time, through all six.
            var seen: [String] = []
            var uri = "/v1/comms-requests?limit=2"
            var pages = 0
            while true {
                let r = try await client.send(.get, uri, key: APIHarness.agentKey)
                let items = (r.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                #expect(items.count <= 2)
                seen += items
                pages += 1
                guard let next = r.object["nextCursor"] as? String, pages < 10 else {
                    #expect(r.object["nextCursor"] is NSNull)
                    break
                }
                uri = "/v1/comms-requests?limit=2&cursor=\(next)"
            }
            #expect(Set(seen) == Set(created + [otherId]))
            #expect(seen.count == 6)
            #expect(seen == seen.sorted(by: >))
        }
    }

    @Test(arguments: [
        ("limit=0", "limit"), ("limit=501", "limit"), ("limit=abc", "limit"),
        ("status=Z", "status"), ("status=", "status"), ("acountId=A-2001", "acountId"),
    ])
    func badQueryIs400NamingTheParameter(query: String, field: String) async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let response = try await client.send(.get, "/v1/comms-requests?\(query)", key: APIHarness.agentKey)
            #expect(response.isProblem(400), "\(response.text)")
            #expect(response.problemField == field)
        }
    }
}
