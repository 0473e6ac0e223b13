import Synchronization

/// Parsed author style sheets by their text, so a batch of letters from one template parses
/// its CSS once.
enum StyleSheetCache {
    static let capacity = 64
    private static let storage = Mutex<[String: StyleSheet]>([:])

    static func sheet(for css: String) -> StyleSheet {
        if let hit = storage.withLock({ $0[css] }) { return hit }
        let sheet = CSSParser.parseStyleSheet(css)
        storage.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[css] = sheet
        }
        return sheet
    }
}
