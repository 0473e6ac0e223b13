import Foundation
import HeraldCatalog
import HeraldCore
import Testing

/// The catalog's `triggers/` folder: the triggers external notifications name.
@Suite("Configured triggers (catalog)")
struct TriggerCatalogTests {
    static let code = """
        {"code": "DATA_80", "description": "d", "methods": ["sms"], "requiredFields": ["PERCENT"], "optionalFields": ["ZONE"],
         "workflowEvents": [{"eventType": "USAGE", "eventCode": "HIGH"}]}
        """

    func issues(_ trigger: String, name: String = "T1") throws -> [CatalogIssue] {
        let dir = try TemporaryCatalog(files: ["DATA_80/code.json": Self.code, "DATA_80/sms.en.mustache": "{{PERCENT}}",
                                               "triggers/\(name).json": trigger])
        defer { dir.remove() }
        return CatalogLoader.check(dir.url)
    }

    @Test func aGoodTriggerLoads() throws {
        let dir = try TemporaryCatalog(files: [
            "DATA_80/code.json": Self.code, "DATA_80/sms.en.mustache": "{{PERCENT}}",
            "triggers/T1.json": #"{"triggerId": "T1", "description": "x", "action": "sendComm", "commsCode": "DATA_80", "priority": 1, "fields": {"PERCENT": "pct", "ZONE": "zone"}, "requiredAttributes": ["pct"]}"#,
            "triggers/T2.json": #"{"description": "y", "action": "raiseEvent", "eventType": "USAGE", "eventCode": "HIGH", "whenToCreate": "OnResolve"}"#,
        ])
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        #expect(catalog.trigger("T1") == ConfiguredTrigger(id: "T1", description: "x", action: .sendComm(commsCode: "DATA_80"), priority: 1,
                                                           fields: ["PERCENT": "pct", "ZONE": "zone"], requiredAttributes: ["pct"]))
        #expect(catalog.trigger("T2")?.action == .raiseEvent(eventType: "USAGE", eventCode: "HIGH", whenToCreate: "OnResolve"))
        #expect(catalog.codes.map(\.code) == ["DATA_80"])  // triggers/ is not a code folder
        #expect(try catalog.trigger("T1")?.fields(from: [.init(name: "pct", value: "80")]) == ["PERCENT": "80"])
        #expect(throws: HeraldError.self) { _ = try catalog.trigger("T1")?.fields(from: [.init(name: "zone", value: "EU")]) }
    }

    @Test(arguments: [
        (#"{"triggerId": "T9", "description": "x", "action": "sendComm", "commsCode": "DATA_80", "fields": {"PERCENT": "p"}, "requiredAttributes": ["p"]}"#,
         #"triggerId "T9" must be the file name"#),
        (#"{"description": "x", "action": "sendComm", "commsCode": "NOPE"}"#, #"no comms code "NOPE""#),
        (#"{"description": "x", "action": "sendComm", "commsCode": "DATA_80"}"#, "requires the field PERCENT"),
        (#"{"description": "x", "action": "sendComm", "commsCode": "DATA_80", "fields": {"PERCENT": "p"}}"#, "list attribute p in requiredAttributes"),
        (#"{"description": "x", "action": "sendComm", "commsCode": "DATA_80", "fields": {"PERCENT": "p", "OTHER": "o"}, "requiredAttributes": ["p"]}"#,
         "takes no trigger field OTHER"),
        (#"{"description": "x", "action": "notify"}"#, "action must be sendComm or raiseEvent"),
        (#"{"description": "x", "action": "raiseEvent", "eventType": "USAGE", "eventCode": "HIGH", "whenToCreate": "Later"}"#, "whenToCreate must be"),
        (#"{"action": "raiseEvent", "eventType": "USAGE", "eventCode": "HIGH"}"#, "description"),
        (#"{"description": "x", "action": "raiseEvent", "eventType": "USAGE", "eventCode": "HIGH", "colour": 1}"#, "colour"),
    ])
    func badTriggersAreRefusedWithFileAndLine(trigger: String, message: String) throws {
        let errors = try issues(trigger).filter(\.isError)
        #expect(errors.contains { $0.file == "triggers/T1.json" && $0.message.contains(message) && $0.line != nil }, "\(errors)")
    }

    @Test func anEventNoCodeFollowsIsAWarning() throws {
        let found = try issues(#"{"description": "x", "action": "raiseEvent", "eventType": "USAGE", "eventCode": "LOW"}"#)
        #expect(found.contains { !$0.isError && $0.message.contains("no comms code is linked to event USAGE/LOW") })
        #expect(found.allSatisfy { !$0.isError })
    }

    @Test func theSampleCatalogHasDataEightyPercent() throws {
        let dir = try TemporaryCatalog.sample()
        defer { dir.remove() }
        let catalog = try CatalogLoader.load(from: dir.url)
        let trigger = try #require(catalog.trigger("DATA_80_PCT"))
        #expect(trigger.action == .sendComm(commsCode: "DATA_80"))
        #expect(trigger.fields == ["PERCENT": "PERCENT"])
    }
}
