/// A comms code definition from the catalog: what may be sent, how, and with which fields.
public struct CommsCode: Sendable, Hashable, Codable {
    /// A workflow event (type + code) that raises this comm.
    public struct EventLink: Sendable, Hashable, Codable {
        public var eventType: String
        public var eventCode: String
        public init(eventType: String, eventCode: String) {
            self.eventType = eventType
            self.eventCode = eventCode
        }
    }

    /// Email envelope settings; the subject is a Mustache template.
    public struct EmailSettings: Sendable, Hashable, Codable {
        public var subject: String
        /// RFC 5322 address, with display name: `Herald <hello@example.net>`.
        public var from: String
        public var replyTo: String?
        /// Images sent in `multipart/related`, referenced from the HTML as `cid:<contentId>`
        /// (code.json `email.inlineImages`); files in the code's `assets/` folder.
        public var inlineImages: [Asset]
        /// Files attached to every email of the code (code.json `email.attachments`).
        public var attachments: [Asset]
        /// The file name (ending in `.pdf`) under which every email of the code carries a PDF copy
        /// of the code's letter, merged with the email's fields (code.json `email.attachLetter`:
        /// `true` names it `<code lowercased>.pdf`); nil when the code attaches no letter.
        public var attachLetter: String?

        /// Creates email settings; no inline images, attachments or letter copy unless given.
        public init(subject: String, from: String, replyTo: String? = nil, inlineImages: [Asset] = [], attachments: [Asset] = [],
                    attachLetter: String? = nil) {
            self.subject = subject
            self.from = from
            self.replyTo = replyTo
            self.inlineImages = inlineImages
            self.attachments = attachments
            self.attachLetter = attachLetter
        }

        enum CodingKeys: String, CodingKey {
            case subject, from, replyTo, inlineImages, attachments, attachLetter
        }

        /// Decodes the settings; the asset lists default to empty and the letter copy to none (older
        /// encodings lack them).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            subject = try c.decode(String.self, forKey: .subject)
            from = try c.decode(String.self, forKey: .from)
            replyTo = try c.decodeIfPresent(String.self, forKey: .replyTo)
            inlineImages = try c.decodeIfPresent([Asset].self, forKey: .inlineImages) ?? []
            attachments = try c.decodeIfPresent([Asset].self, forKey: .attachments) ?? []
            attachLetter = try c.decodeIfPresent(String.self, forKey: .attachLetter)
        }
    }

    /// A file of the code's `assets/` folder sent with its emails.
    public struct Asset: Sendable, Hashable, Codable {
        /// The file name inside `<CODE>/assets/`.
        public var file: String
        /// The Content-ID of an inline image (used as `cid:<contentId>`); nil for attachments.
        public var contentId: String?

        /// Creates an asset reference (`contentId` for inline images only).
        public init(file: String, contentId: String? = nil) {
            self.file = file
            self.contentId = contentId
        }
    }

    /// How the code's pushes look besides their body text (code.json `push`); the title is a
    /// template (``TemplatePart/title``), the rest is taken as written.
    public struct PushSettings: Sendable, Hashable, Codable {
        /// The badge number shown on the app icon.
        public var badge: Int?
        /// The sound (`default`, or a sound file of the app).
        public var sound: String?
        /// Custom data for the app, beside `aps` (APNs) or in `data` (FCM).
        public var data: [String: String]
        /// Pushes with the same collapse id replace each other on the device.
        public var collapseId: String?
        /// How long a push stays worth delivering; past it the provider drops it and Herald does
        /// not send it ("expired").
        public var ttlSeconds: Int?
        /// `10` (now) or `5` (when the device wakes).
        public var priority: Int?
        /// `alert` or `background`.
        public var pushType: String?

        public init(badge: Int? = nil, sound: String? = nil, data: [String: String] = [:], collapseId: String? = nil,
                    ttlSeconds: Int? = nil, priority: Int? = nil, pushType: String? = nil) {
            self.badge = badge
            self.sound = sound
            self.data = data
            self.collapseId = collapseId
            self.ttlSeconds = ttlSeconds
            self.priority = priority
            self.pushType = pushType
        }
    }

    public var code: String
    public var description: String
    /// Allowed methods, in the code's order of preference.
    public var methods: [DeliveryMethod]
    /// Default priority, 1 (high) to 3 (low).
    public var priority: Int
    /// Preference category opt-outs are matched against (`service`, `marketing`, `billing`…).
    public var category: String
    /// Default merge fields this code uses (names from the field registry).
    public var defaultFields: [String]
    /// Trigger fields that must be present: a trigger without them is refused (4xx).
    public var requiredFields: [String]
    /// Trigger fields that may be present; they render empty when missing.
    public var optionalFields: [String]
    public var email: EmailSettings?
    public var agentVisible: Bool
    public var active: Bool
    public var workflowEvents: [EventLink]
    /// The postage class of the code's letters at the print bureau (code.json `letter.postage`:
    /// `first`, `second` or `economy`); nil takes `print.postage`.
    public var letterPostage: String?
    /// The code's push settings (code.json `push`); nil: a push is its body text alone.
    public var push: PushSettings?
    /// The external system the code's external comms go to (code.json `external.system`, a
    /// name in the config file's `external.systems`); nil when the code names none.
    public var externalSystem: String?

    public init(
        code: String, description: String, methods: [DeliveryMethod], priority: Int = 2, category: String = "service",
        defaultFields: [String] = [], requiredFields: [String] = [], optionalFields: [String] = [],
        email: EmailSettings? = nil, agentVisible: Bool = true, active: Bool = true, workflowEvents: [EventLink] = []
    ) {
        self.code = code
        self.description = description
        self.methods = methods
        self.priority = priority
        self.category = category
        self.defaultFields = defaultFields
        self.requiredFields = requiredFields
        self.optionalFields = optionalFields
        self.email = email
        self.agentVisible = agentVisible
        self.active = active
        self.workflowEvents = workflowEvents
        self.letterPostage = nil
        self.push = nil
        self.externalSystem = nil
    }

    /// Whether an event of this type and code raises this comm.
    public func isLinked(eventType: String, eventCode: String) -> Bool {
        workflowEvents.contains { $0.eventType == eventType && $0.eventCode == eventCode }
    }
}
