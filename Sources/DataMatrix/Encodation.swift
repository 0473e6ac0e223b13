/// Turns message bytes into ECC 200 data codewords (ISO/IEC 16022 §5.2), with two of the
/// standard's encodation schemes:
///
/// - **ASCII** (§5.2.3): a byte 0…127 is one codeword (value + 1); two consecutive digits are one
///   codeword (130 + their value, 00…99); a byte 128…255 is the Upper Shift codeword 235 followed
///   by (value − 128 + 1).
/// - **Base 256** (§5.2.9): the latch 231, a length field (one codeword for 1…249 bytes, two for
///   250…1555) and the bytes themselves, every one of them after the latch randomised by the
///   255-state algorithm so long runs do not form patterns.
///
/// The whole message takes one scheme: whichever gives fewer codewords (ASCII on a tie), so
/// text, digits and the occasional accented letter stay ASCII and binary data goes Base 256.
/// C40, Text, X12 and EDIFACT are not used: every decoder reads ASCII and Base 256, and the
/// short identifiers printed on sheets gain little from them.
///
/// The codewords left free in the chosen symbol are filled by ``pad(_:to:)``.
enum Encodation {
    /// ASCII's Upper Shift: the next codeword is a byte 128…255.
    static let upperShift: UInt8 = 235
    /// Latch from ASCII to Base 256.
    static let base256Latch: UInt8 = 231
    /// The pad codeword (also ends the data when the symbol has room left).
    static let pad: UInt8 = 129

    /// The data codewords of `bytes`: the shorter of the ASCII and the Base 256 encodation.
    static func codewords(for bytes: [UInt8]) -> [UInt8] {
        let ascii = asciiCodewords(for: bytes)
        // Base 256 costs latch + length (1 or 2) + one per byte: only worth computing if shorter.
        let base256Count = 1 + (bytes.count <= 249 ? 1 : 2) + bytes.count
        if base256Count < ascii.count, bytes.count <= maximumBase256Length {
            return base256Codewords(for: bytes)
        }
        return ascii
    }

    /// The most bytes Base 256 can put in the largest symbol (1558 data codewords less the latch
    /// and a two-codeword length field); a longer message can only fit as ASCII digit pairs.
    static let maximumBase256Length = 1555

    /// The ASCII encodation of `bytes`, digit pairs compacted.
    static func asciiCodewords(for bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if isDigit(byte), i + 1 < bytes.count, isDigit(bytes[i + 1]) {
                result.append(130 + (byte - 48) * 10 + (bytes[i + 1] - 48))
                i += 2
                continue
            }
            if byte >= 128 {
                result.append(upperShift)
                result.append(byte - 128 + 1)
            } else {
                result.append(byte + 1)
            }
            i += 1
        }
        return result
    }

    /// The Base 256 encodation of `bytes` from the first codeword of the symbol: the latch, the
    /// length field and the bytes, all but the latch randomised.
    static func base256Codewords(for bytes: [UInt8]) -> [UInt8] {
        precondition(bytes.count <= maximumBase256Length)
        var field: [UInt8] = []
        if bytes.count <= 249 {
            field.append(UInt8(bytes.count))
        } else {
            field.append(UInt8(bytes.count / 250 + 249))
            field.append(UInt8(bytes.count % 250))
        }
        field += bytes
        var result: [UInt8] = [base256Latch]
        for value in field {
            result.append(randomise255(value, position: result.count + 1))
        }
        return result
    }

    /// Fills `codewords` up to `capacity`: the first pad is 129, each further pad is 129
    /// randomised by the 253-state algorithm for its (1-based) position.
    static func pad(_ codewords: [UInt8], to capacity: Int) -> [UInt8] {
        var result = codewords
        result.reserveCapacity(capacity)
        if result.count < capacity { result.append(pad) }
        while result.count < capacity {
            result.append(randomise253(pad, position: result.count + 1))
        }
        return result
    }

    /// The 253-state randomising of pad codewords (§5.2.3, Annex B.1).
    static func randomise253(_ value: UInt8, position: Int) -> UInt8 {
        let pseudoRandom = (149 * position) % 253 + 1
        let sum = Int(value) + pseudoRandom
        return UInt8(sum <= 254 ? sum : sum - 254)
    }

    /// The 255-state randomising of Base 256 codewords (§5.2.9.2, Annex B.2).
    static func randomise255(_ value: UInt8, position: Int) -> UInt8 {
        let pseudoRandom = (149 * position) % 255 + 1
        let sum = Int(value) + pseudoRandom
        return UInt8(sum <= 255 ? sum : sum - 256)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
