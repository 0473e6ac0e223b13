import OpenType
import Synchronization

/// Compressed streams that repeat from document to document — the font subsets and ToUnicode
/// CMaps of letters made from one template use the same glyphs again and again — kept so that
/// each is subset and deflated once, not once per document.
///
/// Share one cache between the writers of a process (it is thread-safe) by setting
/// ``PDFOptions/streamCache``. The output is byte-identical with or without it. Entries are
/// keyed by the font object and the exact glyph list (or CMap bytes), so a hit is always the
/// stream the writer would have produced; when `capacity` entries are held the cache starts over.
public final class PDFStreamCache: Sendable {
    struct Key: Hashable {
        let kind: UInt8
        let font: ObjectIdentifier
        let level: Int
        let content: [UInt8]
    }
    struct Entry: Sendable {
        /// Kept so the font's identifier cannot be reused by another object while cached.
        let font: OpenTypeFont
        let payload: [UInt8]
        let length1: Int
    }

    private let entries = Mutex<[Key: Entry]>([:])
    private let capacity: Int

    /// - Parameter capacity: entries held before the cache starts over (a template's letters
    ///   need a handful each).
    public init(capacity: Int = 512) {
        self.capacity = max(1, capacity)
    }

    /// The cached stream for `key`, or the result of `make`, which is then cached.
    func stream(kind: UInt8, font: OpenTypeFont, level: Int, content: [UInt8],
                make: () throws -> (payload: [UInt8], length1: Int)) rethrows -> (payload: [UInt8], length1: Int) {
        let key = Key(kind: kind, font: ObjectIdentifier(font), level: level, content: content)
        if let hit = entries.withLock({ $0[key] }), hit.font === font { return (hit.payload, hit.length1) }
        let made = try make()
        entries.withLock {
            if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
            $0[key] = Entry(font: font, payload: made.payload, length1: made.length1)
        }
        return made
    }
}
