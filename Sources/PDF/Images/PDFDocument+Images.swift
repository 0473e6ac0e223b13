extension PDFDocument {
    /// The image XObject for a registered image, written on first use. Returns `nil` (and records
    /// the error for `finish`) when the image is invalid.
    func imageObject(_ index: Int) -> Int? {
        guard images.indices.contains(index) else {
            record(.unknownReference("image #\(index + 1) was not registered with this writer"))
            return nil
        }
        if let object = images[index].object { return object }
        if images[index].failed { return nil }
        guard let image = images[index].pending else { return nil }
        do {
            try validate(image, index: index, isMask: false)
            var maskObject: Int? = nil
            if let mask = image.softMask {
                try validate(mask, index: index, isMask: true)
                let object = allocateObject()
                try writeImage(mask, object: object, index: index, mask: nil)
                maskObject = object
            }
            let object = allocateObject()
            try writeImage(image, object: object, index: index, mask: maskObject)
            images[index].object = object
            images[index].pending = nil
            return object
        } catch let error as PDFError {
            images[index].failed = true
            images[index].pending = nil
            record(error)
            return nil
        } catch {
            images[index].failed = true
            record(.invalidImage(image: index, reason: "\(error)"))
            return nil
        }
    }

    private func validate(_ image: PDFImage, index: Int, isMask: Bool) throws {
        let what = isMask ? "soft mask" : "image"
        guard image.width > 0, image.height > 0, image.width <= 1 << 20, image.height <= 1 << 20 else {
            throw PDFError.invalidImage(image: index, reason: "\(what) size \(image.width)×\(image.height) is not within 1...1048576 pixels")
        }
        guard [1, 2, 4, 8, 16].contains(image.bitsPerComponent) else {
            throw PDFError.invalidImage(image: index, reason: "\(what) bitsPerComponent \(image.bitsPerComponent) is not 1, 2, 4, 8 or 16")
        }
        if isMask, image.colorSpace != .gray {
            throw PDFError.invalidImage(image: index, reason: "soft mask colour space must be gray")
        }
        switch image.data {
        case .raw(let samples):
            let expected = Self.sampleByteCount(image)
            guard samples.count >= expected else {
                throw PDFError.invalidImage(image: index, reason: "\(what) has \(samples.count) sample bytes, \(image.width)×\(image.height) needs \(expected)")
            }
        case .flate(let data):
            guard data.count >= 2 else { throw PDFError.invalidImage(image: index, reason: "\(what) zlib data is empty") }
        case .jpeg(let data):
            guard data.count >= 4, data[0] == 0xFF, data[1] == 0xD8 else {
                throw PDFError.invalidImage(image: index, reason: "\(what) JPEG data does not start with an SOI marker")
            }
            guard image.bitsPerComponent == 8 else {
                throw PDFError.invalidImage(image: index, reason: "\(what) JPEG must have 8 bits per component")
            }
        }
    }

    /// Bytes of uncompressed samples: rows padded to whole bytes.
    static func sampleByteCount(_ image: PDFImage) -> Int {
        let rowBits = image.width * image.colorSpace.componentCount * image.bitsPerComponent
        return (rowBits + 7) / 8 * image.height
    }

    /// The ICCBased CMYK profile stream used instead of DeviceCMYK in PDF/A, written once.
    private func cmykProfileObject() throws -> Int {
        if let object = cmykProfile { return object }
        let object = allocateObject()
        try writeStream(object, data: CMYKProfile.bytes, filter: .deflate, name: "CMYK profile") { out in
            out.append(" /N 4")
        }
        cmykProfile = object
        return object
    }

    private func writeImage(_ image: PDFImage, object: Int, index: Int, mask: Int?) throws {
        // In PDF/A the sRGB output intent does not cover DeviceCMYK: use an ICC-based space.
        let cmykProfile = image.colorSpace == .cmyk && options.conformance == .pdfA2b ? try cmykProfileObject() : nil
        let data: [UInt8]
        let filter: StreamFilter
        switch image.data {
        case .raw(let samples):
            let expected = Self.sampleByteCount(image)
            data = samples.count == expected ? samples : Array(samples[0..<expected])
            filter = .deflate
        case .flate(let compressed):
            data = compressed
            filter = .alreadyFlate
        case .jpeg(let file):
            data = file
            filter = .dct
        }
        try writeStream(object, data: data, filter: filter, name: "image #\(index + 1)") { out in
            out.append(" /Type /XObject /Subtype /Image /Width ")
            out.append(int: image.width)
            out.append(" /Height ")
            out.append(int: image.height)
            out.append(" /ColorSpace ")
            switch image.colorSpace {
            case .gray: out.append("/DeviceGray")
            case .rgb: out.append("/DeviceRGB")
            case .cmyk:
                if let cmykProfile {
                    out.append("[/ICCBased ")
                    out.append(reference: cmykProfile)
                    out.append("]")
                } else {
                    out.append("/DeviceCMYK")
                }
            }
            out.append(" /BitsPerComponent ")
            out.append(int: image.bitsPerComponent)
            if image.colorSpace == .cmyk, image.invertedCMYK {
                out.append(" /Decode [1 0 1 0 1 0 1 0]")
            }
            if let mask {
                out.append(" /SMask ")
                out.append(reference: mask)
            }
        }
    }
}
