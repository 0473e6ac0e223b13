/// The embedding licence of a font, decoded from `OS/2.fsType`.
///
/// A font without an `OS/2` table is treated as installable (`rawValue` 0).
public struct EmbeddingPermissions: Sendable, Equatable, Hashable {
    /// Restricted License embedding: must not be embedded unless another usage bit is also set.
    public static let restrictedLicenseBit: UInt16 = 0x0002
    /// Preview & Print embedding.
    public static let previewAndPrintBit: UInt16 = 0x0004
    /// Editable embedding.
    public static let editableBit: UInt16 = 0x0008
    /// No subsetting: only the complete font may be embedded.
    public static let noSubsettingBit: UInt16 = 0x0100
    /// Bitmap embedding only: outlines must not be embedded.
    public static let bitmapOnlyBit: UInt16 = 0x0200

    /// The raw `fsType` value.
    public let rawValue: UInt16

    /// Wraps a raw `fsType` value.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Whether the font's outlines may be embedded in a document such as a PDF.
    ///
    /// False when the Restricted License bit is set without a less restrictive usage bit
    /// (Preview & Print or Editable), or when only bitmap embedding is allowed.
    public var isEmbeddable: Bool {
        if rawValue & Self.bitmapOnlyBit != 0 { return false }
        let usage = rawValue & (Self.restrictedLicenseBit | Self.previewAndPrintBit | Self.editableBit)
        return usage != Self.restrictedLicenseBit
    }

    /// Whether a subset (rather than the whole font) may be embedded.
    public var allowsSubsetting: Bool {
        rawValue & Self.noSubsettingBit == 0
    }
}
