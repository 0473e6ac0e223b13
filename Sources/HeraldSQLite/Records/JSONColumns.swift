import Foundation
import GRDB
import HeraldCore

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

    /// Decodes a JSON column; `null`, `[]`, empty text and any of `emptyForms` give `empty`.
    static func value<T: Decodable>(_ type: T.Type, _ row: Row, _ column: String, empty: T, emptyForms: Set<String> = []) -> T {
        guard let text: String = row[column], text != "null", text != "[]", !text.isEmpty, !emptyForms.contains(text) else { return empty }
        return (try? decoder.decode(T.self, from: Data(text.utf8))) ?? empty
    }
}
