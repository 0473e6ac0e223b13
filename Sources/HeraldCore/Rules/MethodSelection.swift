import AddrSpec
import Foundation

/// The outcome of choosing how to reach a customer.
public enum MethodDecision: Sendable, Hashable {
    /// Send by `method` to `target` (and its display alias, if any).
    case send(method: DeliveryMethod, target: String, alias: String?)
    /// Every allowed method is opted out.
    case optedOut(reason: String)
    /// No allowed, opted-in method has a usable target.
    case notSent(reason: String)
}

/// Chooses the delivery method and target of a request.
///
/// Rules (Herald's reading of CMP):
/// 1. An override method must be allowed by the comms code (the API refuses it otherwise). It is
///    still subject to opt-outs: an override does not defeat a customer's opt-out.
/// 2. Otherwise the candidates are the code's allowed methods less the opted-out ones, ordered
///    by the customer's preferred methods first, then the code's own order.
/// 3. The first candidate with a usable target wins. None opted in: `optedOut`. Opted-in
///    candidates but no target for any: `notSent`, naming what was missing.
/// 4. An email address on the suppression list (it hard-bounced) is no usable target: the
///    next candidate is tried, and the reason names the suppression.
/// 5. So is an email address the MIME module would refuse, or one with a non-ASCII local part
///    when SMTPUTF8 is not enabled (``EmailTarget/refusal(_:smtpUTF8:)`` gives the reason).
public enum MethodSelection {
    /// The reason recorded for a suppressed email address.
    public static let suppressedEmailReason = "email address suppressed after a hard bounce"

    /// Chooses the method and target. `smtpUTF8` says whether email addresses with a non-ASCII
    /// local part can be sent (`HERALD_SMTP_SMTPUTF8`); an address the MIME module would refuse,
    /// or such a local part without it, is no usable email target, with the reason recorded.
    public static func decide(
        code: CommsCode, override: DeliveryMethod?, context: TargetContext, suppressedEmails: Set<String> = [], smtpUTF8: Bool = false
    ) -> MethodDecision {
        let prefs = context.customer.preferences
        let allowed = override.map { [$0] } ?? code.methods
        let optedIn = allowed.filter { m in !prefs.optOut.contains { $0.covers(m, category: code.category) } }
        guard !optedIn.isEmpty else {
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            return .optedOut(reason: "customer opted out of \(names) for category \(code.category)")
        }
        let preferred = prefs.preferredMethods.filter { optedIn.contains($0) }
        var ordered = preferred
        for m in optedIn where !ordered.contains(m) { ordered.append(m) }
        var missing: [String] = []
        for method in ordered {
            if let (target, alias) = target(for: method, in: context) {
                if method == .email, let refusal = EmailTarget.refusal(target, smtpUTF8: smtpUTF8) {
                    missing.append(refusal)
                    continue
                }
                if method == .email && suppressedEmails.contains(target) {
                    missing.append(suppressedEmailReason)
                    continue
                }
                return .send(method: method, target: target, alias: alias)
            }
            missing.append(missingReason(for: method))
        }
        return .notSent(reason: missing.joined(separator: "; "))
    }

    /// The target of `method` for this customer, or nil when there is no usable one.
    public static func target(for method: DeliveryMethod, in context: TargetContext) -> (String, String?)? {
        let c = context.customer
        let name = [c.firstName, c.lastName].compactMap { $0 }.joined(separator: " ")
        let alias = name.isEmpty ? nil : name
        switch method {
        case .email:
            guard let email = c.email?.trimmingBlanks, EmailTarget.isValid(email) else { return nil }
            return (email, alias)
        case .sms:
            let number = context.subscription?.msisdn ?? c.mobile
            guard let number, E164.isValid(number) else { return nil }
            return (number, alias)
        case .push:
            guard let token = c.pushTokens.first(where: \.isUsable) else { return nil }
            return (token.target, alias)
        case .letter:
            guard let address = c.postalAddress, address.isUsable else { return nil }
            var lines = address.lines.filter { !$0.trimmingBlanks.isEmpty }
            if let pc = address.postcode, !pc.isEmpty { lines.append(pc) }
            if let country = address.country, !country.isEmpty { lines.append(country) }
            return (lines.joined(separator: "\n"), alias)
        case .online:
            return ("inbox:\(c.id)", alias)
        case .external:
            guard let ext = c.externalId, !ext.isEmpty else { return nil }
            return (ext, alias)
        }
    }

    static func missingReason(for method: DeliveryMethod) -> String {
        switch method {
        case .email: "no valid email address"
        case .sms: "no valid mobile number"
        case .push: "no usable push token"
        case .letter: "no postal address"
        case .online: "no customer inbox"
        case .external: "no external system id"
        }
    }
}

/// The email rules of gathering details, on the one set of address rules (``AddrSpec``, shared
/// with the MIME composer): a customer's email must be plausible, and a target must also be a
/// valid addr-spec (and ASCII in its local part unless SMTPUTF8 is on). The real test is the
/// provider's answer.
public enum EmailTarget {
    /// `local@domain.tld`, no spaces, one `@`, a dot in the domain (``AddrSpec/isPlausible(_:)``).
    public static func isValid(_ s: String) -> Bool {
        AddrSpec.isPlausible(s)
    }

    /// The reason recorded for a non-ASCII local part when SMTPUTF8 is off.
    public static let nonASCIILocalPartReason = "email address has a non-ASCII local part and SMTPUTF8 is not enabled"

    /// Whether `s` can be sent to: ``isValid(_:)``, a valid addr-spec, and a non-ASCII local
    /// part only when `smtpUTF8` is set.
    public static func isValid(_ s: String, smtpUTF8: Bool) -> Bool {
        refusal(s, smtpUTF8: smtpUTF8) == nil
    }

    /// Why `s` cannot be sent to, or nil when it can.
    public static func refusal(_ s: String, smtpUTF8: Bool) -> String? {
        guard isValid(s) else { return "no valid email address" }
        if let problem = AddrSpec.problem(in: s) { return "email address refused: \(problem)" }
        if !smtpUTF8 && AddrSpec.hasNonASCIILocalPart(s) { return nonASCIILocalPartReason }
        return nil
    }
}

/// E.164 numbers: `+` then 8 to 15 digits, the first not 0.
public enum E164 {
    public static func isValid(_ s: String) -> Bool {
        guard s.hasPrefix("+") else { return false }
        let digits = s.dropFirst()
        guard (8...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0" else { return false }
        return true
    }
}
