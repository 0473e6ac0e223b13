/// Merge data for templates rendered outside the pipeline (`herald render letter`): one JSON
/// object read by the catalog's strict JSON reader (duplicate keys and trailing commas are
/// errors, with the line) into the plain values Mustache renders. Numbers keep the text they
/// were written with (`12.50` stays `12.50`); `null` renders empty.
public enum MergeData {
    /// Why a data object was refused.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses `text`, which must hold one JSON object.
    public static func object(from text: String) throws(Failure) -> [String: Any] {
        let node: CatalogJSON.Node
        do {
            node = try CatalogJSON.parse(text)
        } catch {
            throw Failure(description: "line \(error.line): \(error.message)")
        }
        guard case .object = node.value, let object = mustacheValue(node.value) as? [String: Any] else {
            throw Failure(description: "expected a JSON object of merge data, found \(node.value.typeName)")
        }
        return object
    }

    static func mustacheValue(_ value: CatalogJSON.Value) -> Any {
        switch value {
        case .object(let members):
            var out: [String: Any] = [:]
            out.reserveCapacity(members.count)
            for member in members { out[member.key] = mustacheValue(member.node.value) }
            return out
        case .array(let nodes): return nodes.map { mustacheValue($0.value) }
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag
        case .null: return ""
        }
    }
}
