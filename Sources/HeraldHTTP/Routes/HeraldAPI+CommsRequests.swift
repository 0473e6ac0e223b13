import Foundation
import HTTPTypes
import HeraldCore
import Hummingbird

extension HeraldAPI {
    /// `POST /v1/comms-requests`: 201 with the request; 200 with the earlier request on an
    /// idempotent replay; 409 when the key was used with a different body.
    func createRequest(_ call: Call) async throws -> Response {
        let input = try await bodies.decode(CommsRequestInput.self, from: call.request, shape: .commsRequest)
        let idempotency = try idempotency(call, hashing: input)
        let (result, stored) = try await deps.intake.accept(input, idempotency: idempotency, actor: call.actor, source: .api)
        if let stored {
            // Stored just now: the answer is what was written, not read back.
            return JSONResponse.make(RequestRepresentation(RequestDetail(submitted: stored, actor: call.actor)), status: .created)
        }
        guard let id = result.requestIds.first, let detail = try await store.request(id: id) else {
            throw HeraldError.internalError("stored request \(result.requestIds) not found after submit")
        }
        return JSONResponse.make(RequestRepresentation(detail), status: result.replayed ? .ok : .created)
    }

    /// `GET /v1/comms-requests/{id}`.
    func getRequest(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        guard let detail = try await store.request(id: id) else {
            throw HeraldError.notFound("no comms request \(id)", field: "id")
        }
        return JSONResponse.make(RequestRepresentation(detail))
    }

    /// `GET /v1/comms-requests/{id}/document` (roles agent, admin): the comm's email
    /// (`message/rfc822`) or letter (`application/pdf`), from the local pack or, once that is
    /// purged, from long-term storage, decrypted; `ETag` is its SHA-256 in quotes and
    /// `If-None-Match` with it answers 304. 404 problem when the comm has no document.
    func getDocument(_ call: Call) async throws -> Response {
        let id = try call.parameter("id")
        guard let detail = try await store.request(id: id) else {
            throw HeraldError.notFound("no comms request \(id)", field: "id")
        }
        guard let retrieval = deps.documents, let document = try await retrieval.document(of: detail) else {
            throw HeraldError.notFound("comms request \(id) has no document (only emails and letters have one, once merged)", field: "id")
        }
        let etag = "\"\(document.sha256)\""
        var headers: HTTPFields = [.eTag: etag, .cacheControl: "private, no-cache", .xContentTypeOptions: "nosniff"]
        if let match = call.request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = document.contentType
        headers[.contentDisposition] = "inline; filename=\"\(id).\(document.contentType == "application/pdf" ? "pdf" : "eml")\""
        headers[HTTPField.Name("X-Herald-Document-Source")!] = document.source
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document.bytes)))
    }

    /// `GET /v1/comms-requests?customerId=&accountId=&subscriptionId=&status=&commsCode=&limit=&cursor=`.
    func listRequests(_ call: Call) async throws -> Response {
        let query = try Self.requestQuery(call.request.uri.queryParameters)
        let page = try await store.requests(query)
        return JSONResponse.make(RequestPageRepresentation(page: page))
    }

    /// `POST /v1/comms-requests/{id}/cancel` with an optional `{"reason"}`.
    func cancelRequest(_ call: Call) async throws -> Response {
        struct CancelInput: Decodable { var reason: String? }
        let id = try call.parameter("id")
        let input = try await bodies.decodeOptional(CancelInput.self, from: call.request, shape: .cancel)
        guard try await store.request(id: id) != nil else {
            throw HeraldError.notFound("no comms request \(id)", field: "id")
        }
        let detail = try await store.cancelRequest(id: id, actor: call.actor, reason: input.reason, at: now)
        return JSONResponse.make(RequestRepresentation(detail))
    }

    // MARK: Helpers

    /// Reads `Idempotency-Key` and hashes the canonical form of the decoded body.
    func idempotency(_ call: Call, hashing input: some Encodable) throws -> TriggerSubmission.Idempotency? {
        guard let key = try idempotencyKey(call) else { return nil }
        return TriggerSubmission.Idempotency(key: key, bodyHash: try BodyReader.canonicalHash(input))
    }

    /// The `Idempotency-Key` header: 1 to 255 visible ASCII characters.
    func idempotencyKey(_ call: Call) throws -> String? {
        guard let key = call.header("Idempotency-Key") else { return nil }
        // Bytes, not Characters: grapheme breaking showed on every trigger.
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw Problem.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters", field: "Idempotency-Key")
        }
        return key
    }

    static let maxLimit = 500

    /// Parses the list filters; a bad value is a 400 naming the query parameter.
    static func requestQuery(_ parameters: Parameters) throws -> RequestQuery {
        let known: Set<Substring> = ["customerId", "accountId", "subscriptionId", "status", "commsCode", "limit", "cursor"]
        if let unknown = parameters.map(\.key).first(where: { !known.contains($0) }) {
            throw Problem.badRequest("unknown query parameter '\(unknown)'", field: String(unknown))
        }
        func value(_ name: String) throws -> String? {
            let all = parameters.getAll(name)
            guard all.count <= 1 else { throw Problem.badRequest("\(name) may be given once", field: name) }
            guard let v = all.first else { return nil }
            guard !v.isEmpty else { throw Problem.badRequest("\(name) must not be empty", field: name) }
            return v
        }
        var query = RequestQuery(
            customerId: try value("customerId"), accountId: try value("accountId"),
            subscriptionId: try value("subscriptionId"), commsCode: try value("commsCode"), cursor: try value("cursor"))
        if let raw = try value("status") {
            guard let status = RequestStatus(nameOrCode: raw) else {
                let names = RequestStatus.allCases.map { "\($0.rawValue) (\($0.code))" }.joined(separator: ", ")
                throw Problem.badRequest("unknown status '\(raw)'; expected one of \(names)", field: "status")
            }
            query.status = status
        }
        if let raw = try value("limit") {
            guard let limit = Int(raw), (1...maxLimit).contains(limit) else {
                throw Problem.badRequest("limit must be an integer from 1 to \(maxLimit)", field: "limit")
            }
            query.limit = limit
        }
        return query
    }
}
