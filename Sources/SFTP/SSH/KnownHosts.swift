import Crypto
import Foundation
import NIOSSH

/// An OpenSSH `known_hosts` file: which host keys are trusted for which hosts.
///
/// Lines are `[@marker] patterns keytype base64 [comment]`. Patterns are comma-separated host
/// names, `[host]:port` for a port other than 22, `*`/`?` wildcards and `!` negations, or a
/// hashed entry `|1|salt|hmac` (HMAC-SHA1 of the name, as `ssh-keygen -H` writes). A
/// `@revoked` line's key is refused for any host; `@cert-authority` lines and key types
/// swift-nio-ssh does not know (RSA, DSA) are kept for matching the host but cannot match a key.
public struct KnownHosts: Sendable {
    /// One usable line of the file.
    public struct Entry: Sendable {
        /// The marker, when the line has one.
        public enum Marker: Sendable, Hashable {
            /// `@revoked`: this key is never accepted.
            case revoked
            /// `@cert-authority`: a CA key (certificates are not supported; ignored for matching).
            case certificateAuthority
        }
        /// The marker.
        public var marker: Marker?
        /// The comma-separated patterns, as written.
        public var patterns: [String]
        /// The key type name.
        public var keyType: String
        /// The key, or nil when swift-nio-ssh cannot read its type.
        public var key: NIOSSHPublicKey?
    }

    /// The usable lines, in file order.
    public var entries: [Entry]

    /// The outcome of checking a host's key.
    public enum Verdict: Sendable, Hashable {
        /// A line for this host has exactly this key.
        case trusted
        /// No line names this host.
        case unknownHost
        /// Lines name this host but none has this key, or the key is revoked.
        case mismatch
    }

    /// Reads and parses a known_hosts file.
    public static func read(path: String) throws(SFTPError) -> KnownHosts {
        do {
            return KnownHosts(parsing: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw .invalidConfiguration("cannot read the known_hosts file \(path): \(error.localizedDescription)")
        }
    }

    /// Parses the text of a known_hosts file; malformed lines are skipped (as OpenSSH does).
    public init(parsing text: String) {
        var entries: [Entry] = []
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            var marker: Entry.Marker?
            if let first = fields.first, first.hasPrefix("@") {
                switch first {
                case "@revoked": marker = .revoked
                case "@cert-authority": marker = .certificateAuthority
                default: continue
                }
                fields.removeFirst()
            }
            guard fields.count >= 3 else { continue }
            let key = try? NIOSSHPublicKey(openSSHPublicKey: "\(fields[1]) \(fields[2])")
            entries.append(Entry(marker: marker, patterns: fields[0].split(separator: ",").map(String.init), keyType: fields[1], key: key))
        }
        self.entries = entries
    }

    /// The name a host is filed under: `host` on port 22, `[host]:port` otherwise.
    public static func hostName(host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    /// Checks `key` for `host`:`port`.
    public func verdict(host: String, port: Int, key: NIOSSHPublicKey) -> Verdict {
        let name = Self.hostName(host: host, port: port)
        if entries.contains(where: { $0.marker == .revoked && $0.key == key }) { return .mismatch }
        var hostKnown = false
        for entry in entries where entry.marker == nil && Self.matches(patterns: entry.patterns, name: name) {
            if entry.key == key { return .trusted }
            hostKnown = true
        }
        return hostKnown ? .mismatch : .unknownHost
    }

    /// Whether a pattern list matches `name`: some positive pattern matches and no negated one does.
    static func matches(patterns: [String], name: String) -> Bool {
        var matched = false
        for pattern in patterns {
            if pattern.hasPrefix("!") {
                if wildcardMatch(String(pattern.dropFirst()), name.lowercased()) { return false }
            } else if pattern.hasPrefix("|1|") {
                if hashedMatch(pattern, name) { matched = true }
            } else if wildcardMatch(pattern.lowercased(), name.lowercased()) {
                matched = true
            }
        }
        return matched
    }

    /// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
    static func hashedMatch(_ pattern: String, _ name: String) -> Bool {
        let parts = pattern.split(separator: "|", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0] == "1", let salt = Data(base64Encoded: String(parts[1])),
            let expected = Data(base64Encoded: String(parts[2]))
        else { return false }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
        return Data(mac) == expected
    }

    /// The hashed form of a host name with the given salt (for writing test files).
    public static func hashedPattern(for name: String, salt: [UInt8]) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
        return "|1|\(Data(salt).base64EncodedString())|\(Data(mac).base64EncodedString())"
    }

    /// Glob matching with `*` (any run) and `?` (one character).
    static func wildcardMatch(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
