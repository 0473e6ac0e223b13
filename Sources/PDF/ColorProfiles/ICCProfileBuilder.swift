/// Assembles ICC v2.1 profiles: a 128-byte header, the tag table and 4-byte aligned tag data
/// (tags with identical data share one block). Also encodes the tag types the writer needs.
struct ICCProfileBuilder {
    /// Profile/device class signature, e.g. `mntr`, `scnr`.
    var deviceClass: String
    /// Data colour space signature, e.g. `RGB `, `CMYK`.
    var colorSpace: String
    /// Tags in table order.
    var tags: [(signature: String, data: [UInt8])] = []

    func build() -> [UInt8] {
        var table: [(signature: String, offset: Int, size: Int)] = []
        var data: [UInt8] = []
        var blocks: [(data: [UInt8], offset: Int)] = []
        let dataStart = 128 + 4 + 12 * tags.count
        for tag in tags {
            if let shared = blocks.first(where: { $0.data == tag.data }) {
                table.append((tag.signature, shared.offset, tag.data.count))
                continue
            }
            let offset = dataStart + data.count
            blocks.append((tag.data, offset))
            table.append((tag.signature, offset, tag.data.count))
            data += tag.data
            while data.count % 4 != 0 { data.append(0) }
        }
        let size = dataStart + data.count

        var profile: [UInt8] = []
        profile.reserveCapacity(size)
        Self.append32(&profile, UInt32(size))
        Self.append32(&profile, 0)                  // preferred CMM: none
        Self.append32(&profile, 0x0210_0000)        // version 2.1.0
        Self.appendSignature(&profile, deviceClass)
        Self.appendSignature(&profile, colorSpace)
        Self.appendSignature(&profile, "XYZ ")      // profile connection space
        for field in [2024, 1, 1, 0, 0, 0] { Self.append16(&profile, UInt16(field)) }  // fixed date: deterministic
        Self.appendSignature(&profile, "acsp")
        Self.append32(&profile, 0)                  // primary platform: none
        Self.append32(&profile, 0)                  // flags
        Self.append32(&profile, 0)                  // device manufacturer
        Self.append32(&profile, 0)                  // device model
        Self.append32(&profile, 0)
        Self.append32(&profile, 0)                  // device attributes
        Self.append32(&profile, 0)                  // rendering intent: perceptual
        Self.appendS15Fixed16(&profile, 0.9642)     // PCS illuminant D50
        Self.appendS15Fixed16(&profile, 1.0)
        Self.appendS15Fixed16(&profile, 0.8249)
        Self.append32(&profile, 0)                  // creator
        profile += [UInt8](repeating: 0, count: 128 - profile.count)

        Self.append32(&profile, UInt32(table.count))
        for entry in table {
            Self.appendSignature(&profile, entry.signature)
            Self.append32(&profile, UInt32(entry.offset))
            Self.append32(&profile, UInt32(entry.size))
        }
        profile += data
        return profile
    }

    // MARK: Tag types

    /// `textDescriptionType` with an ASCII description and empty Unicode/ScriptCode parts.
    static func descriptionTag(_ text: String) -> [UInt8] {
        var tag: [UInt8] = []
        appendSignature(&tag, "desc")
        append32(&tag, 0)
        let ascii = Array(text.utf8) + [0]
        append32(&tag, UInt32(ascii.count))
        tag += ascii
        append32(&tag, 0)   // Unicode language code
        append32(&tag, 0)   // Unicode character count
        append16(&tag, 0)   // ScriptCode code
        tag.append(0)       // ScriptCode count
        tag += [UInt8](repeating: 0, count: 67)
        return tag
    }

    /// `textType`, ASCII and NUL-terminated.
    static func textTag(_ text: String) -> [UInt8] {
        var tag: [UInt8] = []
        appendSignature(&tag, "text")
        append32(&tag, 0)
        tag += Array(text.utf8) + [0]
        return tag
    }

    /// `XYZType` with one value.
    static func xyzTag(_ x: Double, _ y: Double, _ z: Double) -> [UInt8] {
        var tag: [UInt8] = []
        appendSignature(&tag, "XYZ ")
        append32(&tag, 0)
        appendS15Fixed16(&tag, x)
        appendS15Fixed16(&tag, y)
        appendS15Fixed16(&tag, z)
        return tag
    }

    /// `curveType` sampled from a function on `0...1`.
    static func curveTag(entries: Int, _ function: (Double) -> Double) -> [UInt8] {
        var tag: [UInt8] = []
        appendSignature(&tag, "curv")
        append32(&tag, 0)
        append32(&tag, UInt32(entries))
        for i in 0..<entries {
            let value = function(Double(i) / Double(entries - 1))
            append16(&tag, UInt16((min(max(value, 0), 1) * 65535).rounded()))
        }
        return tag
    }

    // MARK: Encoding

    static func append32(_ bytes: inout [UInt8], _ value: UInt32) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func append16(_ bytes: inout [UInt8], _ value: UInt16) {
        bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
    }

    static func appendSignature(_ bytes: inout [UInt8], _ signature: String) {
        let characters = Array(signature.utf8.prefix(4))
        bytes += characters + [UInt8](repeating: 0x20, count: 4 - characters.count)
    }

    static func appendS15Fixed16(_ bytes: inout [UInt8], _ value: Double) {
        append32(&bytes, UInt32(bitPattern: Int32((value * 65536).rounded())))
    }
}
