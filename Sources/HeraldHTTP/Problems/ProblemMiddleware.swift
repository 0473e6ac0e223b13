import HeraldCore
import Hummingbird
import Logging

/// Turns every error a route throws into an `application/problem+json` response: a
/// ``HeraldError`` by its kind, a ``Problem`` as is, Hummingbird's errors (unknown route, body
/// too large) by their status, and anything else into a 500 with a log line.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response
        } catch let error as HeraldError {
            if error.kind == .internalError || error.kind == .unavailable {
                log(error, request: request, context: context)
            }
            return Problem(error).response
        } catch let error as any HTTPResponseError {
            if error.status.code >= 500 { log(error, request: request, context: context) }
            return Problem(error, request: request).response
        } catch {
            log(error, request: request, context: context)
            return Problem.internalError.response
        }
    }

    private func log(_ error: any Error, request: Request, context: Context) {
        var logger = self.logger
        logger[metadataKey: "http.method"] = "\(request.method.rawValue)"
        logger[metadataKey: "http.path"] = "\(request.uri.path)"
        logger[metadataKey: "http.request_id"] = context.logger[metadataKey: "hb.request.id"]
        logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
    }
}
