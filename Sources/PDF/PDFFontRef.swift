/// A font registered with a ``PDFWriter``; valid only for that writer.
public struct PDFFontRef: Hashable, Sendable {
    let index: Int
}
