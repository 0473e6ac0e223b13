import Foundation
@testable import OpenType

/// The DejaVu fonts shipped with Letterpress, read from the source tree.
enum TestFonts {
    /// Resolved through symlinks so that development packages linking the test folder also work.
    static let directory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent() // Support
        .deletingLastPathComponent() // OpenTypeTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // package root
        .appendingPathComponent("Sources/Letterpress/Resources/Fonts")

    static let allNames = [
        "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
        "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf",
    ]

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// DejaVu Sans, parsed once for all tests.
    static let sansBytes: [UInt8] = (try? bytes("DejaVuSans.ttf")) ?? []
    static let sans: OpenTypeFont? = try? OpenTypeFont(data: sansBytes)

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("opentype-tests-\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The absolute offset and length of table `tag` in a font file (parsed independently of the module).
    static func tableLocation(_ tag: String, in font: [UInt8]) -> (offset: Int, length: Int)? {
        func u16(_ at: Int) -> Int { Int(font[at]) << 8 | Int(font[at + 1]) }
        func u32(_ at: Int) -> Int { u16(at) << 16 | u16(at + 2) }
        let count = u16(4)
        for index in 0 ..< count {
            let record = 12 + index * 16
            if String(decoding: font[record ..< record + 4], as: UTF8.self) == tag {
                return (u32(record + 8), u32(record + 12))
            }
        }
        return nil
    }
}

/// A deterministic random number generator (SplitMix64) so fuzz failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
