import Foundation
import HeraldCore
import Testing

struct StringMapJSONTests {
    /// Random maps with quotes, backslashes, controls, accents, emoji and empty strings.
    static func randomMap(_ generator: inout SystemRandomNumberGenerator) -> [String: String] {
        let pieces = ["a", "Zoë", "\"", "\\", "\n", "\t", "\u{1}", "/", "😀", "𝔸", "", " ", "£12.50", "\u{7F}", "\u{2028}"]
        func text() -> String { (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined() }
        var map: [String: String] = [:]
        for _ in 0..<Int.random(in: 0...8, using: &generator) { map[text()] = text() }
        return map
    }

    @Test func roundTripsAndAgreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let map = Self.randomMap(&generator)
            let encoded = StringMapJSON.encode(map)
            #expect(try StringMapJSON.decode(encoded) == map)
            // Foundation reads what we write …
            #expect(try JSONDecoder().decode([String: String].self, from: Data(encoded.utf8)) == map)
            // … and we read what Foundation writes (the columns written before this reader).
            let foundation = String(decoding: try JSONEncoder().encode(map), as: UTF8.self)
            #expect(try StringMapJSON.decode(foundation) == map)
        }
        // Keys sorted, so equal maps are equal text.
        #expect(StringMapJSON.encode(["b": "2", "a": "1"]) == #"{"a":"1","b":"2"}"#)
        #expect(StringMapJSON.encode([:]) == "{}")
    }

    @Test func readsEveryEscapeAndBlank() throws {
        let text = #" { "k" : "\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00" , "e":"" } "#
        #expect(try StringMapJSON.decode(text) == ["k": "\"\\/\u{8}\u{C}\n\r\té😀", "e": ""])
    }

    @Test("malformed text is refused naming the byte", arguments: [
        "", "[]", "{", #"{"a"}"#, #"{"a":1}"#, #"{"a":"b",}"#, #"{"a":"b"} x"#, "{\"a\":\"\u{1}\"}",
        #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a":"b""#,
    ])
    func malformed(_ text: String) {
        #expect(throws: StringMapJSON.Malformed.self) { try StringMapJSON.decode(text) }
    }

    @Test func arraysOfStringsReadBackByFoundation() throws {
        for values in [[], ["01a2-b"], ["a\"b", "c\\d", "line\nbreak", "tab\t", "\u{1}", "zoë ✓"]] as [[String]] {
            let text = StringMapJSON.encode(array: values)
            #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == values, "\(text)")
        }
        #expect(StringMapJSON.encode(array: ["a", "b"]) == #"["a","b"]"#)
    }
}
