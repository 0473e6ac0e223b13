import Foundation
import HeraldCatalog
import HeraldCore
import Testing

@Suite("The sample catalog")
struct SampleCatalogTests {
    @Test func loadsWithoutAnyIssue() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        #expect(CatalogLoader.check(dir.url) == [])
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.codes.map(\.code) == SampleCatalog.codes)
        #expect(catalog.warnings.isEmpty)
        #expect(catalog.defaultLanguage == "en")
    }

    @Test func definitionsAreReadWithDefaults() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)

        let welcome = try #require(catalog.code("WELCOME"))
        #expect(welcome.methods == [.email, .sms])
        #expect(welcome.category == "service")
        #expect(welcome.priority == 2)
        #expect(welcome.requiredFields == [])
        #expect(welcome.optionalFields == ["OFFERCODE"])
        #expect(welcome.email?.from == "Herald Telecom <care@herald.example>")

        let reminder = try #require(catalog.code("PAYMENT_REMINDER"))
        #expect(reminder.methods == [.letter, .email])
        #expect(reminder.priority == 1)
        #expect(reminder.category == "billing")
        #expect(reminder.workflowEvents == [CommsCode.EventLink(eventType: "DEBT", eventCode: "DBAR")])

        #expect(catalog.code("DATA_80")?.methods == [.sms, .push])
        #expect(catalog.code("DATA_80")?.category == "usage")
        #expect(catalog.code("BILL_READY")?.methods == [.online, .email])
        #expect(catalog.code("PORTING_NOTICE")?.methods == [.external])
        #expect(catalog.code("PORTING_NOTICE")?.externalSystem == "PORTAL")
        #expect(catalog.code("NOPE") == nil)
    }

    @Test func findsCodesLinkedToAWorkflowEvent() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.codes(linkedToEventType: "DEBT", eventCode: "DBAR").map(\.code) == ["PAYMENT_REMINDER"])
        #expect(catalog.codes(linkedToEventType: "DEBT", eventCode: "XXXX").isEmpty)
    }

    @Test func smsBodiesFitOneMessageWithTypicalData() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        let fields = [
            "FIRSTNAME": "Alexandra", "OFFERCODE": "HELLO10", "PERCENT": "80", "PLAN": "Unlimited Plus",
            "MSISDN": "447700900123",
        ]
        for (code, language) in [("WELCOME", "en"), ("WELCOME", "fr"), ("DATA_80", "en")] {
            let sms = try catalog.render(code: code, method: .sms, part: .body, language: language, fields: fields)
            #expect(sms.count <= 160, "\(code) \(language) is \(sms.count) characters: \(sms)")
            #expect(!sms.hasSuffix("\n"))
            #expect(!sms.contains("{{"))
        }
    }

    @Test func letterHasTheAddressBlock() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        let letter = try catalog.render(
            code: "PAYMENT_REMINDER", method: .letter, part: .html, language: "en",
            fields: [
                "DEARSIRMADAM": "Dear Ms Smith", "FULLNAME": "Ms Jo Smith", "ADDRESSLINE1": "1 High Street",
                "ADDRESSLINE2": "Townsville", "POSTCODE": "AB1 2CD", "ACCOUNTNUMBER": "ACC-1", "ACCOUNTAMOUNTDUE": "£42.00",
                "TODAY": "27 November 2026",
            ]
        )
        #expect(letter.contains("<style>"))
        #expect(letter.contains("1 High Street<br>"))
        #expect(letter.contains("Townsville<br>"))
        #expect(!letter.contains("ADDRESSLINE3"))
        #expect(letter.contains("AB1 2CD"))
        #expect(letter.contains("Dear Ms Smith,"))
        #expect(letter.contains("£42.00"))
    }

    @Test func writingTwiceIsHarmless() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        try SampleCatalog.write(to: dir.url)
        #expect(CatalogLoader.check(dir.url) == [])
    }
}
