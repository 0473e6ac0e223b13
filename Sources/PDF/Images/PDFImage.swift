/// A raster image to embed as an image XObject.
public struct PDFImage: Sendable {
    /// Colour space of the samples.
    public enum ColorSpace: Sendable, Equatable {
        /// One component, DeviceGray.
        case gray
        /// Three components, DeviceRGB.
        case rgb
        /// Four components, DeviceCMYK.
        case cmyk

        /// Number of colour components per pixel.
        public var componentCount: Int {
            switch self {
            case .gray: return 1
            case .rgb: return 3
            case .cmyk: return 4
            }
        }
    }

    /// Sample data in one of the encodings PDF can embed directly.
    public enum Data: Sendable {
        /// Uncompressed samples, rows padded to whole bytes; the writer deflates them.
        case raw([UInt8])
        /// zlib-compressed samples (no predictor), embedded as they are with `/FlateDecode`.
        case flate([UInt8])
        /// A baseline or progressive JPEG file, embedded as it is with `/DCTDecode`.
        case jpeg([UInt8])
    }

    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Bits per component: 1, 2, 4, 8 or 16 (8 for JPEG).
    public var bitsPerComponent: Int
    /// Colour space of the samples.
    public var colorSpace: ColorSpace
    /// The samples.
    public var data: Data
    /// Optional alpha channel as a gray image, embedded as the image's `/SMask`.
    public var softMask: PDFImage? {
        get { softMaskBox?.image }
        set { softMaskBox = newValue.map(Box.init) }
    }
    /// Adobe-style CMYK JPEGs store inverted samples; `true` writes `/Decode [1 0 1 0 1 0 1 0]`.
    public var invertedCMYK: Bool

    private var softMaskBox: Box?

    /// Creates an image description.
    public init(
        width: Int, height: Int, bitsPerComponent: Int, colorSpace: ColorSpace, data: Data,
        softMask: PDFImage? = nil, invertedCMYK: Bool = false
    ) {
        self.width = width
        self.height = height
        self.bitsPerComponent = bitsPerComponent
        self.colorSpace = colorSpace
        self.data = data
        self.invertedCMYK = invertedCMYK
        self.softMaskBox = softMask.map(Box.init)
    }

    /// Indirection so that the struct can contain an optional value of its own type.
    private final class Box: Sendable {
        let image: PDFImage
        init(_ image: PDFImage) { self.image = image }
    }
}
