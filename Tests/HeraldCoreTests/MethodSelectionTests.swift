import Foundation
@testable import HeraldCore
import Testing

@Suite("Method selection")
struct MethodSelectionTests {
    /// A customer reachable by every method.
    static func reachable(preferences: Preferences = .none) -> Customer {
        Customer(
            id: "C1", title: "Ms", firstName: "Zoë", lastName: "Ångström", language: "en", timeZone: "Europe/London",
            email: "zoe@example.net", mobile: "+447700900123",
            postalAddress: PostalAddress(lines: ["1 High Street", "Cambridge"], postcode: "CB1 1AA", country: "GB"),
            pushTokens: [PushToken(platform: "apns", token: "abc123")], externalId: "EXT-9", preferences: preferences)
    }

    static func code(_ methods: [DeliveryMethod], category: String = "billing") -> CommsCode {
        CommsCode(code: "TEST", description: "test", methods: methods, category: category)
    }

    static func decide(_ methods: [DeliveryMethod], override: DeliveryMethod? = nil, customer: Customer,
                       subscription: Subscription? = nil, category: String = "billing") -> MethodDecision {
        MethodSelection.decide(code: code(methods, category: category), override: override,
                               context: TargetContext(customer: customer, subscription: subscription))
    }

    static func method(_ d: MethodDecision) -> DeliveryMethod? {
        if case .send(let m, _, _) = d { return m }
        return nil
    }

    @Test func withoutPreferencesTheCodeOrderWins() {
        let d = Self.decide([.sms, .email, .letter], customer: Self.reachable())
        #expect(d == .send(method: .sms, target: "+447700900123", alias: "Zoë Ångström"))
    }

    @Test func allowedOverrideIsUsed() {
        let d = Self.decide([.sms, .email, .letter], override: .letter, customer: Self.reachable())
        #expect(Self.method(d) == .letter)
    }

    @Test func overrideDoesNotDefeatAnOptOut() {
        let c = Self.reachable(preferences: Preferences(optOut: [OptOut(method: .letter)]))
        let d = Self.decide([.sms, .email, .letter], override: .letter, customer: c)
        guard case .optedOut(let reason) = d else {
            Issue.record("expected optedOut, got \(d)")
            return
        }
        #expect(reason.contains("letter"))
    }

    @Test func overrideWithoutTargetIsNotSentAndDoesNotFallBack() {
        var c = Self.reachable()
        c.postalAddress = nil
        let d = Self.decide([.sms, .email, .letter], override: .letter, customer: c)
        #expect(d == .notSent(reason: "no postal address"))
    }

    @Test func everyAllowedMethodOptedOutIsOptedOut() {
        let c = Self.reachable(preferences: Preferences(optOut: [OptOut(method: .sms), OptOut(method: .email)]))
        let d = Self.decide([.sms, .email], customer: c)
        guard case .optedOut(let reason) = d else {
            Issue.record("expected optedOut, got \(d)")
            return
        }
        #expect(reason.contains("sms") && reason.contains("email") && reason.contains("billing"))
    }

    @Test func optOutOfOneMethodFallsToTheNext() {
        let c = Self.reachable(preferences: Preferences(optOut: [OptOut(method: .sms)]))
        #expect(Self.method(Self.decide([.sms, .email], customer: c)) == .email)
    }

    @Test func categoryOptOutOnlyAppliesToThatCategory() {
        let c = Self.reachable(preferences: Preferences(optOut: [OptOut(method: .sms, category: "marketing")]))
        #expect(Self.method(Self.decide([.sms, .email], customer: c, category: "marketing")) == .email)
        #expect(Self.method(Self.decide([.sms, .email], customer: c, category: "billing")) == .sms)
        guard case .optedOut = Self.decide([.sms], customer: c, category: "marketing") else {
            Issue.record("sms-only marketing comm should be opted out")
            return
        }
    }

    @Test func optOutWithoutMethodCoversEveryMethod() {
        let c = Self.reachable(preferences: Preferences(optOut: [OptOut(method: nil)]))
        for methods in [[DeliveryMethod.sms], [.email, .letter], DeliveryMethod.allCases] {
            guard case .optedOut = Self.decide(methods, customer: c) else {
                Issue.record("\(methods) should be opted out")
                continue
            }
        }
    }

    @Test func optOutWithoutMethodButWithCategoryCoversOnlyThatCategory() {
        let c = Self.reachable(preferences: Preferences(optOut: [OptOut(method: nil, category: "marketing")]))
        guard case .optedOut = Self.decide([.sms, .email], customer: c, category: "marketing") else {
            Issue.record("marketing should be opted out")
            return
        }
        #expect(Self.method(Self.decide([.sms, .email], customer: c, category: "service")) == .sms)
    }

