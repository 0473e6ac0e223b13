import Crypto
import Foundation
import HeraldCore

/// The API keys Herald accepts. Keys are kept only as SHA-256 digests, and a lookup compares
/// the digest of the presented key with every entry in constant time, so neither timing nor a
/// memory dump gives a key away.
public struct APIKeyring: Sendable {
    /// One API key as configured.
    public struct Key: Sendable {
        /// The name recorded in audit fields (`api:<name>`).
        public var name: String
        /// The secret bearer token.
        public var key: String
        /// What the key may do.
        public var roles: Set<APIRole>
        /// The one system the key reports for (see ``APIPrincipal/system``).
        public var system: String?

        /// Creates a key entry.
        public init(name: String, key: String, roles: Set<APIRole>, system: String? = nil) {
            self.name = name
            self.key = key
            self.roles = roles
            self.system = system
        }
    }

    private struct Entry: Sendable {
        var digest: [UInt8]
        var principal: APIPrincipal
    }

    private let entries: [Entry]

    /// Creates a keyring from configured keys. Empty keys are ignored.
    public init(_ keys: [Key]) {
        self.entries = keys.filter { !$0.key.isEmpty }.map {
            Entry(digest: Self.digest($0.key.utf8), principal: APIPrincipal(name: $0.name, roles: $0.roles, system: $0.system))
        }
    }

    /// Creates a keyring from `(name, key, roles)` triples.
    public init(_ keys: [(name: String, key: String, roles: Set<APIRole>)]) {
        self.init(keys.map { Key(name: $0.name, key: $0.key, roles: $0.roles) })
    }

    /// The number of keys.
    public var count: Int { entries.count }

    /// The principal owning `key`, or nil. Compares against every entry in constant time.
    public func principal(forKey key: String) -> APIPrincipal? {
        principal(forKey: Substring(key).utf8)
    }

    private func principal(forKey key: Substring.UTF8View) -> APIPrincipal? {
        let presented = Self.digest(key)
        var found: APIPrincipal?
        for entry in entries where Self.constantTimeEqual(entry.digest, presented) {
            found = entry.principal
        }
        return found
    }

    /// Authenticates an `Authorization` header value (`Bearer <key>`).
    /// Throws ``HeraldError/Kind/unauthorized`` when it is missing, malformed or unknown.
    public func authenticate(authorization: String?) throws(HeraldError) -> APIPrincipal {
        guard let authorization, !authorization.isEmpty else {
            throw HeraldError(.unauthorized, "an API key is required: Authorization: Bearer <key>")
        }
        guard let key = Self.bearerToken(authorization) else {
            throw HeraldError(.unauthorized, "the Authorization header must be 'Bearer <key>'")
        }
        guard let principal = principal(forKey: key) else {
            throw HeraldError(.unauthorized, "unknown API key")
        }
        return principal
    }

    /// The token of `Bearer <token>` (scheme in any case, spaces and tabs around the token
    /// ignored), or nil. Byte by byte: on every API call, where `lowercased()` and Foundation's
    /// `trimmingCharacters(in:)` cost more than the key's SHA-256.
    static func bearerToken(_ authorization: String) -> Substring.UTF8View? {
        let utf8 = authorization.utf8
        func isBlank(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
        var i = utf8.startIndex
        while i != utf8.endIndex && utf8[i] == UInt8(ascii: " ") { i = utf8.index(after: i) }
        for expected in "bearer".utf8 {
            guard i != utf8.endIndex, utf8[i] | 0x20 == expected else { return nil }
            i = utf8.index(after: i)
        }
        guard i != utf8.endIndex, utf8[i] == UInt8(ascii: " ") else { return nil }
        while i != utf8.endIndex && isBlank(utf8[i]) { i = utf8.index(after: i) }
        var end = utf8.endIndex
        while end > i, isBlank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        guard i != end else { return nil }
        return authorization[i..<end].utf8
    }

    /// Authenticates and checks that the caller holds one of `roles`; throws
    /// ``HeraldError/Kind/forbidden`` when it does not.
    public func authorize(authorization: String?, roles: Set<APIRole>) throws(HeraldError) -> APIPrincipal {
        let principal = try authenticate(authorization: authorization)
        guard principal.mayAct(as: roles) else {
            let needed = roles.union([.admin]).map(\.rawValue).sorted().joined(separator: " or ")
            throw HeraldError(.forbidden, "API key '\(principal.name)' lacks the role for this operation (needs \(needed))")
        }
        return principal
    }

    private static func digest(_ key: some Sequence<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(key)))
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
