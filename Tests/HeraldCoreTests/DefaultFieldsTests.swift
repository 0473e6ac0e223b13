import Foundation
import HeraldCore
import Testing

@Suite("Default fields")
struct DefaultFieldsTests {
    static let now = instant("2026-11-27T10:00:00Z")

    static func fields(_ customer: Customer, account: Account? = nil, subscription: Subscription? = nil,
                       event: WorkflowEvent? = nil, trigger: [String: String] = [:]) -> [String: String] {
        DefaultFieldRegistry.standard.fields(
            for: MergeContext(target: TargetContext(customer: customer, account: account, subscription: subscription), event: event, now: now),
            trigger: trigger)
    }

    @Test func titleFirstLastAndSalutation() {
        let f = Self.fields(Customer(id: "C1", title: "Ms", firstName: "Zoë", lastName: "Ångström", email: "z@example.net", mobile: "+447700900123"))
        #expect(f["TITLE"] == "Ms")
        #expect(f["FIRSTNAME"] == "Zoë")
        #expect(f["LASTNAME"] == "Ångström")
        #expect(f["FULLNAME"] == "Ms Zoë Ångström")
        #expect(f["DEARSIRMADAM"] == "Dear Ms Ångström")
        #expect(f["CUSTOMERID"] == "C1")
        #expect(f["EMAIL"] == "z@example.net")
        #expect(f["MOBILE"] == "+447700900123")
    }

    @Test(arguments: [
        (Customer(id: "C", title: "Mr", lastName: "Smith"), "Dear Mr Smith"),
        (Customer(id: "C", title: "Dr", firstName: "Ada", lastName: "Lovelace"), "Dear Dr Lovelace"),
        (Customer(id: "C", firstName: "Zoë"), "Dear Zoë"),
        (Customer(id: "C", firstName: "Zoë", lastName: "Ångström"), "Dear Zoë"),
        (Customer(id: "C", title: "Mr", firstName: "Sam"), "Dear Sam"),
        (Customer(id: "C"), "Dear Sir/Madam"),
        (Customer(id: "C", title: "", firstName: "", lastName: ""), "Dear Sir/Madam"),
        (Customer(id: "C", lastName: "Smith"), "Dear Sir/Madam"),
    ])
    func salutation(customer: Customer, expected: String) {
        #expect(CustomerFields.salutation(customer) == expected)
        #expect(Self.fields(customer)["DEARSIRMADAM"] == expected)
    }

    @Test func nothingKnownLeavesNameFieldsAbsent() {
        let f = Self.fields(Customer(id: "C9"))
        #expect(f["TITLE"] == nil && f["FIRSTNAME"] == nil && f["LASTNAME"] == nil && f["EMAIL"] == nil)
        #expect(f["DEARSIRMADAM"] == "Dear Sir/Madam")
        #expect(f["ADDRESSLINE1"] == nil && f["ACCOUNTAMOUNTDUE"] == nil && f["MSISDN"] == nil && f["EVENTCODE"] == nil)
    }

