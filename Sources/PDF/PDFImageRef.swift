/// An image registered with a ``PDFWriter``; valid only for that writer.
public struct PDFImageRef: Hashable, Sendable {
    let index: Int
}
