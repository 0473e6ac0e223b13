import HeraldCore

/// A comms code in `GET /v1/comms-codes`.
struct CommsCodeRepresentation: Encodable {
    struct Link: Encodable {
        var eventType: String
        var eventCode: String
    }

    var code: String
    var description: String
    var methods: [String]
    var priority: Int
    var category: String
    var agentVisible: Bool
    var active: Bool
    var defaultFields: [String]
    var requiredFields: [String]
    var optionalFields: [String]
    var workflowEvents: [Link]

    init(_ c: CommsCode) {
        code = c.code
        description = c.description
        methods = c.methods.map(\.rawValue)
        priority = c.priority
        category = c.category
        agentVisible = c.agentVisible
        active = c.active
        defaultFields = c.defaultFields
        requiredFields = c.requiredFields
        optionalFields = c.optionalFields
        workflowEvents = c.workflowEvents.map { Link(eventType: $0.eventType, eventCode: $0.eventCode) }
    }
}

