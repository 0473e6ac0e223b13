import Foundation
import OpenType

/// The DejaVu Sans and DejaVu Serif families shipped inside the package (Bitstream Vera
/// licence, `Resources/Fonts/LICENSE-DejaVu.txt`), so a template that names no font renders on
/// a machine with no fonts installed. Parsed once per process.
enum BuiltInFonts {
    struct Face: Sendable {
        let family: String
        let weight: Int
        let italic: Bool
        let font: OpenTypeFont
    }

    static let files: [(file: String, family: String, weight: Int, italic: Bool)] = [
        ("DejaVuSerif", "dejavu serif", 400, false),
        ("DejaVuSerif-Bold", "dejavu serif", 700, false),
        ("DejaVuSerif-Italic", "dejavu serif", 400, true),
        ("DejaVuSerif-BoldItalic", "dejavu serif", 700, true),
        ("DejaVuSans", "dejavu sans", 400, false),
        ("DejaVuSans-Bold", "dejavu sans", 700, false),
        ("DejaVuSans-Oblique", "dejavu sans", 400, true),
        ("DejaVuSans-BoldOblique", "dejavu sans", 700, true),
    ]

    /// Generic CSS families and the built-in family each maps to.
    static let generic: [String: String] = [
        "serif": "dejavu serif", "sans-serif": "dejavu sans", "monospace": "dejavu sans",
        "system-ui": "dejavu sans", "cursive": "dejavu serif", "fantasy": "dejavu serif",
        "dejavu serif": "dejavu serif", "dejavu sans": "dejavu sans",
    ]

    /// The faces, or why they could not be loaded (a broken installation: the resource bundle
    /// is missing).
    /// Where the font files are: `LETTERPRESS_FONTS_DIR` when set (for a binary copied without
    /// its `Herald_Letterpress.resources` bundle), else the package's resource bundle.
    static func url(of file: String) -> URL? {
        if let folder = ProcessInfo.processInfo.environment["LETTERPRESS_FONTS_DIR"], !folder.isEmpty {
            return URL(fileURLWithPath: folder).appendingPathComponent("\(file).ttf")
        }
        return Bundle.module.url(forResource: file, withExtension: "ttf", subdirectory: "Fonts")
            ?? Bundle.module.url(forResource: file, withExtension: "ttf")
    }

    static let faces: Result<[Face], LetterpressError> = {
        var out: [Face] = []
        for entry in files {
            guard let url = url(of: entry.file), let data = FileManager.default.contents(atPath: url.path) else {
                return .failure(.fontUnusable("\(entry.file).ttf (built-in)", reason: "not found in LETTERPRESS_FONTS_DIR or in the Herald_Letterpress.resources folder next to the program"))
            }
            do {
                out.append(Face(family: entry.family, weight: entry.weight, italic: entry.italic,
                                font: try OpenTypeFont(data: [UInt8](data))))
            } catch {
                return .failure(.fontUnusable("\(entry.file).ttf (built-in)", reason: "\(error)"))
            }
        }
        return .success(out)
    }()
}
