import EntropyPool
import Foundation
import Synchronization

/// Time-ordered identifiers (UUID version 7, RFC 9562): sortable by creation time, so the
/// newest-first listing and its cursor are an index scan, and claims "by age" follow creation.
/// Within one millisecond a process-wide counter in the 12 `rand_a` bits keeps identifiers
/// strictly increasing (RFC 9562 §6.2, method 1), so a bulk insert keeps its order.
public enum Identifier {
    private struct Last {
        var milliseconds: UInt64 = 0
        var counter: UInt16 = 0
    }
    private static let last = Mutex(Last())

    /// A new lowercase UUIDv7 string, greater than every one this process made before.
    public static func make(now: Date = Date()) -> String {
        var rng = PooledRandomNumberGenerator()
        let wall = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let (ms, counter): (UInt64, UInt16) = last.withLock { l in
            if wall > l.milliseconds {
                l.milliseconds = wall
                l.counter = UInt16.random(in: 0..<0x400, using: &rng)  // leaves room to count up
            } else if l.counter >= 0xFFF {
                l.milliseconds += 1  // counter exhausted: borrow the next millisecond
                l.counter = 0
            } else {
                l.counter += 1
            }
            return (l.milliseconds, l.counter)
        }
        return make(milliseconds: ms, counter: counter, using: &rng)
    }

    /// A UUIDv7 string for a given millisecond time, 12-bit counter and random source (tests).
    public static func make(milliseconds ms: UInt64, counter: UInt16 = 0, using rng: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - UInt64(i)))) }
        bytes[6] = 0x70 | UInt8((counter >> 8) & 0x0F)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        let r = rng.next() as UInt64
        for i in 8..<16 { bytes[i] = UInt8(truncatingIfNeeded: r >> (8 * UInt64(i - 8))) }
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
