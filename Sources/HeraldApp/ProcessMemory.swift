import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's allocator tuned for a bulk import (`herald import`, `herald bench import`),
/// where the import's memory goal (peak RSS under 150 MB however large the file) is at stake.
///
/// glibc's malloc gives each thread that allocates under contention its own arena, up to eight
/// per core, and memory freed in one arena serves only that arena's threads; it also raises its
/// `mmap` threshold after each large block freed, so the import's per-transaction arrays
/// (thousands of submissions) end up inside arenas, not returned to the system. An import's
/// lines are made on the parsing tasks' threads and freed on the writer's, so every arena
/// held its high-water mark: `herald bench import --lines 1000000` peaked at 141–151 MiB of
/// RSS. With at most as many arenas as parsing tasks (2 on these 2 cores) and blocks of 4 MiB
/// and more always mapped (and unmapped when freed), the same run peaks at 119–126 MiB, no
/// slower. A 256 KiB threshold kept it at 119 MiB but mapped (and zero-filled) every chunk's
/// arrays anew: the resumed import, all look-ups, fell from 200,000 to 140,000 lines/s.
/// `herald serve` keeps glibc's defaults (its many threads allocate at once).
///
/// `mallopt` is found through `dlsym` (its header is not part of Swift's Glibc module); on
/// another C library, or macOS, nothing is done.
public enum ProcessMemory {
    /// `M_MMAP_THRESHOLD` and `M_ARENA_MAX` (glibc's malloc.h).
    private static let mmapThresholdParameter: Int32 = -3, arenaMaxParameter: Int32 = -8

    /// Blocks of this size and more are mapped on their own (and unmapped when freed).
    static let mmapThreshold: Int32 = 4 * 1024 * 1024

    /// Tunes glibc's malloc for a bulk import; call once, before the import starts its tasks.
    /// Returns whether `mallopt` took both settings.
    @discardableResult
    public static func tuneForBulkImport(arenas: Int = max(2, min(4, ProcessInfo.processInfo.activeProcessorCount))) -> Bool {
        #if os(Linux)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        return mallopt(arenaMaxParameter, Int32(arenas)) == 1 && mallopt(mmapThresholdParameter, mmapThreshold) == 1
        #else
        return false
        #endif
    }
}
