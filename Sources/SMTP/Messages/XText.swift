/// The `xtext` encoding of RFC 3461 §4 (DSN `ENVID` and `ORCPT` values): printable ASCII
/// except `+` and `=` as is, every other octet as `+` and two upper-case hex digits.
public enum XText {
    /// Encodes `value` (its UTF-8 octets) as xtext.
    public static func encode(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in value.utf8 {
            if (33...126).contains(byte) && byte != UInt8(ascii: "+") && byte != UInt8(ascii: "=") {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "+"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes xtext; malformed `+` sequences are kept as they are.
    public static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "+"), i + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(value)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
