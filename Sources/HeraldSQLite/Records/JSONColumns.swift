import Foundation
import GRDB
import HeraldCore
import Synchronization

/// Reads JSON text columns by hand, with fast paths for the empty values most rows hold; the
/// hot paths (claims, target contexts) decode thousands of rows a second.
enum JSONColumns {
    /// One decoder for every call (configured once; decoding keeps no shared state).
    nonisolated(unsafe) static let decoder = JSONDecoder()

    static func dictionary(_ row: Row, _ column: String) -> [String: String] {
        dictionary(row[column] as String?)
    }

    static func dictionary(_ text: String?) -> [String: String] {
        guard let text, text != "{}", !text.isEmpty else { return [:] }
        return (try? StringMapJSON.decode(text)) ?? [:]
    }

    /// A customer's preferences. Customers share a handful of preference texts (the same
    /// opt-outs and preferred methods), and the Comms Monitor reads one per request: each text
    /// is decoded once and kept (at most 1,024 of them) instead of through a JSONDecoder per row.
    static func preferences(_ row: Row, _ column: String) -> Preferences {
        guard let text: String = row[column], !text.isEmpty, text != "null",
              text != #"{"optOut":[],"preferredMethods":[]}"#, text != #"{"preferredMethods":[],"optOut":[]}"# else { return .none }
        if let known = decodedPreferences.withLock({ $0[text] }) { return known }
        let value = (try? decoder.decode(Preferences.self, from: Data(text.utf8))) ?? .none
        decodedPreferences.withLock { cache in
            if cache.count >= 1_024 { cache.removeAll() }
            cache[text] = value
        }
        return value
    }

    private static let decodedPreferences = Mutex<[String: Preferences]>([:])

    /// Decodes a JSON column; `null`, `[]` and empty text give `empty`.
    static func value<T: Decodable>(_ type: T.Type, _ row: Row, _ column: String, empty: T) -> T {
        guard let text: String = row[column], text != "null", text != "[]", !text.isEmpty else { return empty }
        return (try? decoder.decode(T.self, from: Data(text.utf8))) ?? empty
    }
}
