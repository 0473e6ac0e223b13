import HeraldApp
import Testing

struct ProcessMemoryTests {
    /// `herald import`'s malloc settings reach glibc (found through `dlsym`, each accepted). The
    /// test asks for more arenas than glibc's default for these cores, so the test process's own
    /// allocations are not squeezed.
    @Test func theImportsMallocSettingsAreTakenOnLinux() {
        #if os(Linux)
        #expect(ProcessMemory.tuneForBulkImport(arenas: 64))
        #else
        #expect(!ProcessMemory.tuneForBulkImport(arenas: 64))
        #endif
    }
}
