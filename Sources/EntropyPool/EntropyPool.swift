#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Kernel randomness fetched 512 bytes at a time and handed out 8 at a time:
/// the same CSPRNG as `SystemRandomNumberGenerator`, which makes one system call per 8 bytes
/// (every identifier and MIME boundary of the email path took one or two).
public enum EntropyPool {
    private struct Pool {
        var bytes = [UInt8](repeating: 0, count: 512)
        var used = 512
    }
    private static let pool = Mutex(Pool())

    /// Eight random bytes.
    public static func next() -> UInt64 {
        pool.withLock { pool in
            if pool.used + 8 > pool.bytes.count {
                refill(&pool.bytes)
                pool.used = 0
            }
            defer { pool.used += 8 }
            return pool.bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: pool.used, as: UInt64.self) }
        }
    }

    private static func refill(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            #if canImport(Darwin)
            arc4random_buf(buffer.baseAddress!, buffer.count)
            #else
            // `/dev/urandom` is the kernel CSPRNG `getrandom` reads (Swift's Glibc module does not
            // declare `getrandom`); opened once, kept open.
            var filled = 0
            if let fd = urandom {
                while filled < buffer.count {
                    let n = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                    if n > 0 { filled += n } else if n < 0 && errno == EINTR { continue } else { break }
                }
            }
            // Without /dev/urandom (an odd container): the standard library's source, 8 bytes a call.
            var generator = SystemRandomNumberGenerator()
            while filled < buffer.count {
                var word = generator.next()
                let count = min(8, buffer.count - filled)
                withUnsafeBytes(of: &word) { (buffer.baseAddress! + filled).copyMemory(from: $0.baseAddress!, byteCount: count) }
                filled += count
            }
            #endif
        }
    }

    #if !canImport(Darwin)
    private static let urandom: Int32? = {
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }()
    #endif
}

/// A `RandomNumberGenerator` drawing from ``EntropyPool``.
public struct PooledRandomNumberGenerator: RandomNumberGenerator, Sendable {
    public init() {}
    public mutating func next() -> UInt64 { EntropyPool.next() }
}
