import HeraldCore

/// A small in-memory catalog for API tests.
struct FakeCatalog: TemplateCatalog {
    let codes: [CommsCode] = [
        CommsCode(code: "DATA_80", description: "Data allowance 80% used", methods: [.sms], priority: 1,
                  optionalFields: ["ALLOWANCEPERCENT"]),
        CommsCode(code: "OLD_PROMO", description: "Retired promotion", methods: [.email], category: "marketing", active: false),
        CommsCode(code: "PAYMENT_REMINDER", description: "Payment reminder", methods: [.sms, .email, .letter], priority: 1,
                  category: "billing", defaultFields: ["ACCOUNTAMOUNTDUE"],
                  workflowEvents: [.init(eventType: "DEBT", eventCode: "DBAR")]),
        CommsCode(code: "WELCOME", description: "Welcome", methods: [.email, .sms], defaultFields: ["DEARSIRMADAM"],
                  requiredFields: ["OFFERCODE"]),
        {
            var code = CommsCode(code: "PORTING_NOTICE", description: "Number porting", methods: [.external])
            code.externalSystem = "PORTAL"
            return code
        }(),
    ]

    func code(_ code: String) -> CommsCode? { codes.first { $0.code == code } }

    /// DATA_80_PCT sends DATA_80 with attribute PERCENT as ALLOWANCEPERCENT; DEBT_RAISED raises DEBT/DBAR.
    func trigger(_ id: String) -> ConfiguredTrigger? {
        switch id {
        case "DATA_80_PCT":
            ConfiguredTrigger(id: id, description: "data threshold", action: .sendComm(commsCode: "DATA_80"), priority: 1,
                              fields: ["ALLOWANCEPERCENT": "PERCENT"], requiredAttributes: ["PERCENT"])
        case "DEBT_RAISED":
            ConfiguredTrigger(id: id, description: "debt", action: .raiseEvent(eventType: "DEBT", eventCode: "DBAR", whenToCreate: "OnCreate"))
        default: nil
        }
    }

    func hasTemplate(code: String, method: DeliveryMethod, part: TemplatePart, language: String) -> Bool { false }

    func render(code: String, method: DeliveryMethod, part: TemplatePart, language: String, fields: [String: String]) throws -> String {
        throw HeraldError.notFound("no template for \(code)")
    }
}
