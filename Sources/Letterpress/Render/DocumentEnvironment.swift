import CompressNIO
import Foundation
import NIOCore
import OpenType
import PDF
import RasterImages
import StyledHTML

/// The fonts and images of one document: the built-in DejaVu families plus the document's
/// `@font-face` fonts, and images from its assets folder. Implements what the layout needs.
struct DocumentEnvironment: LayoutEnvironment {
    struct Face: Sendable {
        let family: String
        let weight: Int
        let italic: Bool
        let font: OpenTypeFont
    }

    /// Every face the document can use; a `FontID` indexes this array.
    let faces: [Face]
    private let resolver: AssetResolver
    private let cache: AssetCache
    private let limits: ImageLimits
    private let compressionLevel: Int

    init(document: StyledDocument, options: RenderOptions, cache: AssetCache) throws(LetterpressError) {
        let builtIn: [BuiltInFonts.Face]
        switch BuiltInFonts.faces {
        case .success(let faces): builtIn = faces
        case .failure(let error): throw error
        }
        resolver = AssetResolver(folder: options.assets)
        self.cache = cache
        limits = options.imageLimits
        compressionLevel = options.compressionLevel
        // Document fonts first: a document may redefine a built-in family name.
        var faces: [Face] = []
        for rule in document.fontFaces {
            let (url, stamp) = try resolver.resolve(rule.source, kind: "font")
            let font: OpenTypeFont
            do {
                font = try cache.font(at: url, stamp: stamp) {
                    guard let data = FileManager.default.contents(atPath: url.path) else {
                        throw LetterpressError.missingAsset(rule.source, kind: "font")
                    }
                    return try OpenTypeFont(data: [UInt8](data))
                }
            } catch let error as LetterpressError {
                throw error
            } catch {
                throw .fontUnusable(rule.source, reason: "\(error)")
            }
            guard font.embedding.isEmbeddable else {
                throw .fontUnusable(rule.source, reason: "its licence (OS/2 fsType) does not allow embedding")
            }
            faces.append(Face(family: rule.family, weight: rule.weight, italic: rule.style == .italic, font: font))
        }
        faces += builtIn.map { Face(family: $0.family, weight: $0.weight, italic: $0.italic, font: $0.font) }
        self.faces = faces
    }

    func font(family: [String], weight: Int, style: ComputedStyle.FontStyle) -> FontID {
        for name in family {
            if let id = bestFace(family: name, weight: weight, italic: style == .italic) { return id }
            if let mapped = BuiltInFonts.generic[name],
               let id = bestFace(family: mapped, weight: weight, italic: style == .italic) { return id }
        }
        return bestFace(family: "dejavu serif", weight: weight, italic: style == .italic) ?? FontID(0)
    }

    func font(for scalar: Unicode.Scalar, preferred: FontID) -> FontID? {
        let wanted = faces[preferred.index]
        if wanted.font.glyphID(for: scalar) != 0 { return preferred }
        for family in ["dejavu sans", "dejavu serif"] {
            if let id = bestFace(family: family, weight: wanted.weight, italic: wanted.italic),
               faces[id.index].font.glyphID(for: scalar) != 0 {
                return id
            }
        }
        return faces.indices.first { faces[$0].font.glyphID(for: scalar) != 0 }.map(FontID.init)
    }

    func face(_ id: FontID) -> OpenTypeFont { faces[id.index].font }

    func imageSize(source: String) throws -> (width: Double, height: Double) {
        let image = try image(source: source)
        return (image.width, image.height)
    }

    /// The image behind a `src`, decoded and compressed once per process (while unchanged).
    func image(source: String) throws(LetterpressError) -> AssetCache.Image {
        let (url, stamp) = try resolver.resolve(source, kind: "image")
        if stamp.size > limits.maxBytes {
            throw .imageTooLarge(source, reason: "\(stamp.size) bytes, the limit is \(limits.maxBytes)")
        }
        do {
            return try cache.image(at: url, stamp: stamp) {
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw LetterpressError.missingAsset(source, kind: "image")
                }
                return try Self.prepare([UInt8](data), source: source, limits: limits, level: compressionLevel)
            }
        } catch let error as LetterpressError {
            throw error
        } catch {
            throw .notAnImage(source, reason: "\(error)")
        }
    }

    private func bestFace(family: String, weight: Int, italic: Bool) -> FontID? {
        var best: (index: Int, score: Int)?
        for (index, face) in faces.enumerated() where face.family == family {
            // Style first, then the nearest weight (heavier wins a tie above 400, as CSS does).
            var score = face.italic == italic ? 0 : 10_000
            let distance = abs(face.weight - weight)
            score += distance * 2 + ((face.weight < weight && weight > 400) ? 1 : 0)
            if score < (best?.score ?? .max) { best = (index, score) }
        }
        return best.map { FontID($0.index) }
    }

    static func prepare(_ bytes: [UInt8], source: String, limits: ImageLimits, level: Int) throws -> AssetCache.Image {
        let decoded: RasterImage
        do {
            decoded = try RasterImage.decode(bytes, source: source, limits: limits)
        } catch {
            let text = "\(error)"
            if text.contains("limit") || text.contains("large") {
                throw LetterpressError.imageTooLarge(source, reason: text)
            }
            throw LetterpressError.notAnImage(source, reason: text)
        }
        switch decoded {
        case .jpeg(let jpeg):
            let space: PDFImage.ColorSpace = jpeg.components == 1 ? .gray : jpeg.components == 4 ? .cmyk : .rgb
            var image = PDFImage(width: jpeg.width, height: jpeg.height, bitsPerComponent: jpeg.bitsPerComponent,
                                 colorSpace: space, data: .jpeg(jpeg.data))
            image.invertedCMYK = jpeg.isAdobeInverted
            return AssetCache.Image(width: Double(jpeg.width), height: Double(jpeg.height), pdf: image)
        case .png(let png):
            var image = PDFImage(width: png.width, height: png.height, bitsPerComponent: 8,
                                 colorSpace: png.components == 1 ? .gray : .rgb,
                                 data: .flate(try Deflate.zlib(png.pixels, level: level)))
            if let alpha = png.alpha {
                image.softMask = PDFImage(width: png.width, height: png.height, bitsPerComponent: 8,
                                          colorSpace: .gray, data: .flate(try Deflate.zlib(alpha, level: level)))
            }
            return AssetCache.Image(width: Double(png.width), height: Double(png.height), pdf: image)
        }
    }
}
