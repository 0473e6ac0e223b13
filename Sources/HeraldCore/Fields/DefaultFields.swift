import Foundation
import Synchronization

/// What a field resolver ("bean") may read.
public struct MergeContext: Sendable {
    public var target: TargetContext
    public var event: WorkflowEvent?
    public var now: Date

    public init(target: TargetContext, event: WorkflowEvent? = nil, now: Date) {
        self.target = target
        self.event = event
        self.now = now
    }
}

/// A named resolver of default merge fields: the "beans" of CMP.
public protocol FieldResolver: Sendable {
    /// The resolver's name (`customer`, `address`…).
    var name: String { get }
    /// The fields it provides, upper case.
    var fields: [String] { get }
    /// Values for its fields; a field without a value is absent (it renders empty).
    func resolve(_ context: MergeContext) -> [String: String]
}

/// The registry of field resolvers. Trigger-provided fields override resolved ones: what a
/// caller passes explicitly wins over what Herald computes.
public struct DefaultFieldRegistry: Sendable {
    public private(set) var resolvers: [any FieldResolver]

    public init(resolvers: [any FieldResolver]) {
        self.resolvers = resolvers
    }

    /// The built-in resolvers: customer, address, account, subscription, workflow event, date.
    public static let standard = DefaultFieldRegistry(resolvers: [
        CustomerFields(), AddressFields(), AccountFields(), SubscriptionFields(), EventFields(), DateFields(),
    ])

    /// Adds a resolver (a deployment's own bean).
    public mutating func register(_ resolver: any FieldResolver) {
        resolvers.append(resolver)
    }

    /// Every field some resolver provides.
    public var knownFields: Set<String> { Set(resolvers.flatMap(\.fields)) }

    /// Resolves every default field, then lays the trigger's fields over them.
    public func fields(for context: MergeContext, trigger: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for r in resolvers {
            out.merge(r.resolve(context)) { _, new in new }
        }
        out.merge(trigger) { _, new in new }
        return out
    }
}

/// TITLE, FIRSTNAME, LASTNAME, FULLNAME, DEARSIRMADAM, CUSTOMERID, EMAIL, MOBILE.
public struct CustomerFields: FieldResolver {
    public init() {}
    public var name: String { "customer" }
    public var fields: [String] { ["TITLE", "FIRSTNAME", "LASTNAME", "FULLNAME", "DEARSIRMADAM", "CUSTOMERID", "EMAIL", "MOBILE"] }
    public func resolve(_ context: MergeContext) -> [String: String] {
        let c = context.target.customer
        var out: [String: String] = ["CUSTOMERID": c.id]
        if let v = c.title { out["TITLE"] = v }
        if let v = c.firstName { out["FIRSTNAME"] = v }
        if let v = c.lastName { out["LASTNAME"] = v }
        if let v = c.email { out["EMAIL"] = v }
        if let v = c.mobile { out["MOBILE"] = v }
        out["FULLNAME"] = [c.title, c.firstName, c.lastName].compactMap { $0 }.joined(separator: " ")
        out["DEARSIRMADAM"] = Self.salutation(c)
        return out
    }

    /// "Dear Ms Ångström", "Dear Zoë" or "Dear Sir/Madam", by what is known.
    public static func salutation(_ c: Customer) -> String {
        if let last = c.lastName, !last.isEmpty, let title = c.title, !title.isEmpty { return "Dear \(title) \(last)" }
        if let first = c.firstName, !first.isEmpty { return "Dear \(first)" }
        return "Dear Sir/Madam"
    }
}

/// ADDRESSLINE1..5, POSTCODE, COUNTRY.
public struct AddressFields: FieldResolver {
    public init() {}
    public var name: String { "address" }
    public var fields: [String] { (1...5).map { "ADDRESSLINE\($0)" } + ["POSTCODE", "COUNTRY"] }
    public func resolve(_ context: MergeContext) -> [String: String] {
        guard let a = context.target.customer.postalAddress else { return [:] }
        var out: [String: String] = [:]
        for (i, line) in a.lines.prefix(5).enumerated() { out["ADDRESSLINE\(i + 1)"] = line }
        if let v = a.postcode { out["POSTCODE"] = v }
        if let v = a.country { out["COUNTRY"] = v }
        return out
    }
}

/// ACCOUNTNUMBER, ACCOUNTCURRENCY, ACCOUNTAMOUNTDUE (in the account currency, formatted for the
/// customer's language), CARDLAST4DIGITS (from the account's attributes).
public struct AccountFields: FieldResolver {
    public init() {}
    public var name: String { "account" }
    public var fields: [String] { ["ACCOUNTNUMBER", "ACCOUNTCURRENCY", "ACCOUNTAMOUNTDUE", "CARDLAST4DIGITS"] }
    public func resolve(_ context: MergeContext) -> [String: String] {
        guard let a = context.target.account else { return [:] }
        var out: [String: String] = ["ACCOUNTNUMBER": a.id, "ACCOUNTCURRENCY": a.currency]
        if let due = a.amountDue {
            out["ACCOUNTAMOUNTDUE"] = MoneyFormat.format(due, currency: a.currency, language: context.target.customer.language)
        }
        if let last4 = a.attributes["CARDLAST4DIGITS"] { out["CARDLAST4DIGITS"] = last4 }
        return out
    }
}

