import Foundation
import HTTPTypes
import HeraldCore
import HeraldHTTP
import HummingbirdTesting
import Testing

@Suite("Authentication and roles")
struct AuthTests {
    @Test func keyringFindsKeysAndRoles() throws {
        let keyring = APIKeyring([(name: "a", key: "k1", roles: [.trigger]), (name: "b", key: "k2", roles: [.admin])])
        #expect(keyring.principal(forKey: "k1")?.name == "a")
        #expect(keyring.principal(forKey: "k3") == nil)
        #expect(keyring.principal(forKey: "") == nil)
        let a = try keyring.authorize(authorization: "Bearer k1", roles: [.trigger])
        #expect(a.actor == "api:a")
        #expect(try keyring.authorize(authorization: "bearer k2", roles: [.agent]).name == "b")
        #expect(throws: HeraldError.self) { try keyring.authorize(authorization: "Bearer k1", roles: [.agent]) }
        #expect(throws: HeraldError.self) { try keyring.authenticate(authorization: "Basic azE=") }
        #expect(throws: HeraldError.self) { try keyring.authenticate(authorization: nil) }
    }

    /// The scheme in any case, blanks around the token ignored; anything else is refused.
    @Test func bearerHeaderForms() throws {
        let keyring = APIKeyring([(name: "a", key: "k1", roles: [.trigger])])
        for accepted in ["Bearer k1", "BEARER k1", "bEaReR k1", "  Bearer   k1", "Bearer k1 \t ", "Bearer \tk1"] {
            #expect(try keyring.authenticate(authorization: accepted).name == "a", "\(accepted)")
        }
        for refused in ["Bearer", "Bearer ", "Bearer    ", "Bearerk1", "Bearer\tk1", "Bearerx k1", "Beare k1", "Token k1",
                        "Bearer k1x", "Bearer k 1", "Bearer K1", "k1", "Bearer k1\u{00A0}"] {
            #expect(throws: HeraldError.self, "\(refused)") { try keyring.authenticate(authorization: refused) }
        }
    }

    @Test func missingOrUnknownKeyIs401WithChallenge() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            for key in [nil, "wrong"] as [String?] {
                let response = try await client.send(.post, "/v1/comms-requests", key: key, json: welcomeBody())
                #expect(response.isProblem(401))
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
            }
        }
        #expect(try await h.requestCount() == 0)
    }

    @Test(arguments: [
        (HTTPRequest.Method.post, "/v1/comms-requests", APIHarness.agentKey),
        (.post, "/v1/comms-requests", APIHarness.statusKey),
        (.get, "/v1/comms-requests", APIHarness.triggerKey),
        (.post, "/v1/workflow-events", APIHarness.agentKey),
        (.post, "/v1/external-triggers", APIHarness.agentKey),
        (.put, "/v1/customers/C-9", APIHarness.agentKey),
        (.get, "/v1/customers/C-1001", APIHarness.triggerKey),
        (.get, "/v1/comms-codes", APIHarness.statusKey),
    ])
    func wrongRoleIs403(method: HTTPRequest.Method, path: String, key: String) async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let response = try await client.send(method, path, key: key, json: method == .get ? nil : welcomeBody())
            #expect(response.isProblem(403), "\(response.status)")
        }
        #expect(try await h.requestCount() == 0)
    }

    @Test func adminMayDoEverything() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let created = try await client.send(.post, "/v1/comms-requests", key: APIHarness.adminKey, json: welcomeBody())
            #expect(created.status == .created)
            let listed = try await client.send(.get, "/v1/comms-requests", key: APIHarness.adminKey)
            #expect(listed.status == .ok)
            let customer = try await client.send(.get, "/v1/customers/C-1001", key: APIHarness.adminKey)
            #expect(customer.status == .ok)
        }
    }
}
