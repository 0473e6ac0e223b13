/// Why a document could not be rendered. The message names the file or rule at fault.
public struct LetterpressError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case missingAsset, notAnImage, imageTooLarge, fontUnusable, assetOutsideFolder, remoteAsset, tooManyPages, pdf
    }
    private let code: Code
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// An image or font the document references does not exist or cannot be read.
    public static func missingAsset(_ file: String, kind: String) -> Self {
        Self(.missingAsset, "\(kind) \"\(file)\" does not exist or cannot be read")
    }
    /// A file referenced as an image is not a PNG or JPEG (or is damaged).
    public static func notAnImage(_ file: String, reason: String) -> Self {
        Self(.notAnImage, "image \"\(file)\" cannot be used: \(reason)")
    }
    /// An image over the configured size limit.
    public static func imageTooLarge(_ file: String, reason: String) -> Self {
        Self(.imageTooLarge, "image \"\(file)\" is too large: \(reason)")
    }
    /// A font that cannot be parsed or whose licence forbids embedding.
    public static func fontUnusable(_ file: String, reason: String) -> Self {
        Self(.fontUnusable, "font \"\(file)\" cannot be used: \(reason)")
    }
    /// A relative URL that climbs out of the assets folder (`../../etc/passwd`), or an
    /// absolute path.
    public static func assetOutsideFolder(_ file: String) -> Self {
        Self(.assetOutsideFolder, "\"\(file)\" is outside the assets folder; only files inside it are read")
    }
    /// `http:`/`https:` and other URLs: nothing is fetched from the network.
    public static func remoteAsset(_ file: String) -> Self {
        Self(.remoteAsset, "\"\(file)\" is not a file in the assets folder; nothing is fetched from the network")
    }
    /// The layout needed more pages than allowed.
    public static func tooManyPages(limit: Int) -> Self {
        Self(.tooManyPages, "the document needs more than \(limit) pages")
    }
    /// The PDF writer refused something.
    public static func pdf(_ reason: String) -> Self { Self(.pdf, "PDF: \(reason)") }
}
