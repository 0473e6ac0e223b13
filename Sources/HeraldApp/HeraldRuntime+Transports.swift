import ServiceLifecycle

extension HeraldRuntime {
    /// Runs the transport services (``transportServices()``: the SMPP route and its receipt
    /// processor) until cancelled — beside ``runUntilQuiet(maxRounds:)`` in tests and tools
    /// that drive the stages themselves. Returns at once when no transport needs a service.
    public func runTransports() async throws {
        let services = transportServices()
        try await withThrowingDiscardingTaskGroup { group in
            for service in services { group.addTask { try await service.run() } }
        }
    }
}
