import Foundation
import HeraldCore
@testable import HeraldTransports
import Testing

/// An outbox spool line written by hand is the text `JSONEncoder` wrote for the same message
/// (sorted keys, slashes unescaped, ISO 8601 dates, `excludedUntil` left out when nil), and
/// reads back as the same message.
@Suite("Outbox lines")
struct OutboxLineTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    @Test func aLineIsWhatTheEncoderWrote() async throws {
        var g = SystemRandomNumberGenerator()
        let texts = ["", "Hi Zoë, your bill of €42.10 is ready: https://example.net/b/1", "quote \" backslash \\ slash /",
                     "line\nbreak\ttab\r\u{0}\u{1F}\u{7F}", "😀 日本語 \u{2028}", "<b>&amp;</b>"]
        for round in 0..<100 {
            await Task.yield()  // CPU-bound: leave the 2 cooperative threads to timing tests
            func text() -> String { texts.randomElement(using: &g)! + String(Int.random(in: 0..<100, using: &g)) }
            func date() -> Date {
                let ms = Int64.random(in: 0..<4_000_000_000_000, using: &g)
                return Date(timeIntervalSince1970: Double(ms) / 1000)
            }
            let message = OutboxTransmitter.Message(
                id: text(), requestId: text(), commsCode: text(), method: ["sms", "push", "online", "external"].randomElement(using: &g)!,
                target: text(), message: text(), excludedUntil: Bool.random(using: &g) ? date() : nil, createdAt: date())
            let line = message.jsonLine()
            let expected = try Self.encoder.encode(message)
            #expect(String(decoding: line, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "round \(round): \(message)")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let back = try decoder.decode(OutboxTransmitter.Message.self, from: Data(line))
            #expect(back.id == message.id)
            #expect(back.message == message.message)
            #expect(back.excludedUntil.map { Int($0.timeIntervalSince1970) } == message.excludedUntil.map { Int($0.timeIntervalSince1970) })
        }
    }
}
