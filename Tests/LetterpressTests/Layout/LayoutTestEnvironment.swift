import Foundation
import Letterpress
import OpenType
import StyledHTML

/// A layout environment over the bundled DejaVu fonts (Serif for `serif` and unknown
/// families, Sans for `sans-serif`, falling back to Sans for characters Serif lacks) and a
/// fixed 200×100 px size for every image except `missing.png`.
final class LayoutTestEnvironment: LayoutEnvironment {
    struct MissingImage: Error, Equatable {
        var source: String
    }

    struct FontNotLoaded: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "test font \(path) could not be loaded: \(reason)" }
    }

    /// Loaded once; every test that needs it fails with the reason when the fonts are missing.
    private static let loaded: Result<LayoutTestEnvironment, FontNotLoaded> = {
        let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Letterpress/Resources/Fonts")
        let names = ["DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic", "DejaVuSerif-BoldItalic",
                     "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"]
        var fonts: [OpenTypeFont] = []
        for name in names {
            let url = directory.appendingPathComponent(name + ".ttf")
            do {
                let data = try Data(contentsOf: url)
                fonts.append(try OpenTypeFont(data: [UInt8](data)))
            } catch {
                return .failure(FontNotLoaded(path: url.path, reason: "\(error)"))
            }
        }
        return .success(LayoutTestEnvironment(fonts: fonts))
    }()

    /// The shared environment (throws when the DejaVu fonts cannot be read).
    static func make() throws -> LayoutTestEnvironment {
        try loaded.get()
    }

    /// Serif regular, bold, italic, bold italic; Sans regular, bold, oblique, bold oblique.
    let fonts: [OpenTypeFont]

    static let serif = 0
    static let sans = 4

    private init(fonts: [OpenTypeFont]) {
        self.fonts = fonts
    }

    func font(family: [String], weight: Int, style: ComputedStyle.FontStyle) -> FontID {
        var base = LayoutTestEnvironment.serif
        for name in family {
            if name == "sans-serif" || name == "dejavu sans" || name == "arial" || name == "helvetica" {
                base = LayoutTestEnvironment.sans
                break
            }
            if name == "serif" || name == "dejavu serif" { break }
        }
        return FontID(base + (weight >= 600 ? 1 : 0) + (style == .italic ? 2 : 0))
    }

    func font(for scalar: Unicode.Scalar, preferred: FontID) -> FontID? {
        if face(preferred).glyphID(for: scalar) != 0 { return preferred }
        if fonts[LayoutTestEnvironment.sans].glyphID(for: scalar) != 0 { return FontID(LayoutTestEnvironment.sans) }
        return nil
    }

    func face(_ id: FontID) -> OpenTypeFont {
        fonts[min(max(id.index, 0), fonts.count - 1)]
    }

    func imageSize(source: String) throws -> (width: Double, height: Double) {
        if source == "missing.png" { throw MissingImage(source: source) }
        return (200, 100)
    }
}
