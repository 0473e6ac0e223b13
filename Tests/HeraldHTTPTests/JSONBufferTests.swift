import Foundation
import HeraldCore
@testable import HeraldHTTP
import Testing

/// The hand-written request JSON (``JSONBuffer``) is byte for byte what `JSONEncoder` with the
/// API's settings writes for the same values: the oracle below is the `Encodable` form the
/// representations had before, kept here only to compare against.
@Suite("JSON written by hand")
struct JSONBufferTests {
    @Test func everyControlCharacterQuoteAndNonASCIIEscapesAsJSONEncoderDoes() async throws {
        var scalars = (0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) }
        scalars += ["é", "ß", "\u{2028}", "\u{2029}", "😀", "\u{FEFF}", "e\u{301}", "/", "\u{7F}"]
        for c in scalars {
            let text = "a\(c)b\(c)"
            var json = JSONBuffer()
            json.string(text)
            #expect(json.bytes == Array(try JSONResponse.encoder.encode(text)), "character U+\(String(c.unicodeScalars.first!.value, radix: 16))")
        }
    }

    @Test func dictionaryKeysSortAsSortedKeysSorts() throws {
        let fields = ["b": "1", "B": "2", "a10": "3", "a9": "4", "_x": "5", "Z": "6", "é": "7", "e": "8", "ab": "9", "Ab": "",
                      "AB": "", "a/b": "x", "": "empty", "日本": "語", "a b": "space", "ä": "a-umlaut", "e\u{301}x": "combining"]
        var json = JSONBuffer()
        json.object(fields)
        #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: try JSONResponse.encoder.encode(fields), as: UTF8.self))
    }

    @Test func requestRepresentationsMatchTheEncoder() async throws {
        var random = SystemRandomNumberGenerator()
        for round in 0..<120 {
            await Task.yield()  // CPU-bound: leave the 2 cooperative threads to timing tests
            let detail = Self.randomDetail(&random)
            var json = JSONBuffer()
            RequestRepresentation(detail).write(to: &json)
            let expected = try JSONResponse.encoder.encode(ReferenceRequest(detail: detail))
            #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "round \(round): \(detail)")
        }
        let page = RequestPage(items: (0..<3).map { _ in Self.randomDetail(&random) }, nextCursor: "c/1")
        var json = JSONBuffer()
        RequestPageRepresentation(page: page).write(to: &json)
        struct ReferencePage: Encodable { var items: [ReferenceRequest]; var nextCursor: String? }
        let expected = try JSONResponse.encoder.encode(ReferencePage(items: page.items.map { ReferenceRequest(detail: $0) }, nextCursor: page.nextCursor))
        #expect(json.bytes == Array(expected))
    }

    @Test func aSubmittedRequestIsWrittenWithMillisecondTimes() throws {
        let at = Date(timeIntervalSince1970: 1_629_148_849.754)  // ISO8601FormatStyle wrote .753
        let request = CommsRequest(id: "r1", commsCode: "WELCOME", priority: 2, status: .awaitingProcessing,
                                   target: TargetRef(.account, "ACC-1"), source: .api, createdBy: "api:ops", createdAt: at)
        var json = JSONBuffer()
        RequestRepresentation(RequestDetail(submitted: request, actor: "api:ops")).write(to: &json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        #expect(object["createdAt"] as? String == "2021-08-16T21:20:49.754Z")
        #expect(object["accountId"] as? String == "ACC-1")
        #expect(object["distribution"] is NSNull)
        #expect((object["history"] as? [Any])?.count == 1)
    }

    /// The idempotency hash of a comms request is taken over hand-written canonical JSON; it
    /// must stay the encoder's bytes, or keys stored before would conflict on replay.
    @Test func canonicalRequestJSONIsTheEncoders() async throws {
        var g = SystemRandomNumberGenerator()
        for round in 0..<120 {
            await Task.yield()
            func text() -> String? { Bool.random(using: &g) ? Self.texts.randomElement(using: &g)! + "/x" : nil }
            var fields: [String: String]?
            if Bool.random(using: &g) {
                fields = [:]
                for _ in 0..<Int.random(in: 0..<4, using: &g) { fields![text() ?? "K"] = text() ?? "" }
            }
            let input = CommsRequestInput(commsCode: text(), customerId: text(), accountId: text(), subscriptionId: text(),
                                          priority: Bool.random(using: &g) ? Int.random(in: -3...9, using: &g) : nil,
                                          deliveryMethod: text(), fields: fields, copyOf: text())
            let expected = try BodyReader.canonicalEncoder.encode(input)
            #expect(String(decoding: input.canonicalJSON, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "round \(round): \(input)")
        }
        // A hash stored before the hand-written form, for this exact body.
        let welcome = CommsRequestInput(commsCode: "WELCOME", accountId: "A-1", deliveryMethod: "sms", fields: ["URL": "https://x.example/a"])
        let digest = try BodyReader.canonicalHash(welcome)
        #expect(digest == "\(try Self.sha256Hex(BodyReader.canonicalEncoder.encode(welcome)))")
    }

    static func sha256Hex(_ data: Data) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    // MARK: Random values

    static let texts = ["", "plain", "with \"quotes\" and \\ and /", "line\nbreak\ttab\r\u{8}\u{C}", "\u{0}\u{1}\u{1F}\u{7F}",
                        "café ß 日本 😀", "\u{2028}\u{2029}", "<script>alert(1)</script>", "a/b/c"]

    static func randomDetail(_ g: inout SystemRandomNumberGenerator) -> RequestDetail {
        func text() -> String { texts.randomElement(using: &g)! + String(Int.random(in: 0..<1000, using: &g)) }
        func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &g) ? make() : nil }
        func date() -> Date {
            let seconds = Double.random(in: 0..<4_000_000_000, using: &g)
            return Bool.random(using: &g) ? Date(timeIntervalSince1970: seconds).roundedToMilliseconds : Date(timeIntervalSince1970: seconds)
        }
        var fields: [String: String] = [:]
        for _ in 0..<Int.random(in: 0..<6, using: &g) { fields[text()] = text() }
        let request = CommsRequest(
            id: text(), commsCode: text(), priority: Int.random(in: -5...99, using: &g),
            status: RequestStatus.allCases.randomElement(using: &g)!,
            target: TargetRef(TargetRef.Kind.allCases.randomElement(using: &g)!, text()),
            workflowEventId: maybe(text), externalTriggerId: maybe(text),
            overrideMethod: maybe { DeliveryMethod.allCases.randomElement(using: &g)! }, copyOf: maybe(text),
            fields: fields, source: [.api, .workflowEvent, .externalTrigger, .import, .agent].randomElement(using: &g)!,
            createdBy: text(), createdAt: date(), updatedAt: date())
        let distribution = maybe {
            Distribution(
                id: text(), requestId: request.id, method: DeliveryMethod.allCases.randomElement(using: &g)!, target: text(),
                alias: maybe(text), status: DistributionStatus.allCases.randomElement(using: &g)!, message: maybe(text),
                fileLocation: maybe(text), reference: maybe(text), language: text(), excludedUntil: maybe(date),
                retryAt: maybe(date), attempts: Int.random(in: 0...9, using: &g), sentAt: maybe(date), actualSentAt: maybe(date),
                actualTarget: maybe(text), actualMethod: maybe { DeliveryMethod.allCases.randomElement(using: &g)! },
                readAt: maybe(date), lastError: maybe(text), createdAt: date())
        }
        let history = (0..<Int.random(in: 0..<4, using: &g)).map { _ in
            HistoryEntry(entity: [.request, .distribution, .document].randomElement(using: &g)!, from: maybe(text), to: text(),
                         at: date(), actor: text(), reason: maybe(text))
        }
        let problems = (0..<Int.random(in: 0..<3, using: &g)).map { _ in
            RequestProblem(kind: [.notSent, .optedOut, .error, .delivery].randomElement(using: &g)!, reason: text(), at: date())
        }
        let stored = maybe {
            StoredDocument(status: StorageStatus.allCases.randomElement(using: &g)!, backend: maybe(text), location: maybe(text),
                           sha256: maybe(text), size: maybe { Int.random(in: 0...1 << 40, using: &g) }, storedAt: maybe(date),
                           keyId: maybe(text), lastError: maybe(text), attempts: Int.random(in: 0...9, using: &g),
                           localLocation: text(), requestId: request.id, distributionId: text())
        }
        return RequestDetail(request: request, distribution: distribution, history: history, problems: problems, storedDocument: stored)
    }
}

