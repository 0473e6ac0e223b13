import Foundation
import HeraldCore
@testable import HeraldHTTP
import Testing

@Suite("Strict body keys")
struct KeyShapeTests {
    static func keys(_ shape: KeyShape) -> Set<String> {
        if case .object(let keys) = shape { return Set(keys.keys) }
        return []
    }

    static func encodedKeys(_ value: some Encodable) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any]
        return Set(object?.keys ?? [:].keys)
    }

    /// The allowed keys are exactly the input types' coding keys, so a new input field cannot be
    /// refused by mistake.
    @Test func shapesMatchTheInputTypes() throws {
        let f = ["A": "b"]
        let request = CommsRequestInput(commsCode: "X", customerId: "c", accountId: "a", subscriptionId: "s", priority: 1,
                                        deliveryMethod: "sms", fields: f, copyOf: "r")
        #expect(try Self.encodedKeys(request) == Self.keys(.commsRequest))
        let event = WorkflowEventInput(eventType: "T", eventCode: "C", customerId: "c", accountId: "a", subscriptionId: "s",
                                       whenToCreate: "OnCreate", priority: 1, fields: f)
        #expect(try Self.encodedKeys(event) == Self.keys(.workflowEvent))
        let external = ExternalTriggerInput(triggerId: "t", source: "s", action: "a", commsCode: "c", eventType: "T", eventCode: "C",
                                            whenToCreate: "w", customerId: "c", accountId: "a", subscriptionId: "s", priority: 1, fields: f,
                                            version: 2)
        #expect(try Self.encodedKeys(external) == Self.keys(.externalTrigger))
        let notification = ExternalTriggerNotification(
            transmitDateTime: "2026-12-07T09:30:00Z", channel: "OCS", hierarchyEntity: .init(type: "ACCOUNT", reference: "A"),
            uniqueReference: "u", triggerId: "T", attributes: [.init(name: "n", value: "v")], serialNumber: "1")
        #expect(try Self.encodedKeys(notification) == Self.keys(.externalNotification))
        let customer = Customer(id: "C", title: "t", firstName: "f", lastName: "l", email: "e", mobile: "m",
                                postalAddress: .init(lines: []), externalId: "x")
        #expect(try Self.encodedKeys(customer) == Self.keys(.customer))
        #expect(try Self.encodedKeys(Account(id: "A", customerId: "C", currency: "GBP", amountDue: "1")) == Self.keys(.account))
        #expect(try Self.encodedKeys(Subscription(id: "S", customerId: "C", accountId: "A", msisdn: "m", plan: "p")) == Self.keys(.subscription))
    }

    @Test func unknownKeysAreFoundAtDepth() {
        let body: [String: Any] = ["preferences": ["quietHours": ["from": "21:00", "form": "x"]], "pushTokens": [["platform": "apns", "tokn": "x"]]]
        #expect(KeyShape.customer.unknownKey(in: body) == "preferences.quietHours.form")
        let tokens: [String: Any] = ["pushTokens": [["platform": "apns", "token": "x"], ["platform": "apns", "tokn": "x"]]]
        #expect(KeyShape.customer.unknownKey(in: tokens) == "pushTokens[1].tokn")
        #expect(KeyShape.commsRequest.unknownKey(in: ["fields": ["ANYTHING": "x"]]) == nil)
    }

    @Test func canonicalHashIgnoresFormatting() throws {
        let a = try BodyReader.decode(CommsRequestInput.self, from: Data(#"{"commsCode":"X","fields":{"B":"1","A":"2"}}"#.utf8), shape: .commsRequest)
        let b = try BodyReader.decode(CommsRequestInput.self, from: Data("{ \"fields\": {\"A\":\"2\", \"B\":\"1\"},\n \"commsCode\": \"X\" }".utf8), shape: .commsRequest)
        #expect(try BodyReader.canonicalHash(a) == BodyReader.canonicalHash(b))
        #expect(try BodyReader.canonicalHash(a).count == 64)
    }
}

/// The hand parse of a flat body (the trigger path's fast way) finds the keys
/// `JSONSerialization` finds, and hands every body it does not take to the full parse.
@Suite("Top-level keys of flat bodies")
struct TopLevelKeysTests {
    @Test func plainBodiesGiveTheirKeys() throws {
        let bodies = [
            #"{}"#, #" { } "#,
            #"{"commsCode":"WELCOME","accountId":"A-1","deliveryMethod":"sms"}"#,
            #"{ "a" : 1 , "b":-25,"e":null }"#,
            "{\n\t\"fields\": {\"X\": \"y}\", \"q\": \"say \\\"hi\\\" \\\\\"},\r\n \"k\": \"v\"}",
            #"{"a\"b":1, "\u0061x":"y", "é":"z", "e":"\u00e9\n"}"#,
        ]
        for body in bodies {
            let parsed = try #require(FlatJSON.parse(Data(body.utf8)), "\(body)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(Set(parsed.keys) == Set(object.keys), "\(body)")
        }
    }

    @Test func anythingElseIsLeftToTheFullParse() {
        let bodies = [
            "", " ", "[]", #""a""#, "1", "null", #"{"a":1"#, #"{"a":1,}"#, #"{"a" 1}"#, #"{a:1}"#, #"{"a":1}x"#,
            #"{"a":1}{"b":2}"#, "{\"a\nb\":1}", #"{"a":"unterminated}"#, #"{"a":[1,2}"#, #"{"a":]}"#, #"{"a":{"b":1}"#,
            #"{"b":-2.5e3}"#, #"{"c":true}"#, #"{"a":[]}"#, #"{"a":{"b":{}}}"#, #"{"a":"x","a":"y"}"#,
        ]
        for body in bodies {
            #expect(FlatJSON.parse(Data(body.utf8)) == nil, "\(body)")
        }
    }

    /// Through the reader: a plain body decodes; an unknown key, bad JSON and a wrong type get
    /// the refusals the full parse gives.
    @Test func theReaderGivesTheSameAnswers() throws {
        let ok = try BodyReader.decode(CommsRequestInput.self, from: Data(#"{"commsCode":"WELCOME","accountId":"A-1"}"#.utf8), shape: .commsRequest)
        #expect(ok.commsCode == "WELCOME" && ok.accountId == "A-1")
        func refusal(_ body: String) -> String {
            do {
                _ = try BodyReader.decode(CommsRequestInput.self, from: Data(body.utf8), shape: .commsRequest)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal(#"{"commsCode":"WELCOME","accountID":"A-1","zzz":1}"#).contains("accountID"))
        #expect(refusal(#"{"commsCode":"WELCOME","accountId":"A-1","priority":tru}"#).contains("not valid JSON"))
        #expect(refusal(#"{"commsCode":"WELCOME","accountId":"A-1","priority":"high"}"#).contains("priority"))
        #expect(refusal(#"["commsCode"]"#).contains("JSON object"))
    }
}

/// A comms request body parsed by hand (``FlatJSON``) gives exactly what `JSONDecoder` gives,
/// and every body it does not take goes to the decoder.
@Suite("Flat JSON bodies")
struct FlatJSONTests {
    static let strings = [
        #""""#, #""plain""#, #""with \"quotes\" \\ \/ slash""#, #""\b\f\n\r\t""#, #""\u00e9\u20AC\uD83D\uDE00 \u0000""#,
        "\"Zoë 日本 😀\"", #""https://x.example/a?b=c&d""#, #""\u0041\u0062""#,
    ]

    @Test func takenBodiesDecodeAsTheDecoderDoes() async throws {
        var g = SystemRandomNumberGenerator()
        var taken = 0
        for _ in 0..<150 {
            await Task.yield()  // CPU-bound: leave the 2 cooperative threads to timing tests
            var members: [String] = []
            for key in ["commsCode", "customerId", "accountId", "subscriptionId", "deliveryMethod", "copyOf"] where Bool.random(using: &g) {
                members.append("\"\(key)\": " + (Int.random(in: 0..<8, using: &g) == 0 ? "null" : Self.strings.randomElement(using: &g)!))
            }
            if Bool.random(using: &g) {
                members.append(["\"priority\":2", "\"priority\": -1", "\"priority\":null", "\"priority\":0", "\"priority\": 9223372036854775807"]
                    .randomElement(using: &g)!)
            }
            if Bool.random(using: &g) {
                let inner = (0..<Int.random(in: 0..<3, using: &g)).map { "\"K\($0)\": \(Self.strings.randomElement(using: &g)!)" }
                members.append("\"fields\": {\(inner.joined(separator: ","))}")
            }
            members.shuffle(using: &g)
            let body = Data(("\n{ " + members.joined(separator: " ,\t") + " }\r\n").utf8)
            let flat = try #require(FlatJSON.parse(body), "\(String(decoding: body, as: UTF8.self))")
            let decoded = try JSONDecoder().decode(CommsRequestInput.self, from: body)
            #expect(CommsRequestInput(flat: flat) == decoded, "\(String(decoding: body, as: UTF8.self))")
            taken += 1
        }
        #expect(taken == 150)
    }

    @Test func otherBodiesAreLeftToTheDecoder() {
        let bodies = [
            #"{"priority": 2.0}"#, #"{"priority": 1e2}"#, #"{"priority": 02}"#, #"{"priority": true}"#, #"{"priority": "2"}"#,
            #"{"priority": 99999999999999999999}"#, #"{"commsCode": 1}"#, #"{"fields": {"a": 1}}"#, #"{"fields": {"a": null}}"#,
            #"{"fields": {"a": {"b": "c"}}}"#, #"{"fields": ["a"]}"#, #"{"a": "x", "a": "y"}"#, #"{"a": "\x"}"#, #"{"a": "\uD800"}"#,
            #"{"a": "\uDC00x"}"#, #"{"a": "\u12"}"#, "{\"a\": \"tab\there\"}", #"{"a": "x"} trailing"#, #"{"a": "x",}"#, #"["a"]"#,
            #"{"a": nul}"#, #"{"a": "unterminated}"#, "", "{", #"{"a" "x"}"#,
        ]
        for body in bodies {
            #expect(FlatJSON.parse(Data(body.utf8)).flatMap(CommsRequestInput.init(flat:)) == nil, "\(body)")
        }
        // Invalid UTF-8 inside a string.
        #expect(FlatJSON.parse(Data([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D])) == nil)
    }
}