    @Test func addressLinesAndPostcode() {
        let address = PostalAddress(lines: ["L1", "L2", "L3", "L4", "L5", "L6"], postcode: "CB1 1AA", country: "GB")
        let f = Self.fields(Customer(id: "C1", postalAddress: address))
        for i in 1...5 { #expect(f["ADDRESSLINE\(i)"] == "L\(i)") }
        #expect(f["ADDRESSLINE6"] == nil)
        #expect(f["POSTCODE"] == "CB1 1AA")
        #expect(f["COUNTRY"] == "GB")
    }

    @Test func shortAddressLeavesLaterLinesAbsent() {
        let f = Self.fields(Customer(id: "C1", postalAddress: PostalAddress(lines: ["1 High St", "Cambridge"])))
        #expect(f["ADDRESSLINE1"] == "1 High St")
        #expect(f["ADDRESSLINE2"] == "Cambridge")
        #expect(f["ADDRESSLINE3"] == nil)
        #expect(f["POSTCODE"] == nil)
    }

    @Test func amountDueInGBPForEnglish() {
        let account = Account(id: "A1", customerId: "C1", currency: "GBP", amountDue: "123.45", attributes: ["CARDLAST4DIGITS": "4242"])
        let f = Self.fields(Customer(id: "C1", language: "en"), account: account)
        #expect(f["ACCOUNTAMOUNTDUE"] == "£123.45")
        #expect(f["ACCOUNTNUMBER"] == "A1")
        #expect(f["ACCOUNTCURRENCY"] == "GBP")
        #expect(f["CARDLAST4DIGITS"] == "4242")
    }

    @Test func amountDueInEURForFrench() throws {
        let account = Account(id: "A1", customerId: "C1", currency: "EUR", amountDue: "123.45")
        let text = try #require(Self.fields(Customer(id: "C1", language: "fr"), account: account)["ACCOUNTAMOUNTDUE"])
        #expect(text.contains("123,45"))
        #expect(text.contains("€"))
    }

    @Test func amountDueIsFormattedExactly() {
        #expect(MoneyFormat.format("1234.5", currency: "GBP", language: "en") == "£1,234.50")
        #expect(MoneyFormat.format("0.1", currency: "GBP", language: "en-GB") == "£0.10")
    }

    @Test func unparseableAmountIsReturnedWithTheCurrencyCode() {
        #expect(MoneyFormat.format("lots", currency: "GBP", language: "en") == "lots GBP")
    }

    @Test func subscriptionFields() {
        let f = Self.fields(Customer(id: "C1"), subscription: Subscription(id: "S1", customerId: "C1", msisdn: "+447700900999", plan: "Unlimited 5G"))
        #expect(f["MSISDN"] == "+447700900999")
        #expect(f["PLAN"] == "Unlimited 5G")
        #expect(f["SUBSCRIPTIONID"] == "S1")
    }

    @Test func eventFieldsInTheCustomersLanguageAndZone() {
        let event = WorkflowEvent(
            id: "E1", eventType: "DEBT", eventCode: "DBAR", target: TargetRef(.customer, "C1"), whenToCreate: .onResolve,
            state: .resolved, createdAt: instant("2026-11-20T12:00:00Z"), resolvedAt: instant("2026-11-27T20:00:00Z"))
        let f = Self.fields(Customer(id: "C1", language: "en-GB", timeZone: "Asia/Kolkata"), event: event)
        #expect(f["EVENTTYPE"] == "DEBT")
        #expect(f["EVENTCODE"] == "DBAR")
        #expect(f["EVENTDATE"] == "20 November 2026")
        // 20:00 UTC is 01:30 the next day in Kolkata.
        #expect(f["RESOLVEDDATE"] == "28 November 2026")
    }

    @Test func unresolvedEventHasNoResolvedDate() {
        let event = WorkflowEvent(id: "E1", eventType: "DEBT", eventCode: "DBAR", target: TargetRef(.customer, "C1"),
                                  whenToCreate: .onCreate, createdAt: instant("2026-11-20T12:00:00Z"))
        let f = Self.fields(Customer(id: "C1"), event: event)
        #expect(f["EVENTCODE"] == "DBAR")
        #expect(f["RESOLVEDDATE"] == nil)
    }

    @Test func todayIsInTheCustomersZone() {
        let f = Self.fields(Customer(id: "C1", language: "en-GB", timeZone: "Pacific/Auckland"))
        // 10:00 UTC on 27 November is 23:00 the same day in Auckland (UTC+13).
        #expect(f["TODAY"] == "27 November 2026")
        let late = DefaultFieldRegistry.standard.fields(
            for: MergeContext(target: TargetContext(customer: Customer(id: "C1", language: "en-GB", timeZone: "Pacific/Auckland")),
                              now: instant("2026-11-27T11:30:00Z")), trigger: [:])
        #expect(late["TODAY"] == "28 November 2026")
    }

    /// The long date kept per (language, zone) for its day gives what Foundation gives, going
    /// forwards and backwards across midnights and between languages and zones.
    @Test func longDatesMatchFoundationAcrossDays() {
        let instants = ["2026-11-27T10:00:00Z", "2026-11-27T11:30:00Z", "2026-11-26T23:59:59Z", "2026-11-27T10:59:59Z",
                        "2026-11-27T11:00:00Z", "2027-01-01T00:00:00Z", "2026-11-27T10:00:00Z"].map(instant)
        for (language, zone) in [("en-GB", "Pacific/Auckland"), ("fr", "Europe/Paris"), ("de", "UTC"), ("en-GB", "Europe/Paris")] {
            for date in instants + instants.reversed() {
                var style = Date.FormatStyle(date: .long, time: .omitted).locale(Locale(identifier: language))
                style.timeZone = TimeZone(identifier: zone)!
                #expect(DateText.long(date, language: language, timeZone: zone) == date.formatted(style), "\(language) \(zone) \(date)")
            }
        }
    }

    @Test func triggerFieldsOverrideDefaults() {
        let f = Self.fields(Customer(id: "C1", firstName: "Zoë"), trigger: ["FIRSTNAME": "Zo", "DEARSIRMADAM": "Hi there", "OFFERCODE": "X1"])
        #expect(f["FIRSTNAME"] == "Zo")
        #expect(f["DEARSIRMADAM"] == "Hi there")
        #expect(f["OFFERCODE"] == "X1")
        #expect(f["CUSTOMERID"] == "C1")
    }

    @Test func knownFieldsListsEveryStandardField() {
        let expected: Set<String> = [
            "TITLE", "FIRSTNAME", "LASTNAME", "FULLNAME", "DEARSIRMADAM", "CUSTOMERID", "EMAIL", "MOBILE",
            "ADDRESSLINE1", "ADDRESSLINE2", "ADDRESSLINE3", "ADDRESSLINE4", "ADDRESSLINE5", "POSTCODE", "COUNTRY",
            "ACCOUNTNUMBER", "ACCOUNTCURRENCY", "ACCOUNTAMOUNTDUE", "CARDLAST4DIGITS",
            "MSISDN", "PLAN", "SUBSCRIPTIONID", "EVENTTYPE", "EVENTCODE", "EVENTDATE", "RESOLVEDDATE", "TODAY",
        ]
        #expect(DefaultFieldRegistry.standard.knownFields == expected)
    }

    @Test func everyResolvedFieldIsKnown() {
        let f = Self.fields(
            Customer(id: "C1", title: "Ms", firstName: "A", lastName: "B", email: "a@b.cd", mobile: "+447700900123",
                     postalAddress: PostalAddress(lines: ["1", "2", "3", "4", "5"], postcode: "P", country: "GB")),
            account: Account(id: "A1", customerId: "C1", currency: "GBP", amountDue: "1.00", attributes: ["CARDLAST4DIGITS": "1111"]),
            subscription: Subscription(id: "S1", customerId: "C1", msisdn: "+447700900999", plan: "P"),
            event: WorkflowEvent(id: "E", eventType: "T", eventCode: "C", target: TargetRef(.customer, "C1"), whenToCreate: .onCreate,
                                 createdAt: Self.now, resolvedAt: Self.now))
        #expect(Set(f.keys) == DefaultFieldRegistry.standard.knownFields)
    }

    struct Loyalty: FieldResolver {
        var name: String { "loyalty" }
        var fields: [String] { ["POINTS", "FIRSTNAME"] }
        func resolve(_ context: MergeContext) -> [String: String] { ["POINTS": "120", "FIRSTNAME": "Loyal"] }
    }

    @Test func registeredResolverAddsFieldsAndLaterResolversWin() {
        var registry = DefaultFieldRegistry.standard
        registry.register(Loyalty())
        #expect(registry.knownFields.contains("POINTS"))
        let f = registry.fields(for: MergeContext(target: TargetContext(customer: Customer(id: "C1", firstName: "Zoë")), now: Self.now),
                                trigger: [:])
        #expect(f["POINTS"] == "120")
        #expect(f["FIRSTNAME"] == "Loyal")
        #expect(!DefaultFieldRegistry.standard.knownFields.contains("POINTS"))
    }
}
