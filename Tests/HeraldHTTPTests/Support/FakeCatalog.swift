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
    ]

    func code(_ code: String) -> CommsCode? { codes.first { $0.code == code } }

    func hasTemplate(code: String, method: DeliveryMethod, part: TemplatePart, language: String) -> Bool { false }

    func render(code: String, method: DeliveryMethod, part: TemplatePart, language: String, fields: [String: String]) throws -> String {
        throw HeraldError.notFound("no template for \(code)")
    }
}
