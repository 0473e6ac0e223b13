import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird

/// An RFC 9457 problem document, rendered as `application/problem+json`:
/// `{"type", "title", "status", "detail", "field"}`.
struct Problem: Error, Sendable, Hashable {
    var status: HTTPResponse.Status
    /// `urn:herald:problem:<slug>`.
    var type: String
    var title: String
    var detail: String
    /// The input at fault: a JSON path (`preferences.quietHours.from`), a query parameter or a
    /// header name.
    var field: String?
    var headers: HTTPFields = [:]

    init(status: HTTPResponse.Status, slug: String, title: String, detail: String, field: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.type = "urn:herald:problem:\(slug)"
        self.title = title
        self.detail = detail
        self.field = field
        self.headers = headers
    }

    /// 400: the request cannot be read (malformed JSON, a bad query parameter or header).
    static func badRequest(_ detail: String, field: String? = nil) -> Problem {
        Problem(status: .badRequest, slug: "bad-request", title: "Bad request", detail: detail, field: field)
    }

    /// 404 for a path no route serves.
    static func noRoute(method: HTTPRequest.Method, path: String) -> Problem {
        Problem(status: .notFound, slug: "not-found", title: "Not found", detail: "no route for \(method.rawValue) \(path)")
    }

    /// 500 without internals.
    static let internalError = Problem(
        status: .internalServerError, slug: "internal-error", title: "Internal error",
        detail: "an unexpected error occurred; it has been logged")

    /// The problem document of a ``HeraldError``; internal errors never leak their message.
    init(_ error: HeraldError) {
        switch error.kind {
        case .invalidInput:
            self.init(status: .unprocessableContent, slug: "invalid-input", title: "Invalid input", detail: error.message, field: error.field)
        case .notFound:
            self.init(status: .notFound, slug: "not-found", title: "Not found", detail: error.message, field: error.field)
        case .conflict:
            self.init(status: .conflict, slug: "conflict", title: "Conflict", detail: error.message, field: error.field)
        case .illegalTransition:
            self.init(status: .conflict, slug: "illegal-transition", title: "Illegal status change", detail: error.message, field: error.field)
        case .unauthorized:
            self.init(status: .unauthorized, slug: "unauthorized", title: "Unauthorized", detail: error.message, field: error.field,
                      headers: [.wwwAuthenticate: "Bearer"])
        case .forbidden:
            self.init(status: .forbidden, slug: "forbidden", title: "Forbidden", detail: error.message, field: error.field)
        case .tooLarge:
            self.init(status: .contentTooLarge, slug: "too-large", title: "Content too large", detail: error.message, field: error.field)
        case .unavailable:
            self.init(status: .serviceUnavailable, slug: "unavailable", title: "Service unavailable", detail: error.message)
        default:
            self = .internalError
        }
    }

    /// The problem document of an error Hummingbird raised (unknown route, body too large…).
    init(_ error: any HTTPResponseError, request: Request) {
        switch error.status {
        case .notFound:
            self = .noRoute(method: request.method, path: request.uri.path)
        case .contentTooLarge:
            self.init(status: .contentTooLarge, slug: "too-large", title: "Content too large", detail: "the request body is too large")
        case .methodNotAllowed:
            self.init(status: .methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed",
                      detail: "\(request.method.rawValue) is not allowed on \(request.uri.path)")
        case let status where status.code >= 500:
            self = .internalError
        case let status:
            self.init(status: status, slug: "http-\(status.code)", title: status.reasonPhrase,
                      detail: (error as? HTTPError)?.body ?? status.reasonPhrase)
        }
    }
}

extension Problem {
    private struct Document: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var field: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(type, forKey: "type")
            try c.encode(title, forKey: "title")
            try c.encode(status, forKey: "status")
            try c.encode(detail, forKey: "detail")
            try c.encode(field, forKey: "field")
        }
    }

    /// The `application/problem+json` response.
    var response: Response {
        let document = Document(type: type, title: title, status: status.code, detail: detail, field: field)
        let data = (try? JSONResponse.encoder.encode(document)) ?? Data(#"{"title":"Internal error","status":500}"#.utf8)
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