/// The request's JSON as the `Encodable` representations wrote it before ``JSONBuffer``: the
/// oracle of ``JSONBufferTests``.
private struct ReferenceRequest: Encodable {
    var detail: RequestDetail

    func encode(to encoder: any Encoder) throws {
        let r = detail.request
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(r.id, forKey: "id")
        try c.encode(r.commsCode, forKey: "commsCode")
        try c.encode(r.priority, forKey: "priority")
        try c.encode(r.status.rawValue, forKey: "requestStatus")
        try c.encode(r.status.code, forKey: "requestStatusCode")
        try c.encode(r.target.id, forKey: JSONKey(r.target.kind.field))
        try c.encode(r.workflowEventId, forKey: "workflowEventId")
        try c.encode(r.externalTriggerId, forKey: "externalTriggerId")
        try c.encode(r.overrideMethod?.rawValue, forKey: "overrideMethod")
        try c.encode(r.copyOf, forKey: "copyOf")
        try c.encode(r.fields, forKey: "fields")
        try c.encode(r.source.rawValue, forKey: "source")
        try c.encode(r.createdBy, forKey: "createdBy")
        try c.encode(Timestamp.string(r.createdAt), forKey: "createdAt")
        try c.encode(Timestamp.string(r.updatedAt), forKey: "updatedAt")
        try c.encode(detail.distribution.map(ReferenceDistribution.init), forKey: "distribution")
        try c.encode(detail.history.map(ReferenceHistory.init), forKey: "history")
        try c.encode(detail.problems.map(ReferenceProblem.init), forKey: "errors")
        try c.encode(detail.storedDocument.map(ReferenceStored.init), forKey: "storedDocument")
    }
}

