import Foundation
import HeraldCore

/// Reads header fields of a stored RFC 5322 message (the email sender asks for `From` and
/// `Message-ID`); not a MIME parser.
enum MessageHeaders {
    /// The first value of each of `names` (lower-case ASCII) in the header section of
    /// `bytes`, unfolded and trimmed; stops as soon as all are found. Reads bytes in place
    /// and makes strings only of the values asked for (the email sender asks for `from` and
    /// `message-id` of every message).
    static func firstValues(_ names: [String], in bytes: [UInt8]) -> [String: String] {
        var found: [String: String] = [:]
        let wanted = names.map { Array($0.utf8) }
        bytes.withUnsafeBufferPointer { p in
            let n = p.count
            var i = 0
            while i < n, found.count < wanted.count {
                // One line: [i, end) without its CR LF.
                var end = i
                while end < n, p[end] != 10 { end += 1 }
                let next = end + 1
                var lineEnd = end
                if lineEnd > i, p[lineEnd - 1] == 13 { lineEnd -= 1 }
                if lineEnd == i { return }  // the empty line: end of the header section
                var colon = i
                while colon < lineEnd, p[colon] != UInt8(ascii: ":") { colon += 1 }
                var matched: Int?
                if colon < lineEnd, p[i] != 32, p[i] != 9 {
                    var nameEnd = colon
                    while nameEnd > i, p[nameEnd - 1] == 32 || p[nameEnd - 1] == 9 { nameEnd -= 1 }
                    for (k, name) in wanted.enumerated() where name.count == nameEnd - i && found[names[k]] == nil {
                        var same = true
                        for j in 0..<name.count where (p[i + j] | 0x20) != name[j] && p[i + j] != name[j] {
                            same = false
                            break
                        }
                        if same { matched = k; break }
                    }
                }
                guard let k = matched else {
                    i = next
                    continue
                }
                // The value, with each continuation line trimmed and joined by a space.
                var value = String(decoding: UnsafeBufferPointer(rebasing: p[(colon + 1)..<lineEnd]), as: UTF8.self).trimmingBlanks
                var j = next
                while j < n, p[j] == 32 || p[j] == 9 {
                    var e = j
                    while e < n, p[e] != 10 { e += 1 }
                    var le = e
                    if le > j, p[le - 1] == 13 { le -= 1 }
                    value += " " + String(decoding: UnsafeBufferPointer(rebasing: p[j..<le]), as: UTF8.self).trimmingBlanks
                    j = e + 1
                }
                found[names[k]] = value
                i = j
            }
        }
        return found
    }
}
