/// Reverses PNG row filtering (None, Sub, Up, Average, Paeth) in place.
enum PNGUnfilter {
    /// A row whose filter-type byte is not 0–4.
    struct Failure: Error {
        let row: Int
        let filterType: UInt8
    }

    /// Unfilters `rows` rows of `1 + rowBytes` bytes each (filter byte first) starting at `base`.
    /// `stride` is the number of bytes per complete pixel (at least 1).
    /// - Returns: nil on success, or the first row with an unknown filter type.
    static func unfilter(_ base: UnsafeMutablePointer<UInt8>, rows: Int, rowBytes: Int, stride: Int) -> Failure? {
        guard rows > 0, rowBytes > 0 else { return nil }
        // A zero row stands for the row above the first one.
        let zero = UnsafeMutablePointer<UInt8>.allocate(capacity: rowBytes)
        zero.initialize(repeating: 0, count: rowBytes)
        defer { zero.deallocate() }
        var prior = UnsafePointer(zero)
        for y in 0..<rows {
            let rowStart = base + y * (rowBytes + 1)
            let filter = rowStart[0]
            let x = rowStart + 1
            let n = rowBytes
            let s = min(stride, n)
            switch filter {
            case 0:
                break
            case 1:
                var i = s
                while i < n {
                    x[i] &+= x[i - s]
                    i += 1
                }
            case 2:
                for i in 0..<n { x[i] &+= prior[i] }
            case 3:
                for i in 0..<s { x[i] &+= prior[i] >> 1 }
                var i = s
                while i < n {
                    x[i] &+= UInt8((UInt16(x[i - s]) + UInt16(prior[i])) >> 1)
                    i += 1
                }
            case 4:
                for i in 0..<s { x[i] &+= prior[i] }
                var i = s
                while i < n {
                    let a = Int(x[i - s]), b = Int(prior[i]), c = Int(prior[i - s])
                    let pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c)
                    let predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                    x[i] &+= UInt8(truncatingIfNeeded: predictor)
                    i += 1
                }
            default:
                return Failure(row: y, filterType: filter)
            }
            prior = UnsafePointer(x)
        }
        return nil
    }
}
