import Testing
@testable import PDF

@Suite struct PDFBufferTests {
    private func formatted(_ body: (inout PDFBuffer) -> Void) -> String {
        var buffer = PDFBuffer()
        body(&buffer)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    @Test func integers() {
        #expect(formatted { $0.append(int: 0) } == "0")
        #expect(formatted { $0.append(int: 7) } == "7")
        #expect(formatted { $0.append(int: 1234567890) } == "1234567890")
        #expect(formatted { $0.append(int: -42) } == "-42")
        #expect(formatted { $0.append(int: Int.min) } == "\(Int.min)")
    }

    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (1.0, "1"), (12.5, "12.5"), (0.1, "0.1"), (0.25, "0.25"), (-3.125, "-3.125"),
        (841.8898, "841.89"), (0.0004, "0"), (-0.0004, "0"), (0.0005, "0.001"), (1e-9, "0"), (123456.789, "123456.789"),
        (1e20, "9000000000000"), (Double.nan, "0"), (Double.infinity, "0"), (2.9999, "3"), (10.05, "10.05"),
    ])
    func reals(value: Double, expected: String) {
        #expect(formatted { $0.append(number: value) } == expected)
    }

    @Test func names() {
        #expect(formatted { $0.append(name: "ABCDEF+DejaVuSans") } == "/ABCDEF+DejaVuSans")
        #expect(formatted { $0.append(name: "A B#(x)") } == "/A#20B#23#28x#29")
        #expect(formatted { $0.append(name: "é") } == "/#C3#A9")
    }

    @Test func literalStrings() {
        #expect(formatted { $0.append(literal: Array("a(b)c\\d".utf8)) } == "(a\\(b\\)c\\\\d)")
        #expect(formatted { $0.append(literal: [0x0A, 0x01, 0xFF]) } == "(\\n\\001\\377)")
    }

    @Test func textStrings() {
        #expect(formatted { $0.append(textString: "Plain (ASCII)") } == "(Plain \\(ASCII\\))")
        #expect(formatted { $0.append(textString: "Grüße") } == "<FEFF0047007200FC00DF0065>")
        #expect(formatted { $0.append(textString: "𝔸") } == "<FEFFD835DD38>")
    }

    @Test func hex() {
        #expect(formatted { $0.append(hex16: 0x0A1F) } == "0A1F")
        #expect(formatted { $0.append(hex: [0x00, 0xAB, 0xFF]) } == "00ABFF")
    }
}