    @Test func optOutCovers() {
        #expect(OptOut(method: nil).covers(.push, category: "x"))
        #expect(OptOut(method: .sms).covers(.sms, category: nil))
        #expect(!OptOut(method: .sms).covers(.email, category: "x"))
        #expect(OptOut(method: .sms, category: "a").covers(.sms, category: "a"))
        #expect(!OptOut(method: .sms, category: "a").covers(.sms, category: "b"))
    }

    @Test func preferredOrderBeatsCodeOrder() {
        let c = Self.reachable(preferences: Preferences(preferredMethods: [.letter, .email]))
        #expect(Self.method(Self.decide([.sms, .email, .letter], customer: c)) == .letter)
    }

    @Test func preferredMethodNotAllowedIsIgnored() {
        let c = Self.reachable(preferences: Preferences(preferredMethods: [.push, .email]))
        #expect(Self.method(Self.decide([.sms, .email], customer: c)) == .email)
    }

    @Test func preferredButOptedOutIsSkipped() {
        let c = Self.reachable(preferences: Preferences(optOut: [OptOut(method: .letter)], preferredMethods: [.letter]))
        #expect(Self.method(Self.decide([.sms, .email, .letter], customer: c)) == .sms)
    }

    @Test func fallsThroughToNextMethodWithATarget() {
        var c = Self.reachable(preferences: Preferences(preferredMethods: [.email]))
        c.email = nil
        c.mobile = nil
        #expect(Self.decide([.sms, .email, .letter], customer: c)
                == .send(method: .letter, target: "1 High Street\nCambridge\nCB1 1AA\nGB", alias: "Zoë Ångström"))
    }

    @Test func noTargetsIsNotSentWithEveryReason() {
        let c = Customer(id: "C2")
        let d = Self.decide([.email, .sms, .letter, .push, .external], customer: c)
        #expect(d == .notSent(reason: "no valid email address; no valid mobile number; no postal address; no usable push token; no external system id"))
    }

    @Test func subscriptionMSISDNIsPreferredForSMS() {
        let sub = Subscription(id: "S1", customerId: "C1", msisdn: "+447700900999")
        let d = Self.decide([.sms], customer: Self.reachable(), subscription: sub)
        #expect(d == .send(method: .sms, target: "+447700900999", alias: "Zoë Ångström"))
    }

    @Test func subscriptionWithoutMSISDNFallsBackToCustomerMobile() {
        let sub = Subscription(id: "S1", customerId: "C1")
        #expect(Self.decide([.sms], customer: Self.reachable(), subscription: sub)
                == .send(method: .sms, target: "+447700900123", alias: "Zoë Ångström"))
    }

    @Test func letterTargetJoinsNonEmptyLinesAndPostcode() {
        var c = Customer(id: "C3")
        c.postalAddress = PostalAddress(lines: ["Flat 2", "  ", "10 Downing Street", "London"], postcode: "SW1A 2AA")
        #expect(Self.decide([.letter], customer: c)
                == .send(method: .letter, target: "Flat 2\n10 Downing Street\nLondon\nSW1A 2AA", alias: nil))
    }

    @Test func blankAddressIsNoTarget() {
        var c = Customer(id: "C3")
        c.postalAddress = PostalAddress(lines: ["", "   "], postcode: "SW1A 2AA")
        #expect(Self.decide([.letter], customer: c) == .notSent(reason: "no postal address"))
    }

    @Test func otherTargets() {
        let c = Self.reachable()
        #expect(Self.decide([.push], customer: c) == .send(method: .push, target: "apns:abc123", alias: "Zoë Ångström"))
        #expect(Self.decide([.online], customer: c) == .send(method: .online, target: "inbox:C1", alias: "Zoë Ångström"))
        #expect(Self.decide([.external], customer: c) == .send(method: .external, target: "EXT-9", alias: "Zoë Ångström"))
        #expect(Self.decide([.email], customer: c) == .send(method: .email, target: "zoe@example.net", alias: "Zoë Ångström"))
    }

    @Test func emptyPushTokensAreSkipped() {
        var c = Customer(id: "C4")
        c.pushTokens = [PushToken(platform: "fcm", token: ""), PushToken(platform: "fcm", token: "t2")]
        #expect(Self.decide([.push], customer: c) == .send(method: .push, target: "fcm:t2", alias: nil))
    }

    @Test func invalidEmailIsNotATarget() {
        var c = Self.reachable()
        c.email = "not-an-email"
        c.mobile = "07700900123"
        #expect(Self.decide([.email, .sms], customer: c) == .notSent(reason: "no valid email address; no valid mobile number"))
    }

    @Test func addressesTheMIMEModuleRefusesAreNoEmailTarget() {
        var c = Self.reachable()
        c.mobile = nil
        c.email = "zoe..x@example.net"
        var d = MethodSelection.decide(code: Self.code([.email]), override: nil, context: TargetContext(customer: c))
        #expect(d == .notSent(reason: "email address refused: empty atom in the local part (leading, trailing or double dot)"))
        c.email = "zoe(x)@example.net"
        d = MethodSelection.decide(code: Self.code([.email]), override: nil, context: TargetContext(customer: c))
        #expect(d == .notSent(reason: "email address refused: invalid character in the local part"))
    }

    @Test func aNonASCIILocalPartNeedsSMTPUTF8() {
        var c = Self.reachable()
        c.email = "jürgen@example.net"
        let without = MethodSelection.decide(code: Self.code([.email, .sms]), override: nil, context: TargetContext(customer: c))
        #expect(Self.method(without) == .sms)
        c.mobile = nil
        let refused = MethodSelection.decide(code: Self.code([.email]), override: nil, context: TargetContext(customer: c))
        #expect(refused == .notSent(reason: "email address has a non-ASCII local part and SMTPUTF8 is not enabled"))
        let with = MethodSelection.decide(code: Self.code([.email]), override: nil, context: TargetContext(customer: c), smtpUTF8: true)
        #expect(with == .send(method: .email, target: "jürgen@example.net", alias: "Zoë Ångström"))
        // A non-ASCII domain alone is not refused here (the relay's SMTPUTF8 check still applies).
        #expect(EmailTarget.isValid("zoe@bücher.example", smtpUTF8: false))
        #expect(!EmailTarget.isValid("jürgen@example.net", smtpUTF8: false))
        #expect(EmailTarget.isValid("jürgen@example.net", smtpUTF8: true))
        #expect(EmailTarget.isValid("\"zoe!\"@example.net", smtpUTF8: false))
        #expect(!EmailTarget.isValid(String(repeating: "a", count: 65) + "@example.net", smtpUTF8: true))
    }

    @Test(arguments: ["a@b.co", "first.last+tag@example.co.uk", "x@sub.example.net"])
    func validEmails(_ s: String) { #expect(EmailTarget.isValid(s)) }

    @Test(arguments: ["", "plain", "@example.net", "a@example", "a@@example.net", "a@b@c.net", "a b@example.net",
                      "a@.example.net", "a@example.net.", "<a@example.net>", "a@exa mple.net"])
    func invalidEmails(_ s: String) { #expect(!EmailTarget.isValid(s)) }

    @Test(arguments: ["+447700900123", "+12025550123", "+12345678", "+123456789012345"])
    func validE164(_ s: String) { #expect(E164.isValid(s)) }

    @Test(arguments: ["447700900123", "+1234567", "+1234567890123456", "+0447700900", "+44 7700 900123", "+44-7700900123",
                      "+", "", "+44770090012a", "+４４７７００９００１２３"])
    func invalidE164(_ s: String) { #expect(!E164.isValid(s)) }
}

@Suite struct EmailTargetTests {
    @Test("Email addresses refused when details are gathered, with the reason", arguments: [
        ("zoe@example.com", nil),
        ("\"zoe smith\"@example.com", "no valid email address"),  // quoted local parts are not taken
        ("a@[192.0.2.1]", nil),
        ("zoë@example.com", "email address has a non-ASCII local part and SMTPUTF8 is not enabled"),
        ("zoe@exämple.com", nil),
        (".zoe@example.com", "email address refused: empty atom in the local part (leading, trailing or double dot)"),
        ("zo(e@example.com", "email address refused: invalid character in the local part"),
        ("zoe@-example.com", "email address refused: bad domain label"),
        ("zoe@exa_mple.com", "email address refused: invalid character in the domain"),
        ("\"zoe@example.com", "email address refused: unterminated quoted local part"),
        (String(repeating: "z", count: 65) + "@example.com", "email address refused: local part longer than 64 octets"),
        ("zoe", "no valid email address"),
    ] as [(String, String?)])
    func emailRefusals(address: String, reason: String?) {
        let got = EmailTarget.refusal(address, smtpUTF8: false)
        #expect(got == reason, "\(address)")
    }

}
