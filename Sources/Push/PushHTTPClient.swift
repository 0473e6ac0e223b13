import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

extension Push {
    /// An `HTTPClient` for the push providers: HTTP/2 negotiated over TLS (one connection per
    /// endpoint carrying many streams), the system's trusted roots plus those in `caFile`
    /// (PEM; tests and private gateways). Certificate verification is never switched off.
    /// The caller shuts the client down.
    public static func makeHTTPClient(caFile: String? = nil, connectTimeout: Duration = .seconds(10)) throws -> HTTPClient {
        let tls = try tlsConfiguration(caFile: caFile)
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.httpVersion = .automatic
        configuration.timeout.connect = .nanoseconds(Int64(connectTimeout.components.seconds) * 1_000_000_000
            + connectTimeout.components.attoseconds / 1_000_000_000)
        configuration.connectionPool.idleTimeout = .minutes(10)
        // No request spans: each one parses the URL once more and builds attributes per push.
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }
}

extension Duration {
    /// The duration as a NIO `TimeAmount`.
    var timeAmount: TimeAmount {
        .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}

/// Sends a request and reads its answer (at most 64 KiB of body); transport errors become
/// results (a retry, or a possible duplicate when the request may have reached the provider).
struct PushExchange: Sendable {
    let client: HTTPClient
    let timeout: Duration
    let provider: String

    static let maxResponseBytes = 64 * 1024

    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    func execute(_ request: HTTPClientRequest) async -> Result<Answer, PushFailure> {
        do {
            let response = try await client.execute(request, timeout: timeout.timeAmount)
            let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
            return .success(Answer(status: Int(response.status.code), headers: response.headers,
                                   body: Data(buffer.readableBytesView)))
        } catch {
            return .failure(PushFailure(result: Self.result(for: error, provider: provider)))
        }
    }

    /// The result of a request that got no answer.
    static func result(for error: any Error, provider: String) -> PushResult {
        if let error = error as? HTTPClientError {
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) {
                return .permanent(reason: "\(provider) URL: \(error)", status: nil)
            }
            if [.deadlineExceeded, .readTimeout, .remoteConnectionClosed, .writeTimeout].contains(error) {
                return .possibleDuplicate(reason: "\(error) — \(provider) may have accepted it")
            }
            return .retry(reason: "\(provider) request failed: \(error)", status: nil, retryAfter: nil)
        }
        return .retry(reason: "\(provider) unreachable: \(error)", status: nil, retryAfter: nil)
    }
}

/// A result carried as an error.
struct PushFailure: Error {
    var result: PushResult
}

/// JSON helpers shared by the clients.
enum PushJSON {
    /// The top-level JSON object of `data`, or nil.
    static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// At most 200 characters of a body, on one line.
    static func excerpt(_ body: Data) -> String {
        let text = String(decoding: body.prefix(1024), as: UTF8.self)
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        if text.isEmpty { return "(empty body)" }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    /// A JSON object given as text (custom data), checked.
    static func customObject(_ text: String?) throws -> [String: Any]? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw PushError.invalidCustomData("not a JSON object")
        }
        return object
    }
}

extension Push {
    /// A TLS client configuration with full verification, the system's roots plus those in
    /// `caFile` (PEM), and ALPN `protocols` when given.
    static func tlsConfiguration(caFile: String?, protocols: [String] = []) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if !protocols.isEmpty { tls.applicationProtocols = protocols }
        if let caFile, !caFile.isEmpty {
            let roots: [NIOSSLCertificate]
            do {
                roots = try NIOSSLCertificate.fromPEMFile(caFile)
            } catch {
                throw PushError.invalidCredentials("CA file \(caFile) cannot be read as PEM certificates: \(error)")
            }
            guard !roots.isEmpty else { throw PushError.invalidCredentials("CA file \(caFile) holds no certificate") }
            tls.additionalTrustRoots = [.certificates(roots)]
        }
        return tls
    }
}