private struct ReferenceDistribution: Encodable {
    var d: Distribution

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(d.id, forKey: "id")
        try c.encode(d.method.rawValue, forKey: "deliveryMethod")
        try c.encode(d.target, forKey: "target")
        try c.encode(d.alias, forKey: "alias")
        try c.encode(d.status.rawValue, forKey: "distributionStatus")
        try c.encode(d.status.code, forKey: "distributionStatusCode")
        try c.encode(d.message, forKey: "message")
        try c.encode(d.fileLocation, forKey: "fileLocation")
        try c.encode(d.reference, forKey: "reference")
        try c.encode(Timestamp.string(d.excludedUntil), forKey: "excludedUntil")
        try c.encode(Timestamp.string(d.retryAt), forKey: "retryAt")
        try c.encode(d.attempts, forKey: "attempts")
        try c.encode(Timestamp.string(d.sentAt), forKey: "sentAt")
        try c.encode(Timestamp.string(d.actualSentAt), forKey: "actualSentAt")
        try c.encode(d.actualTarget, forKey: "actualTarget")
        try c.encode(d.actualMethod?.rawValue, forKey: "actualMethod")
        try c.encode(Timestamp.string(d.readAt), forKey: "readAt")
        try c.encode(d.lastError, forKey: "lastError")
        try c.encode(d.language, forKey: "language")
    }
}

private struct ReferenceHistory: Encodable {
    var entry: HistoryEntry

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(entry.entity.rawValue, forKey: "entity")
        try c.encode(entry.from, forKey: "from")
        try c.encode(entry.to, forKey: "to")
        try c.encode(Timestamp.string(entry.at), forKey: "at")
        try c.encode(entry.actor, forKey: "actor")
        try c.encode(entry.reason, forKey: "reason")
    }
}

private struct ReferenceProblem: Encodable {
    var problem: RequestProblem

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(problem.kind.rawValue, forKey: "kind")
        try c.encode(problem.reason, forKey: "reason")
        try c.encode(Timestamp.string(problem.at), forKey: "at")
    }
}

private struct ReferenceStored: Encodable {
    var stored: StoredDocument

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(stored.status.rawValue, forKey: "status")
        try c.encode(stored.backend, forKey: "backend")
        try c.encode(stored.location, forKey: "location")
        try c.encode(stored.sha256, forKey: "sha256")
        try c.encode(stored.size, forKey: "size")
        try c.encode(Timestamp.string(stored.storedAt), forKey: "storedAt")
        try c.encode(stored.keyId, forKey: "keyId")
        try c.encode(stored.lastError, forKey: "lastError")
        try c.encode(stored.attempts, forKey: "attempts")
    }
}
