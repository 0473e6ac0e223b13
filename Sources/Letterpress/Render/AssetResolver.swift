import Foundation

/// Turns a URL written in a document (`img src`, `@font-face src`) into a file inside the
/// assets folder, refusing anything else.
struct AssetResolver: Sendable {
    let folder: URL?

    func resolve(_ source: String, kind: String) throws(LetterpressError) -> (url: URL, stamp: AssetCache.Stamp) {
        let trimmed = source.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("file:") {
            throw .assetOutsideFolder(source)
        }
        if lower.contains("://") || lower.hasPrefix("data:") || lower.hasPrefix("//") {
            throw .remoteAsset(source)
        }
        guard let folder else { throw .missingAsset(source, kind: kind) }
        let path = trimmed.removingPercentEncoding ?? trimmed
        if path.hasPrefix("/") { throw .assetOutsideFolder(source) }
        let base = folder.standardizedFileURL
        let url = base.appendingPathComponent(path).standardizedFileURL
        let basePath = base.path.hasSuffix("/") ? base.path : base.path + "/"
        guard url.path.hasPrefix(basePath) else { throw .assetOutsideFolder(source) }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              (attributes[.type] as? FileAttributeType) == .typeRegular else {
            throw .missingAsset(source, kind: kind)
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return (url, AssetCache.Stamp(size: size, modified: modified))
    }
}