/// MSISDN, PLAN, SUBSCRIPTIONID.
public struct SubscriptionFields: FieldResolver {
    public init() {}
    public var name: String { "subscription" }
    public var fields: [String] { ["MSISDN", "PLAN", "SUBSCRIPTIONID"] }
    public func resolve(_ context: MergeContext) -> [String: String] {
        guard let s = context.target.subscription else { return [:] }
        var out: [String: String] = ["SUBSCRIPTIONID": s.id]
        if let v = s.msisdn { out["MSISDN"] = v }
        if let v = s.plan { out["PLAN"] = v }
        return out
    }
}

/// EVENTTYPE, EVENTCODE, EVENTDATE, RESOLVEDDATE (dates in the customer's language and zone).
public struct EventFields: FieldResolver {
    public init() {}
    public var name: String { "workflowEvent" }
    public var fields: [String] { ["EVENTTYPE", "EVENTCODE", "EVENTDATE", "RESOLVEDDATE"] }
    public func resolve(_ context: MergeContext) -> [String: String] {
        guard let e = context.event else { return [:] }
        let c = context.target.customer
        var out = ["EVENTTYPE": e.eventType, "EVENTCODE": e.eventCode]
        out["EVENTDATE"] = DateText.long(e.createdAt, language: c.language, timeZone: c.timeZone)
        if let r = e.resolvedAt { out["RESOLVEDDATE"] = DateText.long(r, language: c.language, timeZone: c.timeZone) }
        return out
    }
}

/// TODAY, in the customer's language and zone.
public struct DateFields: FieldResolver {
    public init() {}
    public var name: String { "date" }
    public var fields: [String] { ["TODAY"] }
    public func resolve(_ context: MergeContext) -> [String: String] {
        let c = context.target.customer
        return ["TODAY": DateText.long(context.now, language: c.language, timeZone: c.timeZone)]
    }
}

/// Money as customers read it.
public enum MoneyFormat {
    /// `123.45` GBP in `en` → `£123.45`; in `fr` EUR → `123,45 €`. Unparseable amounts are
    /// returned as given, followed by the currency code.
    public static func format(_ amount: String, currency: String, language: String) -> String {
        guard let value = Decimal(string: amount, locale: posix) else {
            return "\(amount) \(currency)"
        }
        return value.formatted(style(currency: currency, language: language))
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    /// One format style per (currency, language) in use: making the locale and the style for
    /// every comm was most of the account fields' cost in the Comms Monitor.
    private static func style(currency: String, language: String) -> Decimal.FormatStyle.Currency {
        let key = StyleKey(currency: currency, language: language)
        if let style = styles.withLock({ $0[key] }) { return style }
        let style = Decimal.FormatStyle.Currency(code: currency, locale: Locale(identifier: language))
        styles.withLock { styles in
            if styles.count >= 4_096 { styles.removeAll() }  // bounded: currencies × languages in use
            styles[key] = style
        }
        return style
    }

    private struct StyleKey: Hashable {
        var currency: String
        var language: String
    }

    private static let styles = Mutex<[StyleKey: Decimal.FormatStyle.Currency]>([:])
}

/// Dates as customers read them.
public enum DateText {
    /// A long date (`27 November 2026`) in the language and time zone. The text only changes
    /// at midnight in that zone: each (language, zone) keeps its text for the day it was made
    /// for (a locale and a formatter per call were a seventh of the Comms Monitor's CPU).
    public static func long(_ date: Date, language: String, timeZone: String) -> String {
        let key = Key(language: language, timeZone: timeZone)
        if let day = days.withLock({ $0[key] }), day.span.contains(date) { return day.text }
        let zone = TimeZone(identifier: timeZone) ?? .gmt
        var style = Date.FormatStyle(date: .long, time: .omitted).locale(Locale(identifier: language))
        style.timeZone = zone
        let text = date.formatted(style)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        if let interval = calendar.dateInterval(of: .day, for: date) {
            days.withLock { days in
                if days.count >= 4_096 { days.removeAll() }  // bounded: languages × zones in use
                days[key] = Day(span: interval.start..<interval.end, text: text)
            }
        }
        return text
    }

    private struct Key: Hashable {
        var language: String
        var timeZone: String
    }

    private struct Day {
        var span: Range<Date>
        var text: String
    }

    private static let days = Mutex<[Key: Day]>([:])
}
