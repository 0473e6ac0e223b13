import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import StandardWebhooks
import Synchronization

/// `herald demo`'s stand-in for the systems around Herald: a Hummingbird server on a free
/// loopback port that takes signed POSTs — the webhook transmitter's to the external system
/// `PORTAL` at `/portal/comms`, and the status callbacks to the billing system at
/// `/billing/callbacks` — verifies each signature with the one secret (``WebhookVerifier``) and
/// answers `200 {"id": "portal-<n>"}` (the id Herald keeps as an external comm's reference). A
/// request whose signature does not verify gets 401.
final class DemoWebhookReceiver: Sendable {
    /// One webhook as it arrived.
    struct Delivery: Sendable {
        /// `/portal/comms` or `/billing/callbacks`.
        var path: String
        var webhookId: String
        var verified: Bool
        var body: String
    }

    let secret: WebhookSecret
    private let deliveries = Mutex<[Delivery]>([])
    private let port = Mutex<Int?>(nil)

    init(secret: WebhookSecret) {
        self.secret = secret
    }

    var received: [Delivery] { deliveries.withLock { $0 } }

    /// The paths it answers.
    static let portalPath = "/portal/comms", callbackPath = "/billing/callbacks"

    /// Runs the server while `body` runs, with its base URL (`http://127.0.0.1:<port>`).
    func serve<T: Sendable>(_ body: @Sendable (_ base: String) async throws -> T) async throws -> T {
        let router = Router()
        let verifier = WebhookVerifier(secret: secret)
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let verified = (try? verifier.verify(body: Data(bytes.readableBytesView), headers: headers)) != nil
            let n = self.deliveries.withLock { list in
                list.append(Delivery(path: request.uri.path, webhookId: headers[StandardWebhooks.idHeader] ?? "", verified: verified,
                                     body: String(buffer: bytes)))
                return list.count
            }
            guard verified else { return Response(status: .unauthorized) }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"id": "portal-\#(n)"}"#)))
        }
        router.post(RouterPath(Self.portalPath), use: handler)
        router.post(RouterPath(Self.callbackPath), use: handler)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "demo-portal"),
                              onServerRunning: { channel in self.port.withLock { $0 = channel.localAddress?.port } },
                              logger: Logger(label: "herald.demo.portal", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []); return nil }
            let deadline = ContinuousClock.now + .seconds(30)  // a loaded CI machine is slow to start a server
            while self.port.withLock({ $0 }) == nil {
                guard ContinuousClock.now < deadline else { throw HeraldDemoError("the demo's webhook receiver did not start") }
                try await Task.sleep(for: .milliseconds(10))
            }
            let result = try await body("http://127.0.0.1:\(self.port.withLock { $0 }!)")
            group.cancelAll()
            return result
        }
    }
}

/// A demo that could not run its local stand-ins.
struct HeraldDemoError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
