import Foundation
import OpenType
import PDF
import Synchronization

/// Fonts and images read from assets folders, parsed once and shared by every render of one
/// `LetterpressRenderer`. An entry is reused only while the file's size and modification time
/// are unchanged, so an edited letterhead is picked up without a restart.
final class AssetCache: Sendable {
    struct Stamp: Equatable {
        let size: Int
        let modified: Double
    }
    struct Image: Sendable {
        /// Intrinsic size in CSS pixels.
        let width: Double
        let height: Double
        /// Ready for the PDF writer (samples already compressed once).
        let pdf: PDFImage
    }

    private struct State {
        var fonts: [String: (Stamp, OpenTypeFont)] = [:]
        var images: [String: (Stamp, Image)] = [:]
    }
    private let state = Mutex(State())
    /// Beyond this many entries of a kind the cache starts over (templates use a handful).
    private let capacity = 128

    func font(at url: URL, stamp: Stamp, load: () throws -> OpenTypeFont) rethrows -> OpenTypeFont {
        if let hit = state.withLock({ $0.fonts[url.path] }), hit.0 == stamp { return hit.1 }
        let font = try load()
        state.withLock {
            if $0.fonts.count >= capacity { $0.fonts.removeAll() }
            $0.fonts[url.path] = (stamp, font)
        }
        return font
    }

    func image(at url: URL, stamp: Stamp, load: () throws -> Image) rethrows -> Image {
        if let hit = state.withLock({ $0.images[url.path] }), hit.0 == stamp { return hit.1 }
        let image = try load()
        state.withLock {
            if $0.images.count >= capacity { $0.images.removeAll() }
            $0.images[url.path] = (stamp, image)
        }
        return image
    }
}
