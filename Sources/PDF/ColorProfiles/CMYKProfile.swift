/// A small ICC v2.1 input ('scnr') profile for CMYK, generated in code, used as the colour space
/// of CMYK images in PDF/A documents (whose sRGB output intent does not allow DeviceCMYK).
///
/// Its A2B0 table (lut16, 7 grid points per channel) samples the same naive conversion viewers
/// apply to DeviceCMYK — R = (1 − C)(1 − K) etc., taken as sRGB — so CMYK images look as they
/// would without the profile.
enum CMYKProfile {
    /// The profile bytes (computed once, identical on every run).
    static let bytes: [UInt8] = build()

    private static let gridPoints = 7

    private static func build() -> [UInt8] {
        var builder = ICCProfileBuilder(deviceClass: "scnr", colorSpace: "CMYK")
        builder.tags = [
            ("desc", ICCProfileBuilder.descriptionTag("Uncalibrated CMYK (naive conversion to sRGB)")),
            ("cprt", ICCProfileBuilder.textTag("No copyright, use freely")),
            ("wtpt", ICCProfileBuilder.xyzTag(0.9642, 1.0, 0.8249)),
            ("A2B0", lookupTable()),
        ]
        return builder.build()
    }

    /// `lut16Type`: 4 inputs, 3 outputs (PCS XYZ), identity matrix and identity 1-D curves.
    private static func lookupTable() -> [UInt8] {
        var tag: [UInt8] = []
        ICCProfileBuilder.appendSignature(&tag, "mft2")
        ICCProfileBuilder.append32(&tag, 0)
        tag += [4, 3, UInt8(gridPoints), 0]
        for row in 0..<3 {
            for column in 0..<3 { ICCProfileBuilder.appendS15Fixed16(&tag, row == column ? 1 : 0) }
        }
        ICCProfileBuilder.append16(&tag, 2)  // input table entries
        ICCProfileBuilder.append16(&tag, 2)  // output table entries
        for _ in 0..<4 { ICCProfileBuilder.append16(&tag, 0); ICCProfileBuilder.append16(&tag, 65535) }

        let steps = (0..<gridPoints).map { Double($0) / Double(gridPoints - 1) }
        // The first input channel varies slowest.
        for c in steps {
            for m in steps {
                for y in steps {
                    for k in steps {
                        let r = SRGBProfile.linear((1 - c) * (1 - k))
                        let g = SRGBProfile.linear((1 - m) * (1 - k))
                        let b = SRGBProfile.linear((1 - y) * (1 - k))
                        let red = SRGBProfile.red, green = SRGBProfile.green, blue = SRGBProfile.blue
                        let xyz = [
                            red.x * r + green.x * g + blue.x * b,
                            red.y * r + green.y * g + blue.y * b,
                            red.z * r + green.z * g + blue.z * b,
                        ]
                        // lut16 XYZ encoding: 1.0 = 0x8000.
                        for value in xyz {
                            ICCProfileBuilder.append16(&tag, UInt16(min(max(value * 32768, 0), 65535).rounded()))
                        }
                    }
                }
            }
        }
        for _ in 0..<3 { ICCProfileBuilder.append16(&tag, 0); ICCProfileBuilder.append16(&tag, 65535) }
        return tag
    }
}
