import Foundation

/// Base64 content transfer encoding with CRLF-separated lines of 76 characters (RFC 2045 §6.8).
public enum Base64Lines {
    /// Encodes `bytes` as base64 in lines of at most 76 characters, each ending in CRLF.
    public static func encode(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count + encoded.count / 38 + 2)
        var start = 0
        while start < encoded.count {
            let end = min(start + 76, encoded.count)
            out.append(contentsOf: encoded[start..<end])
            out.append(13)
            out.append(10)
            start = end
        }
        return out
    }
}
