import Foundation
import HeraldCore
import Hummingbird
import Logging

extension HeraldAPI {
    /// `GET /v1/comms-codes`.
    func listCommsCodes(_ call: Call) async throws -> Response {
        try JSONResponse.make(ItemsRepresentation(items: deps.catalog.codes.map(CommsCodeRepresentation.init)))
    }

    /// `GET /healthz`: `{"status":"ok"}` once a store ping (`SELECT 1`) succeeds, else 503.
    /// A good ping is trusted for a second; a failed one is never cached.
    func health(_ call: Call) async throws -> Response {
        do {
            _ = try await health.value { try await store.ping(); return true }
        } catch {
            call.context.logger.info("health check failed", metadata: ["error": "\(String(reflecting: error))"])
            throw HeraldError(.unavailable, "the store is not reachable")
        }
        return try JSONResponse.make(["status": "ok"])
    }

    /// `GET /metrics`: Prometheus text exposition.
    func metrics(_ call: Call) async throws -> Response {
        let text = await deps.metricsText()
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `GET /openapi.json`: the contract, from the module's resources.
    func openAPI(_ call: Call) async throws -> Response {
        guard let data = OpenAPIDocument.data else {
            throw HeraldError.internalError("openapi.json missing from the HeraldHTTP bundle")
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
