/// A registered image: kept until a page first draws it, then written once and dropped.
struct ImageSlot {
    /// The image while it has not been written.
    var pending: PDFImage?
    /// Its XObject once written.
    var object: Int?
    /// Set when validation or writing failed (the error is recorded for `finish`).
    var failed = false
}
