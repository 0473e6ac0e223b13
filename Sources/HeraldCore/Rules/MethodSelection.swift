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
///    when SMTPUTF8 is not enabled (``EmailAddress/refusal(_:smtpUTF8:)`` gives the reason).
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
                if method == .email, let refusal = EmailAddress.refusal(target, smtpUTF8: smtpUTF8) {
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
            guard let email = c.email?.trimmingBlanks, EmailAddress.isValid(email) else { return nil }
            return (email, alias)
        case .sms:
            let number = context.subscription?.msisdn ?? c.mobile
            guard let number, E164.isValid(number) else { return nil }
            return (number, alias)
        case .push:
            guard let token = c.pushTokens.first(where: { !$0.token.isEmpty }) else { return nil }
            return ("\(token.platform):\(token.token)", alias)
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
        case .push: "no push token"
        case .letter: "no postal address"
        case .online: "no customer inbox"
        case .external: "no external system id"
        }
    }
}

/// Light syntactic checks of contact points; the real test is the provider's answer.
public enum EmailAddress {
    /// `local@domain.tld`, no spaces, one `@`, a dot in the domain.
    public static func isValid(_ s: String) -> Bool {
        // ASCII (nearly every address): the same checks on bytes, without grapheme breaking.
        let bytes = Array(s.utf8)
        if bytes.allSatisfy({ $0 < 128 }) {
            guard !bytes.contains(where: { $0 == 32 || (9...13).contains($0) || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }),
                  let at = bytes.firstIndex(of: UInt8(ascii: "@")), bytes.lastIndex(of: UInt8(ascii: "@")) == at, at > 0 else { return false }
            let domain = bytes[(at + 1)...]
            return domain.contains(UInt8(ascii: ".")) && domain.first != UInt8(ascii: ".") && domain.last != UInt8(ascii: ".")
        }
        return isValidByCharacters(s)
    }

    /// ``isValid(_:)`` read by characters (any text; the byte reading above must agree with it).
    static func isValidByCharacters(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].utf8.contains(UInt8(ascii: ".")),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !s.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) else { return false }
        return true
    }

    /// The reason recorded for a non-ASCII local part when SMTPUTF8 is off.
    public static let nonASCIILocalPartReason = "email address has a non-ASCII local part and SMTPUTF8 is not enabled"

    /// Whether `s` can be sent to: ``isValid(_:)`` and the MIME module's addr-spec rules
    /// (RFC 5321/5322 lengths, a dot-atom or quoted local part, domain labels), and a non-ASCII
    /// local part only when `smtpUTF8` is set.
    public static func isValid(_ s: String, smtpUTF8: Bool) -> Bool {
        isValid(s) && refusal(s, smtpUTF8: smtpUTF8) == nil
    }

    /// Why `s` cannot be sent to, or nil when it can. Mirrors the rules of the `MIME` module's
    /// `EmailAddress` (which Herald's core does not depend on).
    public static func refusal(_ s: String, smtpUTF8: Bool) -> String? {
        // Byte by byte: every delimiter is ASCII (a Character walk cost a sixth of the monitor).
        guard isValid(s), let at = s.utf8.lastIndex(of: UInt8(ascii: "@")) else { return "no valid email address" }
        let local = s.utf8[..<at]
        let domain = s.utf8[s.utf8.index(after: at)...]
        func refused(_ why: String) -> String { "email address refused: \(why)" }
        let quote = UInt8(ascii: "\""), dot = UInt8(ascii: "."), hyphen = UInt8(ascii: "-")
        guard local.count <= 64 else { return refused("local part longer than 64 octets") }
        guard domain.count <= 255, s.utf8.count <= 254 else { return refused("longer than 254 octets") }
        guard !s.utf8.contains(where: { $0 < 32 || $0 == 127 }) else { return refused("control characters") }
        if local.first == quote {
            guard local.count >= 2, local.last == quote else { return refused("unterminated quoted local part") }
            var escaped = false
            for byte in local.dropFirst().dropLast() {
                if escaped { escaped = false; continue }
                if byte == UInt8(ascii: "\\") { escaped = true; continue }
                if byte == quote { return refused("bad character in quoted local part") }
            }
            if escaped { return refused("dangling escape in the local part") }
        } else {
            for atom in local.split(separator: dot, omittingEmptySubsequences: false) {
                guard !atom.isEmpty else { return refused("empty atom in the local part (leading, trailing or double dot)") }
                guard atom.allSatisfy({ $0 >= 128 || isAtext($0) }) else { return refused("invalid character in the local part") }
            }
        }
        if domain.first == UInt8(ascii: "[") {
            guard domain.last == UInt8(ascii: "]") else { return refused("bad address literal") }
        } else {
            for label in domain.split(separator: dot, omittingEmptySubsequences: false) {
                guard !label.isEmpty, label.count <= 63, label.first != hyphen, label.last != hyphen else {
                    return refused("bad domain label")
                }
                guard label.allSatisfy({ $0 >= 128 || $0 == hyphen || isAlnum($0) }) else {
                    return refused("invalid character in the domain")
                }
            }
        }
        if !smtpUTF8 && local.contains(where: { $0 >= 128 }) { return nonASCIILocalPartReason }
        return nil
    }

    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "?"),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"),
            UInt8(ascii: "~"):
            return true
        default:
            return isAlnum(byte)
        }
    }

    static func isAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
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
