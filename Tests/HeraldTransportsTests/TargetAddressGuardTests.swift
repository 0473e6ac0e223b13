import Testing
@testable import HeraldTransports

@Suite struct TargetAddressGuardTests {
    func kind(_ literal: String) -> String? {
        TargetAddressGuard.nonPublicKind(TargetAddressGuard.literal(literal)!)
    }

    @Test func classifiesAddresses() {
        for address in ["127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                        "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3", "224.0.0.1", "255.255.255.255", "192.0.2.1",
                        "198.18.0.1", "::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:10.0.0.1",
                        "::ffff:127.0.0.1", "64:ff9b::a00:1", "2001:db8::1", "::127.0.0.1"] {
            #expect(kind(address) != nil, "\(address)")
        }
        for address in ["8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1", "192.169.0.1",
                        "2a00:1450:4009:80b::200e", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"] {
            #expect(kind(address) == nil, "\(address)")
        }
        #expect(TargetAddressGuard.literal("example.com") == nil)
        #expect(TargetAddressGuard.literal("::1")?.description == "::1")
        #expect(TargetAddressGuard.literal("10.0.0.1")?.description == "10.0.0.1")
    }

    @Test func refusesNamesResolvingToLoopback() async throws {
        let guardian = TargetAddressGuard(allowPrivateTargets: false)
        await #expect(throws: TargetAddressGuard.Refusal.self) { try await guardian.check(host: "localhost") }
        await #expect(throws: TargetAddressGuard.Refusal.self) { try await guardian.check(host: "[::1]") }
        // Allowed: nothing is checked.
        try await TargetAddressGuard(allowPrivateTargets: true).check(host: "localhost")
        try await TargetAddressGuard(allowPrivateTargets: true).check(host: "10.0.0.1")
        // A public literal passes without a lookup.
        try await guardian.check(host: "8.8.8.8")
    }
}
