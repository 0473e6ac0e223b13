import Foundation
import HTTPTypes
@testable import HeraldHTTP
import HummingbirdTesting
import Testing

@Suite("Catalog, operations and the contract")
struct OperationsTests {
    @Test func commsCodesListTheCatalog() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let response = try await client.send(.get, "/v1/comms-codes", key: APIHarness.triggerKey)
            #expect(response.status == .ok)
            let items = try #require(response.object["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["code"] as? String } == ["DATA_80", "OLD_PROMO", "PAYMENT_REMINDER", "WELCOME", "PORTING_NOTICE"])
            let reminder = try #require(items.first { $0["code"] as? String == "PAYMENT_REMINDER" })
            #expect(Set(reminder.keys) == ["code", "description", "methods", "priority", "category", "agentVisible", "active",
                                           "defaultFields", "requiredFields", "optionalFields", "workflowEvents"])
            #expect(reminder["methods"] as? [String] == ["sms", "email", "letter"])
            let links = try #require(reminder["workflowEvents"] as? [[String: String]])
            #expect(links == [["eventType": "DEBT", "eventCode": "DBAR"]])
            let old = try #require(items.first { $0["code"] as? String == "OLD_PROMO" })
            #expect(old["active"] as? Bool == false)
        }
    }

    @Test func healthMetricsAndUnknownRoutes() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let health = try await client.send(.get, "/healthz", key: nil)
            #expect(health.status == .ok)
            #expect(health.object["status"] as? String == "ok")
            let metrics = try await client.send(.get, "/metrics", key: nil)
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.text.contains("herald_up 1"))
            let unknown = try await client.send(.get, "/v1/nothing-here", key: nil)
            #expect(unknown.isProblem(404))
            let wrongMethod = try await client.send(.delete, "/v1/comms-codes", key: APIHarness.adminKey)
            #expect(wrongMethod.status.code == 404 || wrongMethod.status.code == 405)
        }
    }

    @Test func openAPIDocumentCoversEveryRoute() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let response = try await client.send(.get, "/openapi.json", key: nil)
            #expect(response.status == .ok)
            let document = response.object
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            for endpoint in HeraldAPI(h.deps).endpoints {
                let operation = paths[endpoint.path]?[endpoint.method.rawValue.lowercased()]
                #expect(operation != nil, "\(endpoint.method.rawValue) \(endpoint.path) is missing from openapi.json")
            }
            let components = try #require(document["components"] as? [String: Any])
            let schemas = try #require(components["schemas"] as? [String: Any])
            for name in ["Problem", "CommsRequest", "CommsRequestInput", "ExternalTriggerInput", "WorkflowEventInput", "CustomerInput"] {
                #expect(schemas[name] != nil, "schema \(name)")
            }
        }
    }

    @Test func documentedPathsAreServed() async throws {
        let h = try await APIHarness()
        let served = Set(HeraldAPI(h.deps).endpoints.map { "\($0.method.rawValue.lowercased()) \($0.path)" })
        let data = try #require(OpenAPIDocument.data)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for (path, operations) in paths {
            for method in operations.keys where ["get", "put", "post", "delete", "patch"].contains(method) {
                #expect(served.contains("\(method) \(path)"), "\(method) \(path) is documented but not served")
            }
        }
    }
}
