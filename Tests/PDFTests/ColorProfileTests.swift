import Foundation
import Testing
@testable import PDF

@Suite struct ColorProfileTests {
    private let profile = SRGBProfile.bytes

    private func u32(_ offset: Int) -> Int {
        Int(profile[offset]) << 24 | Int(profile[offset + 1]) << 16 | Int(profile[offset + 2]) << 8 | Int(profile[offset + 3])
    }

    private func signature(_ offset: Int) -> String {
        String(decoding: profile[offset..<(offset + 4)], as: UTF8.self)
    }

    @Test func headerDescribesAV2RGBDisplayProfile() {
        #expect(u32(0) == profile.count)
        #expect(profile.count % 4 == 0)
        #expect(u32(8) == 0x0210_0000)
        #expect(signature(12) == "mntr")
        #expect(signature(16) == "RGB ")
        #expect(signature(20) == "XYZ ")
        #expect(signature(36) == "acsp")
        #expect(u32(68) == 0xF6D6 && u32(72) == 0x10000 && u32(76) == 0xD32D)  // D50
    }

    /// Poppler reads ICCBased spaces through lcms2 and reports unusable profiles on stderr; a
    /// hand-made PDF uses the profile for a one-pixel image whose colour must come through unchanged.
    @Test func littleCMSAcceptsTheProfileAndItIsNeutral() async throws {
        let content = Array("q 100 0 0 100 0 0 cm /Im1 Do Q".utf8)
        let bodies: [[UInt8]] = [
            Array("<< /Type /Catalog /Pages 2 0 R >>".utf8),
            Array("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8),
            Array("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>".utf8),
            Array("<< /Length \(content.count) >>\nstream\n".utf8) + content + Array("\nendstream".utf8),
            Array("<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace [/ICCBased 6 0 R] /BitsPerComponent 8 /Length 3 >>\nstream\n".utf8) + [30, 120, 200] + Array("\nendstream".utf8),
            Array("<< /N 3 /Length \(profile.count) >>\nstream\n".utf8) + profile + Array("\nendstream".utf8),
        ]
        var pdf = Array("%PDF-1.7\n".utf8)
        var offsets: [Int] = []
        for (i, body) in bodies.enumerated() {
            offsets.append(pdf.count)
            pdf += Array("\(i + 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let xref = pdf.count
        pdf += Array("xref\n0 \(bodies.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets {
            let digits = String(offset)
            pdf += Array((String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n").utf8)
        }
        pdf += Array("trailer\n<< /Size \(bodies.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)

        let directory = try TemporaryDirectory()
        let path = try directory.write(pdf, to: "icc.pdf")
        let output = try await ExternalTool.run("pdftoppm", ["-r", "10", "-singlefile", path, directory.path("icc")])
        #expect(output.status == 0 && output.stderr.isEmpty, "pdftoppm: \(output.stderr)")
        let map = try PixelMap(ppm: [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.path("icc.ppm")))))
        #expect(PixelMap.close(map.rgb(5, 5), (30, 120, 200), tolerance: 1), "rendered \(map.rgb(5, 5))")
    }

    @Test func tagTableHasTheRequiredTagsInsideTheProfile() {
        let count = u32(128)
        var tags: [String: (offset: Int, size: Int)] = [:]
        for i in 0..<count {
            let entry = 132 + 12 * i
            tags[signature(entry)] = (u32(entry + 4), u32(entry + 8))
        }
        #expect(Set(tags.keys) == ["desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC"])
        for (name, tag) in tags {
            #expect(tag.offset % 4 == 0, "\(name) not aligned")
            #expect(tag.offset + tag.size <= profile.count, "\(name) outside the profile")
        }
        let types = ["desc": "desc", "cprt": "text", "wtpt": "XYZ ", "rXYZ": "XYZ ", "rTRC": "curv"]
        for (tag, type) in types {
            #expect(signature(tags[tag]!.offset) == type)
        }
        // Colorants add up to the D50 white (within rounding).
        let sumX = [tags["rXYZ"]!, tags["gXYZ"]!, tags["bXYZ"]!].map { Double(u32($0.offset + 8)) / 65536 }.reduce(0, +)
        #expect(abs(sumX - 0.9642) < 0.001)
        // The curve is the sRGB transfer function: 1024 entries, monotone, mid-gray ≈ 0.2145.
        let curve = tags["rTRC"]!.offset
        #expect(u32(curve + 8) == 1024)
        let mid = Double(Int(profile[curve + 12 + 2 * 512]) << 8 | Int(profile[curve + 13 + 2 * 512])) / 65535
        #expect(abs(mid - 0.2145) < 0.001)
    }
}

@Suite struct CMYKProfileTests {
    private let profile = CMYKProfile.bytes

    private func u32(_ offset: Int) -> Int {
        Int(profile[offset]) << 24 | Int(profile[offset + 1]) << 16 | Int(profile[offset + 2]) << 8 | Int(profile[offset + 3])
    }

    private func signature(_ offset: Int) -> String {
        String(decoding: profile[offset..<(offset + 4)], as: UTF8.self)
    }

    @Test func isAV2CMYKInputProfileWithALut16Table() {
        #expect(u32(0) == profile.count)
        #expect(signature(12) == "scnr")
        #expect(signature(16) == "CMYK")
        #expect(signature(20) == "XYZ ")
        var a2b0: (offset: Int, size: Int)? = nil
        for i in 0..<u32(128) where signature(132 + 12 * i) == "A2B0" {
            a2b0 = (u32(136 + 12 * i), u32(140 + 12 * i))
        }
        guard let table = a2b0 else {
            Issue.record("no A2B0 tag")
            return
        }
        #expect(signature(table.offset) == "mft2")
        #expect(Array(profile[(table.offset + 8)..<(table.offset + 11)]) == [4, 3, 7])
        // header 52 + input tables 4×2×2 + CLUT 7⁴×3×2 + output tables 3×2×2
        #expect(table.size == 52 + 16 + 2401 * 6 + 12)
        // The first grid point (no ink) is the D50 white: X = 0.9642 → 0.9642 × 32768.
        let first = table.offset + 52 + 16
        let x = Int(profile[first]) << 8 | Int(profile[first + 1])
        #expect(abs(x - 31595) <= 2)
    }
}
