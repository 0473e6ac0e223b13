import Foundation

/// A small ICC v2.1 display ('mntr') profile for sRGB, generated in code: IEC 61966-2.1
/// primaries adapted to D50, a D65 media white point and the sRGB transfer curve sampled at
/// 1024 points. It is the PDF/A output intent.
enum SRGBProfile {
    /// The profile bytes (computed once, identical on every run).
    static let bytes: [UInt8] = build()

    /// Text of the `desc` tag and the output intent's condition identifier.
    static let name = "sRGB IEC61966-2.1"

    /// sRGB colorants (columns of the linear-RGB → XYZ(D50) matrix).
    static let red = (x: 0.4360747, y: 0.2225045, z: 0.0139322)
    static let green = (x: 0.3850649, y: 0.7168786, z: 0.0971045)
    static let blue = (x: 0.1430804, y: 0.0606169, z: 0.7141733)

    /// The sRGB electro-optical transfer function (encoded → linear).
    static func linear(_ v: Double) -> Double {
        v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    private static func build() -> [UInt8] {
        let curve = ICCProfileBuilder.curveTag(entries: 1024, linear)
        var builder = ICCProfileBuilder(deviceClass: "mntr", colorSpace: "RGB ")
        builder.tags = [
            ("desc", ICCProfileBuilder.descriptionTag(name)),
            ("cprt", ICCProfileBuilder.textTag("No copyright, use freely")),
            ("wtpt", ICCProfileBuilder.xyzTag(0.9505, 1.0, 1.0891)),
            ("rXYZ", ICCProfileBuilder.xyzTag(red.x, red.y, red.z)),
            ("gXYZ", ICCProfileBuilder.xyzTag(green.x, green.y, green.z)),
            ("bXYZ", ICCProfileBuilder.xyzTag(blue.x, blue.y, blue.z)),
            ("rTRC", curve),
            ("gTRC", curve),
            ("bTRC", curve),
        ]
        return builder.build()
    }
}
