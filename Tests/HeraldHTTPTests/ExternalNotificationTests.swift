import Foundation
import HTTPTypes
import HeraldCore
import HeraldHTTP
import HeraldTestSupport
import HummingbirdTesting
import Testing

/// `POST /v1/external-triggers` in the External Trigger schema of the system we re-build
/// (version 1.0): triggers resolved in the catalog, idempotency by channel + uniqueReference
/// (or serialNumber), attributes as merge fields, every refusal naming its field; the examples
/// are also checked against our copy of the published schema (`docs/external-trigger.schema.json`)
/// by Python's `jsonschema`, so Herald and the schema agree on good and bad.
@Suite("External triggers in the CMP schema")
struct ExternalNotificationTests {
    static func body(uniqueReference: String? = "OCS-0001", serialNumber: String? = nil, channel: String = "OCS",
                     triggerId: String = "DATA_80_PCT", entity: String = #"{"type": "SUBSCRIPTION", "reference": "S-3001"}"#,
                     attributes: String = #"[{"name": "PERCENT", "value": "80"}, {"name": "ZONE", "value": "EU"}]"#) -> String {
        var members = [
            #""interfaceCategory": "COMMS""#, #""interfaceType": "EXTERNAL_TRIGGER""#, #""version": 1.0"#,
            #""transmitDateTime": "2026-12-07T09:30:00Z""#, #""channel": "\#(channel)""#, #""hierarchyEntity": \#(entity)"#,
            #""triggerId": "\#(triggerId)""#, #""attributes": \#(attributes)"#,
        ]
        if let uniqueReference { members.append(#""uniqueReference": "\#(uniqueReference)""#) }
        if let serialNumber { members.append(#""serialNumber": "\#(serialNumber)""#) }
        return "{" + members.joined(separator: ", ") + "}"
    }

    /// Bad notifications, each with the field Herald names and the schema refuses too.
    static let bad: [(String, json: String)] = [
        ("interfaceCategory", body().replacingOccurrences(of: #""COMMS""#, with: #""BILLING""#)),
        ("interfaceType", body().replacingOccurrences(of: #""EXTERNAL_TRIGGER""#, with: #""EVENT""#)),
        ("version", body().replacingOccurrences(of: #""version": 1.0"#, with: #""version": "1.5""#)),
        ("channel", body(channel: "")),
        ("channel", body(channel: String(repeating: "C", count: 21))),
        ("triggerId", body(triggerId: String(repeating: "T", count: 101))),
        ("transmitDateTime", body().replacingOccurrences(of: "2026-12-07T09:30:00Z", with: "yesterday")),
        ("hierarchyEntity.type", body(entity: #"{"type": "CUSTOMER", "reference": "C-1001"}"#)),
        ("hierarchyEntity.reference", body(entity: #"{"type": "ACCOUNT"}"#)),
        ("attributes[0].value", body(attributes: #"[{"name": "PERCENT"}]"#)),
        ("colour", body().replacingOccurrences(of: #""channel""#, with: #""colour": "red", "channel""#)),
        ("hierarchyEntity.level", body(entity: #"{"type": "ACCOUNT", "reference": "A-2001", "level": 2}"#)),
    ]

    @Test func aNotificationSendsTheTriggersCommWithItsAttributesAsFields() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let first = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: Self.body())
            #expect(first.status == .created, "\(first.text)")
            #expect(first.object["triggerId"] as? String == "DATA_80_PCT")
            #expect(first.object["uniqueReference"] as? String == "OCS-0001")
            let ids = try #require(first.object["commsRequestIds"] as? [String])
            #expect(ids.count == 1)
            let request = try await client.send(.get, "/v1/comms-requests/\(ids[0])")
            #expect(request.object["commsCode"] as? String == "DATA_80")
            #expect(request.object["subscriptionId"] as? String == "S-3001")
            #expect(request.object["externalTriggerId"] as? String == "OCS-0001")
            #expect(request.object["priority"] as? Int == 1)
            // Mapped attributes become fields; unmapped ones (ZONE) do not.
            #expect(request.object["fields"] as? [String: String] == ["ALLOWANCEPERCENT": "80"])

            // The same notification again: a replay, answered as the first time.
            let replay = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: Self.body())
            #expect(replay.status == .ok)
            #expect(replay.object["commsRequestIds"] as? [String] == ids)
            // The same trigger for another notification (another customer): a new comm, not a replay.
            let second = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey,
                                               json: Self.body(uniqueReference: "OCS-0002", entity: #"{"type": "ACCOUNT", "reference": "A-2002"}"#))
            #expect(second.status == .created)
            #expect((second.object["commsRequestIds"] as? [String])?.first != ids[0])
            // Another channel may reuse the reference.
            let other = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: Self.body(channel: "CRM"))
            #expect(other.status == .created)
            // Without uniqueReference the serial number identifies it.
            let serial = Self.body(uniqueReference: nil, serialNumber: "991")
            let s1 = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: serial)
            let s2 = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: serial)
            #expect(s1.status == .created && s2.status == .ok)
            #expect(s1.object["commsRequestIds"] as? [String] == s2.object["commsRequestIds"] as? [String])
        }
        #expect(try await h.requestCount() == 4)
    }

    @Test func aRaiseEventTriggerRaisesItsEvent() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let r = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey,
                                          json: Self.body(triggerId: "DEBT_RAISED", entity: #"{"type": "ACCOUNT", "reference": "A-2001"}"#, attributes: "[]"))
            #expect(r.status == .created, "\(r.text)")
            #expect(r.object["eventId"] as? String != nil)
            #expect((r.object["commsRequestIds"] as? [String])?.count == 1)
        }
    }

    @Test func refusalsNameTheField() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            for (field, json) in Self.bad {
                let r = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: json)
                #expect(r.status == .unprocessableContent, "\(field): \(r.text)")
                #expect(r.problemField == field, "\(field): \(r.text)")
            }
            let unknownTrigger = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: Self.body(triggerId: "NO_SUCH"))
            #expect(unknownTrigger.problemField == "triggerId")
            #expect(unknownTrigger.text.contains("no trigger 'NO_SUCH' is configured"))
            let missing = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: Self.body(attributes: "[]"))
            #expect(missing.problemField == "attributes")
            #expect(missing.text.contains("needs the attribute PERCENT"))
            let unknownAccount = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey,
                                                       json: Self.body(entity: #"{"type": "ACCOUNT", "reference": "A-9999"}"#))
            #expect(unknownAccount.isProblem(422))
        }
        #expect(try await h.requestCount() == 0)
    }

    @Test func heraldsOwnFormIsVersionTwo() async throws {
        let h = try await APIHarness()
        try await h.run { client in
            let v2 = #"{"version": 2, "triggerId": "ocs-9", "source": "ocs", "action": "sendComm", "commsCode": "DATA_80", "subscriptionId": "S-3001"}"#
            #expect(try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: v2).status == .created)
            let v3 = v2.replacingOccurrences(of: #""version": 2"#, with: #""version": 3"#)
            let refused = try await client.send(.post, "/v1/external-triggers", key: APIHarness.triggerKey, json: v3)
            #expect(refused.problemField == "version")
        }
    }

    /// Python's jsonschema, on our copy of the published schema, agrees with Herald on every
    /// example: the good ones are valid, the bad ones are not (Herald's own refusals that need
    /// the catalog or the store — an unknown trigger or account — are not the schema's to make).
    @Test func theSchemaAgreesWithHerald() async throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/external-trigger.schema.json").path
        let good = [Self.body(), Self.body(uniqueReference: nil, serialNumber: "991"), Self.body(attributes: "[]")]
        let examples = good.map { "G\t" + $0 } + Self.bad.map { "B\t" + $0.json }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft201909Validator.check_schema(schema)
            v = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)
            for line in sys.stdin.read().splitlines():
                kind, doc = line.split("\\t", 1)
                errors = list(v.iter_errors(json.loads(doc)))
                print(kind, "valid" if not errors else "invalid")
            """
        let result = try await TestProcess.python(script, [schema], input: Array(examples.joined(separator: "\n").utf8))
        #expect(result.status == 0, "\(result.errors)")
        let verdicts = result.output.split(separator: "\n").map(String.init)
        #expect(verdicts == good.map { _ in "G valid" } + Self.bad.map { _ in "B invalid" }, "\(verdicts)")
    }
}
