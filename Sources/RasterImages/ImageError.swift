/// Why an image could not be decoded, naming the image (`source`) and what is wrong with it.
public struct ImageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The bytes start with neither the PNG nor the JPEG signature.
        case notAnImage(firstBytes: [UInt8])
        /// The file is larger than ``ImageLimits/maxBytes``.
        case tooManyBytes(count: Int, limit: Int)
        /// The image's width × height is larger than ``ImageLimits/maxPixels``.
        case tooManyPixels(width: Int, height: Int, limit: Int)
        /// The file ends before `what` is complete.
        case truncated(what: String)
        /// A PNG chunk's stored CRC does not match its contents.
        case badCRC(chunk: String, offset: Int)
        /// The file is structurally wrong (`detail` says where and how).
        case malformed(detail: String)
        /// The file is valid but uses a feature this decoder does not handle.
        case unsupported(feature: String)
    }

    /// The name of the image as given by the caller (file name, URL…).
    public let source: String
    /// What is wrong.
    public let reason: Reason

    /// Creates an error for `source`.
    public init(source: String, reason: Reason) {
        self.source = source
        self.reason = reason
    }

    /// A one-line explanation, starting with the source name.
    public var description: String {
        switch reason {
        case .notAnImage(let first):
            let hex = first.prefix(8).map { byte in
                let s = String(byte, radix: 16, uppercase: true)
                return s.count == 1 ? "0" + s : s
            }.joined(separator: " ")
            return "\(source): not a PNG or JPEG image (magic bytes: \(hex.isEmpty ? "none, the file is empty" : hex))"
        case .tooManyBytes(let count, let limit):
            return "\(source): image too large: \(count) bytes exceeds the limit of \(limit) bytes"
        case .tooManyPixels(let width, let height, let limit):
            return "\(source): image too large: \(width)x\(height) pixels exceeds the limit of \(limit) pixels"
        case .truncated(let what):
            return "\(source): truncated image: \(what)"
        case .badCRC(let chunk, let offset):
            return "\(source): bad CRC in PNG chunk \(chunk) at offset \(offset)"
        case .malformed(let detail):
            return "\(source): malformed image: \(detail)"
        case .unsupported(let feature):
            return "\(source): unsupported image: \(feature)"
        }
    }
}
