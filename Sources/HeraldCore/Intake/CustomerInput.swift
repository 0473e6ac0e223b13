import Foundation

/// The body of `PUT /v1/customers/{id}` and a `customer` line of `herald import`. Methods are read as strings so that an unknown one is
/// a 422 naming the field rather than a decoding error.
public struct CustomerInput: Decodable, Sendable {
    public struct OptOutInput: Decodable, Sendable {
        public var method: String?
        public var category: String?
    }
    public struct PreferencesInput: Decodable, Sendable {
        public var optOut: [OptOutInput]?
        public var preferredMethods: [String]?
        public var quietHours: QuietHours?
    }

    public var id: String?
    public var title: String?
    public var firstName: String?
    public var lastName: String?
    public var language: String?
    public var timeZone: String?
    public var email: String?
    public var mobile: String?
    public var postalAddress: PostalAddress?
    public var pushTokens: [PushToken]?
    public var externalId: String?
    public var preferences: PreferencesInput?

    /// The customer to store, or a ``HeraldError`` naming the first field at fault.
    public func validated(id pathId: String) throws(HeraldError) -> Customer {
        try PathIdentifier.check(pathId, body: id)
        let language = self.language ?? "en"
        guard !language.trimmingCharacters(in: .whitespaces).isEmpty,
              language.count <= 35, language.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { throw .invalid("language", "language must be a BCP 47 tag such as 'en' or 'en-GB'") }
        let timeZone = self.timeZone ?? "UTC"
        guard TimeZone(identifier: timeZone) != nil else {
            throw .invalid("timeZone", "unknown time zone '\(timeZone)'; expected an IANA name such as Europe/London")
        }
        if let email, !EmailTarget.isValid(email) {
            throw .invalid("email", "'\(email)' is not a valid email address")
        }
        if let mobile, !E164.isValid(mobile) {
            throw .invalid("mobile", "mobile must be an E.164 number such as +447700900123")
        }
        if let address = postalAddress {
            guard address.lines.count <= 5 else {
                throw .invalid("postalAddress.lines", "at most 5 address lines; got \(address.lines.count)")
            }
            if let country = address.country, !(country.count == 2 && country.allSatisfy({ $0.isASCII && $0.isUppercase })) {
                throw .invalid("postalAddress.country", "country must be an ISO 3166-1 alpha-2 code such as GB")
            }
        }
        for (i, token) in (pushTokens ?? []).enumerated() {
            guard ["apns", "fcm"].contains(token.platform) else {
                throw .invalid("pushTokens[\(i)].platform", "platform must be apns or fcm; got '\(token.platform)'")
            }
            guard !token.token.isEmpty else { throw .invalid("pushTokens[\(i)].token", "token must not be empty") }
        }
        var preferences = Preferences.none
        if let p = self.preferences {
            for (i, o) in (p.optOut ?? []).enumerated() {
                var method: DeliveryMethod?
                if let raw = o.method { method = try Self.method(raw, field: "preferences.optOut[\(i)].method") }
                preferences.optOut.append(OptOut(method: method, category: o.category))
            }
            for (i, raw) in (p.preferredMethods ?? []).enumerated() {
                preferences.preferredMethods.append(try Self.method(raw, field: "preferences.preferredMethods[\(i)]"))
            }
            if let quiet = p.quietHours {
                try quiet.validate(fallbackTimeZone: timeZone)
                preferences.quietHours = quiet
            }
        }
        return Customer(
            id: pathId, title: title, firstName: firstName, lastName: lastName, language: language, timeZone: timeZone,
            email: email, mobile: mobile, postalAddress: postalAddress, pushTokens: pushTokens ?? [], externalId: externalId,
            preferences: preferences)
    }

    static func method(_ raw: String, field: String) throws(HeraldError) -> DeliveryMethod {
        guard let method = DeliveryMethod(rawValue: raw) else {
            throw .invalid(field, "unknown delivery method '\(raw)'; expected one of \(DeliveryMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return method
    }
}

