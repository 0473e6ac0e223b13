import AddrSpec
import Testing

/// The one table of addresses: what the contact-point test (`isPlausible`) and the addr-spec
/// rules (`problem(in:)`) say of each. HeraldCore's `EmailTarget` and MIME's `EmailAddress` both
/// read these rules, so this table is their shared contract.
@Suite("E-mail address rules")
struct AddrSpecTests {
    static let table: [(address: String, plausible: Bool, problem: AddrSpec.Problem?)] = [
        // Accepted by both levels.
        ("a@b.c", true, nil),
        ("a.b+tag@sub.example.org", true, nil),
        ("first.last+tag@example.co.uk", true, nil),
        ("!#$%&'*+-/=?^_`{|}~@example.com", true, nil),
        ("\"a\\\"b\"@example.com", true, nil),
        ("a@[192.0.2.1]", true, nil),
        ("jürgen@exämple.de", true, nil),
        ("zoë@example.com", true, nil),
        ("x@a-b.example", true, nil),
        (String(repeating: "a", count: 64) + "@example.com", true, nil),
        // Valid addr-specs that are no plausible contact point.
        ("\"john doe\"@example.com", false, nil),
        ("a@[IPv6:2001:db8::1]", false, nil),
        ("a@example", false, nil),
        // Refused by the addr-spec rules.
        ("", false, .noAt),
        ("plainaddress", false, .noAt),
        ("@example.com", false, .emptyLocalPart),
        ("a@", false, .emptyDomain),
        ("a@example.com\r\nBcc: x@y.z", false, .lineBreak),
        (String(repeating: "a", count: 65) + "@example.com", true, .localPartTooLong),
        ("a@" + String(repeating: "b.", count: 126) + "com", true, .tooLong),
        ("\"a\u{7F}\"@example.com", true, .controlCharacter),
        ("\"open@example.com", true, .unterminatedQuotedLocalPart),
        ("\"a\\\"@example.com", true, .danglingEscape),
        ("\"a\"b\"@example.com", true, .badQuotedCharacter),
        ("a..b@example.com", true, .emptyAtom),
        (".a@example.com", true, .emptyAtom),
        ("a b@example.com", false, .invalidLocalPartCharacter),
        ("a<b@example.com", false, .invalidLocalPartCharacter),
        ("<a@example.net>", false, .invalidLocalPartCharacter),
        ("zo(e@example.com", true, .invalidLocalPartCharacter),
        ("a@@example.net", false, .invalidLocalPartCharacter),
        ("a@b@c.net", false, .invalidLocalPartCharacter),
        ("a@[1.2.3.4", true, .badAddressLiteral),
        ("a@[1.2 3.4]", false, .badAddressLiteral),
        ("a@-bad.com", true, .badDomainLabel),
        ("a@bad-.com", true, .badDomainLabel),
        ("a@example..com", true, .badDomainLabel),
        ("a@example.com.", false, .badDomainLabel),
        ("a@.example.net", false, .badDomainLabel),
        ("a@" + String(repeating: "b", count: 64) + ".com", true, .badDomainLabel),
        ("a@exa mple.com", false, .invalidDomainCharacter),
        ("zoe@exa_mple.com", true, .invalidDomainCharacter),
    ]

    @Test("Each address of the table", arguments: table.indices)
    func row(_ index: Int) {
        let (address, plausible, problem) = Self.table[index]
        #expect(AddrSpec.isPlausible(address) == plausible, "\(address.debugDescription)")
        #expect(AddrSpec.problem(in: address) == problem, "\(address.debugDescription)")
    }

    @Test func everyProblemIsInTheTable() {
        let seen = Set(Self.table.compactMap(\.problem))
        #expect(seen == Set(AddrSpec.Problem.allCases))
        #expect(Set(AddrSpec.Problem.allCases.map(\.description)).count == AddrSpec.Problem.allCases.count)
    }

    /// The byte reading of ASCII addresses agrees with the character reading on random text.
    @Test func asciiFastPathAgreesWithTheCharacterReading() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab@.@.- \t\r\n<>x\"".unicodeScalars)
        for _ in 0..<5_000 {
            let text = String(String.UnicodeScalarView((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
            #expect(AddrSpec.isPlausible(text) == AddrSpec.isPlausibleByCharacters(text), "\(text.debugDescription)")
        }
        #expect(AddrSpec.isPlausible("zoe@example.net") && !AddrSpec.isPlausible("zoe@example.") && !AddrSpec.isPlausible("@example.net"))
    }

    @Test func smtpUTF8() {
        #expect(AddrSpec.hasNonASCIILocalPart("jürgen@example.de"))
        #expect(!AddrSpec.hasNonASCIILocalPart("zoe@bücher.example"))
        #expect(AddrSpec.needsSMTPUTF8("zoe@bücher.example"))
        #expect(!AddrSpec.needsSMTPUTF8("zoe@example.net"))
    }
}
