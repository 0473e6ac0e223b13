import NIOCore
@testable import SMTP
import Testing

struct DataEncodingTests {
    @Test func dotsAreDoubledAndLineBreaksMadeCRLF() {
        let encoded = SMTPDataEncoding.encode(Array(".a\n..b\rc\r\n.\r\nend".utf8))
        #expect(String(buffer: encoded) == "..a\r\n...b\r\nc\r\n..\r\nend\r\n.\r\n")
        #expect(String(buffer: SMTPDataEncoding.encode([])) == ".\r\n")
    }

    /// Any content comes back whole after the receiver's un-stuffing (RFC 5321 §4.5.2),
    /// with every line break as CRLF, and never holds a lone `.` line before the end.
    @Test func randomContentRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [46, 46, 13, 10, 65, 32]
        for _ in 0..<3_000 {
            let input = (0..<Int.random(in: 0...30, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let wire = Array(String(buffer: SMTPDataEncoding.encode(input)).utf8)
            // Split into CRLF lines; the last must be the lone ".".
            var lines: [[UInt8]] = []
            var current: [UInt8] = []
            var i = 0
            while i < wire.count {
                if wire[i] == 13, i + 1 < wire.count, wire[i + 1] == 10 {
                    lines.append(current)
                    current = []
                    i += 2
                } else {
                    #expect(wire[i] != 13 && wire[i] != 10, "bare CR or LF on the wire for \(input)")
                    current.append(wire[i])
                    i += 1
                }
            }
            #expect(current.isEmpty && lines.last == [46], "\(input)")
            let body = lines.dropLast()
            #expect(!body.contains([46]), "a lone dot line inside the content for \(input)")
            let unstuffed = body.map { $0.first == 46 ? Array($0.dropFirst()) : $0 }
            // Expected: the input with CRLF, bare CR and bare LF each as one line break.
            var expected: [[UInt8]] = [[]]
            var j = 0
            while j < input.count {
                if input[j] == 13 || input[j] == 10 {
                    if input[j] == 13, j + 1 < input.count, input[j + 1] == 10 { j += 1 }
                    expected.append([])
                } else {
                    expected[expected.count - 1].append(input[j])
                }
                j += 1
            }
            if expected.last == [] { expected.removeLast() }
            #expect(unstuffed == expected, "\(input)")
        }
    }

    /// The eight-bytes-at-a-time check for 8-bit content agrees with a byte walk, wherever the
    /// high byte sits and whatever the length.
    @Test func eightBitDetectionMatchesAByteWalk() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let clean = (0..<length).map { _ in UInt8.random(in: 0...127, using: &generator) }
            #expect(!SMTPConnection.OutgoingMessage.hasEightBitData(clean))
            for position in 0..<length {
                var dirty = clean
                dirty[position] = UInt8.random(in: 128...255, using: &generator)
                #expect(SMTPConnection.OutgoingMessage.hasEightBitData(dirty), "length \(length), byte \(position)")
            }
        }
    }

}
