import Crypto
import Foundation
import HTTPTypes

/// Tokens, cookies and headers of AgentView, in one place.
enum AgentSecurity {
    /// The session cookie: a random 256-bit token (base64url), never stored as such.
    static let sessionCookie = "herald_agent"
    /// The sign-in form's own CSRF cookie (double submit), before there is a session.
    static let signInCookie = "herald_agent_signin"

    /// `Content-Security-Policy` of every page: nothing but the site's own stylesheet, images
    /// inline or its own, forms posted only to itself, and never in a frame.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// 32 random bytes from the system's secure generator, base64url without padding.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The stored id of a session token: SHA-256, lower-case hex.
    static func sessionId(token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two secrets in time that does not depend on where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    /// A `Set-Cookie` value: `HttpOnly; SameSite=Strict; Path=/agent`, `Secure` when asked;
    /// `maxAge` 0 deletes it, nil makes a cookie that ends with the browser session.
    static func setCookie(_ name: String, _ value: String, secure: Bool, maxAge: Int? = nil) -> String {
        var parts = ["\(name)=\(value)", "Path=/agent", "HttpOnly", "SameSite=Strict"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    /// The policy of one comm's page: as every page's, and its own email (a sandboxed frame)
    /// and letter (an `<object>`) from this site.
    static let commPagePolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The policy of a stored email's HTML: nothing may load or run but images inline in the
    /// message (`data:`), in a sandbox without scripts, framed only by AgentView's own page.
    static let emailPolicy = "default-src 'none'; img-src data:; sandbox; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"

    /// The headers every AgentView response carries: `policy` (the pages' own by default);
    /// `sameOriginFrames` lets AgentView's own pages frame it (an email, a letter), never another site.
    static func apply(to headers: inout HTTPFields, cacheable: Bool = false, policy: String? = contentSecurityPolicy,
                      sameOriginFrames: Bool = false) {
        if let policy { headers[.contentSecurityPolicy] = policy }
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("X-Frame-Options")!] = sameOriginFrames ? "SAMEORIGIN" : "DENY"
        headers[.cacheControl] = cacheable ? "public, max-age=3600" : "no-store"
    }
}

/// A form body or query string: `application/x-www-form-urlencoded`, last value of a name wins.
struct FormFields: Sendable {
    var values: [String: String]

    init(_ encoded: String) {
        var values: [String: String] = [:]
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            values[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.values = values
    }

    /// The value of `name`, trimmed; nil when absent or empty.
    subscript(_ name: String) -> String? {
        guard let v = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    /// The value of `name` as sent (passwords are not trimmed).
    func raw(_ name: String) -> String? { values[name] }
}
