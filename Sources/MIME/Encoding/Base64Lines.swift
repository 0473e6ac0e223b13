/// Base64 content transfer encoding with CRLF-separated lines of 76 characters (RFC 2045 §6.8).
public enum Base64Lines {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes `bytes` as base64 in lines of at most 76 characters, each ending in CRLF.
    public static func encode(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        encode(bytes, into: &out)
        return out
    }

    /// Appends `bytes` as base64 lines (76 characters, CRLF) to `out`; unwrapped, as one run
    /// without line breaks (a DKIM tag value).
    public static func encode(_ bytes: some Sequence<UInt8>, into out: inout [UInt8], wrapped: Bool = true) {
        let input = Array(bytes)
        let encodedCount = (input.count + 2) / 3 * 4
        out.reserveCapacity(out.count + encodedCount + (encodedCount / 76 + 1) * 2)
        input.withUnsafeBufferPointer { p in
            alphabet.withUnsafeBufferPointer { a in
                var lineLength = 0
                var index = 0
                let n = p.count
                while index < n {
                    let b0 = p[index]
                    let b1: UInt8 = index + 1 < n ? p[index + 1] : 0
                    let b2: UInt8 = index + 2 < n ? p[index + 2] : 0
                    out.append(a[Int(b0 >> 2)])
                    out.append(a[Int((b0 & 0x03) << 4 | b1 >> 4)])
                    out.append(index + 1 < n ? a[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
                    out.append(index + 2 < n ? a[Int(b2 & 0x3F)] : UInt8(ascii: "="))
                    index += 3
                    lineLength += 4
                    if wrapped && lineLength == 76 {
                        out.append(13)
                        out.append(10)
                        lineLength = 0
                    }
                }
                if wrapped && lineLength > 0 {
                    out.append(13)
                    out.append(10)
                }
            }
        }
    }
}
