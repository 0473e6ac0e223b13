import Foundation
import HeraldCore
import Testing

@Suite("CommsStore conformance: email suppression")
struct SuppressionConformance {
    @Test(arguments: StoreFactory.all)
    func suppressedAddressesAreFoundCaseInsensitivelyAndOthersAreNot(_ factory: StoreFactory) async throws {
        let s = try await factory.make()
        defer { s.cleanup() }
        #expect(try await s.store.suppressed(["gone@example.net"]).isEmpty)
        try await s.store.suppress(addresses: ["Gone@Example.net"], reason: "hard bounce 5.1.1", at: Fixtures.t0)
        try await s.store.suppress(addresses: ["gone@example.net", "also@example.net"], reason: "again", at: Fixtures.t0.addingTimeInterval(60))
        let found = try await s.store.suppressed(["gone@example.net", "GONE@example.NET", "fine@example.net", "also@example.net"])
        #expect(found == ["gone@example.net", "GONE@example.NET", "also@example.net"])
        #expect(try await s.store.suppressed([]).isEmpty)
    }
}
