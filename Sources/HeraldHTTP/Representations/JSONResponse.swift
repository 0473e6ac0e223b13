import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird

/// Builds `application/json` responses with one shared encoder configuration.
enum JSONResponse {
    /// The encoder for response bodies: sorted keys for stable output; dates are written as
    /// strings by the representations themselves. One instance (encoders are Sendable and keep
    /// no state between calls; making one per response showed on the trigger path).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A JSON response of `value`.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A JSON response of a representation written by hand (``JSONBuffer``).
    static func make(_ value: some JSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        var json = JSONBuffer()
        value.write(to: &json)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }
}
