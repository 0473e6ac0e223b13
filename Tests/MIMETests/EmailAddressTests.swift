import MIME
import Testing

@Suite("RFC 5322 addresses")
struct EmailAddressTests {
    @Test("Display names are atoms, quoted strings or encoded words", arguments: [
        ("John Doe", "John Doe <john@example.com>"),
        ("Doe, John", "\"Doe, John\" <john@example.com>"),
        ("A \"quoted\" \\ name", "\"A \\\"quoted\\\" \\\\ name\" <john@example.com>"),
        ("J. Doe (Sales)", "\"J. Doe (Sales)\" <john@example.com>"),
        ("Jürgen Groß", "=?UTF-8?B?SsO8cmdlbiBHcm/Dnw==?= <john@example.com>"),
    ])
    func formatting(name: String, expected: String) throws {
        #expect(try EmailAddress("john@example.com", displayName: name).formatted() == expected)
    }

    @Test func noDisplayName() throws {
        #expect(try EmailAddress("a.b+tag@sub.example.org").formatted() == "a.b+tag@sub.example.org")
        #expect(try EmailAddress("x@y.z", displayName: "").formatted() == "x@y.z")
    }

    @Test("Invalid addresses are refused", arguments: [
        "plainaddress", "@example.com", "a@", "a..b@example.com", ".a@example.com", "a@-bad.com",
        "a b@example.com", "a@exa mple.com", "a@example..com", "a<b@example.com", "a@example.com\r\nBcc: x@y.z",
        String(repeating: "a", count: 65) + "@example.com", "a@bad-.com", "\"open@example.com", "\"a\\\"@example.com",
        "\"a\u{7F}\"@example.com", "a@[1.2.3.4", "a@[1.2 3.4]", "a@example.com.", "a@" + String(repeating: "b", count: 64) + ".com",
        "a@" + String(repeating: "b.", count: 126) + "com",
    ])
    func invalid(address: String) {
        #expect(throws: MIMEError.self) { try EmailAddress(address) }
    }

    @Test("Valid addresses are taken", arguments: [
        "a@b.c", "a.b+tag@sub.example.org", "!#$%&'*+-/=?^_`{|}~@example.com", "\"john doe\"@example.com",
        "\"a\\\"b\"@example.com", "a@[192.0.2.1]", "a@[IPv6:2001:db8::1]", "jürgen@exämple.de", "x@a-b.example",
        String(repeating: "a", count: 64) + "@example.com",
    ])
    func valid(address: String) throws {
        #expect(try EmailAddress(address).address == address)
    }

    @Test func displayNameInjectionRefused() {
        #expect(throws: MIMEError.headerInjection("display name")) {
            try EmailAddress("a@example.com", displayName: "Evil\r\nBcc: x@example.com")
        }
    }

    @Test func smtpUTF8Detection() throws {
        #expect(try EmailAddress("jürgen@example.de").requiresSMTPUTF8)
        #expect(try !EmailAddress("juergen@example.de").requiresSMTPUTF8)
        #expect(try EmailAddress("\"john doe\"@example.com").localPart == "\"john doe\"")
    }

    @Test func pythonReadsTheAddresses() async throws {
        let message = EmailMessage(
            from: try EmailAddress("billing@example.com", displayName: "Billing, Inc."),
            to: [
                try EmailAddress("a@example.org", displayName: "Zoë \"Zed\" Ångström"),
                try EmailAddress("b@example.org", displayName: "Plain Name"),
                try EmailAddress("c@example.org"),
            ],
            subject: "Addresses", text: "hi")
        let parsed = try await parseWithPython(try message.compose().bytes)
        #expect(parsed.From?.first == ["Billing, Inc.", "billing@example.com"])
        #expect(parsed.To == [["Zoë \"Zed\" Ångström", "a@example.org"], ["Plain Name", "b@example.org"], ["", "c@example.org"]])
    }
}
