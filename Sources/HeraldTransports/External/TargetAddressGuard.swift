import Foundation
import NIOCore
import NIOPosix
import WebhookClient
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SSRF guard of webhook targets: a URL's host is resolved and refused when any of its
/// addresses is loopback, link-local, private or otherwise not a public unicast address
/// (``isPublic(_:)``), unless private targets are allowed (`external.allowPrivateTargets`,
/// which tests and on-premises receivers set).
///
/// The webhook client resolves a host through ``addresses(of:)`` when it opens a connection
/// (answers are cached for ``cacheLifetime``) and connects to one of the addresses checked, so
/// a name whose answers change between check and connection (DNS rebinding) cannot lead it
/// to a private address. Redirects are never followed, so a public target cannot send a
/// request on to a private one.
public final class TargetAddressGuard: Sendable {
    /// A resolved address, as text and bytes (4 or 16).
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        public var bytes: [UInt8]
        public var description: String {
            if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            var in6 = in6_addr()
            withUnsafeMutableBytes(of: &in6) { $0.copyBytes(from: bytes) }
            _ = inet_ntop(AF_INET6, &in6, &buffer, socklen_t(buffer.count))
            return String(cString: buffer)
        }
        public init(bytes: [UInt8]) { self.bytes = bytes }
    }

    /// Why a target was refused, or could not be checked.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// The host resolves to an address that is not public.
        case privateAddress(host: String, address: Address, kind: String)
        /// The name did not resolve (retryable: DNS may be passing trouble).
        case unresolved(host: String, reason: String)

        public var description: String {
            switch self {
            case .privateAddress(let host, let address, let kind):
                host == address.description
                    ? "refused webhook target \(address): a \(kind) address (set external.allowPrivateTargets to allow it)"
                    : "refused webhook target \(host) (\(address)): a \(kind) address (set external.allowPrivateTargets to allow it)"
            case .unresolved(let host, let reason):
                "cannot resolve webhook target \(host): \(reason)"
            }
        }
    }

    /// Whether private targets are allowed (then nothing is checked).
    public let allowPrivateTargets: Bool
    /// How long a name's checked answers are reused.
    public let cacheLifetime: Duration
    private let cache = Mutex<[String: (addresses: [Address], until: ContinuousClock.Instant)]>([:])

    public init(allowPrivateTargets: Bool, cacheLifetime: Duration = .seconds(30)) {
        self.allowPrivateTargets = allowPrivateTargets
        self.cacheLifetime = cacheLifetime
    }

    /// Checks `host` (a name, an IPv4 literal or a bracketed or bare IPv6 literal); throws a
    /// ``Refusal``. Names are resolved on NIO's blocking-I/O pool.
    public func check(host rawHost: String) async throws(Refusal) {
        if allowPrivateTargets { return }
        _ = try await addresses(of: rawHost)
    }

    /// The addresses of `host` to connect to: resolved (cached for ``cacheLifetime``) and,
    /// unless private targets are allowed, every one checked; throws a ``Refusal``.
    public func addresses(of rawHost: String) async throws(Refusal) -> [Address] {
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let addresses: [Address]
        if let literal = Self.literal(host) {
            addresses = [literal]
        } else if let cached = cache.withLock({ $0[host.lowercased()] }), cached.until > .now {
            addresses = cached.addresses
        } else {
            let result: Result<[Address], Refusal>
            do {
                result = try await NIOThreadPool.singleton.runIfActive { Self.resolve(host) }
            } catch {
                result = .failure(.unresolved(host: host, reason: "\(error)"))
            }
            addresses = try result.get()
            let until = ContinuousClock.now.advanced(by: cacheLifetime)
            cache.withLock { $0[host.lowercased()] = (addresses, until) }
        }
        if allowPrivateTargets { return addresses }
        for address in addresses {
            if let kind = Self.nonPublicKind(address) {
                throw .privateAddress(host: host, address: address, kind: kind)
            }
        }
        return addresses
    }

    /// An IP literal's address, or nil for a name.
    static func literal(_ host: String) -> Address? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return Address(bytes: withUnsafeBytes(of: &v4) { Array($0) }) }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return Address(bytes: withUnsafeBytes(of: &v6) { Array($0) }) }
        return nil
    }

    /// `getaddrinfo` (blocking, through the webhook client's resolver): every address of `host`,
    /// in getaddrinfo's order (RFC 6724: the addresses to try first, first), without repeats.
    static func resolve(_ host: String) -> Result<[Address], Refusal> {
        let found: [SocketAddress]
        do {
            found = try WebhookClient.getAddresses(host: host, port: 0)
        } catch {
            return .failure(.unresolved(host: host, reason: "\(error)"))
        }
        var seen = Set<Address>()
        let out = found.compactMap { $0.ipAddress.flatMap(literal) }.filter { seen.insert($0).inserted }
        return out.isEmpty ? .failure(.unresolved(host: host, reason: "no addresses")) : .success(out)
    }

    /// Whether `address` is a public unicast address.
    public static func isPublic(_ address: Address) -> Bool { nonPublicKind(address) == nil }

    /// What kind of non-public address `address` is (`loopback`, `private`, `link-local`…), or
    /// nil for a public unicast address.
    public static func nonPublicKind(_ address: Address) -> String? {
        let b = address.bytes
        if b.count == 4 { return nonPublicKind(v4: b) }
        guard b.count == 16 else { return "malformed" }
        if b.allSatisfy({ $0 == 0 }) { return "unspecified" }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return "loopback" }
        // IPv4-mapped ::ffff:a.b.c.d and the deprecated IPv4-compatible ::a.b.c.d.
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return nonPublicKind(v4: Array(b[12..<16])) }
        if b[0..<12].allSatisfy({ $0 == 0 }) { return "IPv4-compatible" }
        // NAT64 64:ff9b::/96 carries an IPv4 address.
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4..<12].allSatisfy({ $0 == 0 }) {
            return nonPublicKind(v4: Array(b[12..<16]))
        }
        if b[0] & 0xFE == 0xFC { return "unique local (fc00::/7)" }
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return "link-local" }
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return "site-local" }
        if b[0] == 0xFF { return "multicast" }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return "documentation" }
        if b[0] == 0x01 && b[1..<8].allSatisfy({ $0 == 0 }) { return "discard-only" }
        return nil
    }

    static func nonPublicKind(v4 b: [UInt8]) -> String? {
        switch (b[0], b[1], b[2]) {
        case (0, _, _): return "this-network (0.0.0.0/8)"
        case (10, _, _): return "private"
        case (100, 64...127, _): return "shared (100.64.0.0/10)"
        case (127, _, _): return "loopback"
        case (169, 254, _): return "link-local"
        case (172, 16...31, _): return "private"
        case (192, 0, 0): return "IETF protocol (192.0.0.0/24)"
        case (192, 0, 2), (198, 51, 100), (203, 0, 113): return "documentation"
        case (192, 168, _): return "private"
        case (198, 18...19, _): return "benchmarking (198.18.0.0/15)"
        case (224...239, _, _): return "multicast"
        case (240...255, _, _): return "reserved"
        default: return nil
        }
    }
}
