import AsyncHTTPClient
import Foundation
import HeraldCore
import Logging
import NIOCore
import NIOHTTP1
import StandardWebhooks

/// Sends external distributions as signed webhooks: each is `POST`ed as JSON
/// (``ExternalCommPayload``) to the external system its comms code names (code.json
/// `"external": {"system": "PORTAL"}`, configured in ``ExternalSystems``), signed per Standard
/// Webhooks with the system's secret. `webhook-id` is stable per distribution (`msg_<distribution
/// id>`), the same on every retry, so receivers de-duplicate; `webhook-timestamp` is the
/// attempt's.
///
/// Outcomes:
/// - 2xx → `sent`, the reference being the response JSON's `id` when it has one;
/// - 408, 429, 5xx, a refused connection, a name that does not resolve → retry;
/// - a timeout or a connection lost after the request went out → `possibleDuplicate`;
/// - any other status (other 4xx, and 3xx: redirects are never followed) → permanent, with the
///   status and an excerpt of the body;
/// - a target whose address is loopback, link-local or private (``TargetAddressGuard``),
///   unless `external.allowPrivateTargets` → permanent, naming the address;
/// - a code naming no system, or an unknown one → permanent.
///
/// At most ``ExternalSystem/concurrency`` requests are in flight per system, over every batch.
public struct WebhookTransmitter: Transmitter {
    /// The configured systems.
    public let systems: ExternalSystems
    /// The external system of a comms code (code.json `external.system`).
    public let systemOfCode: @Sendable (String) -> String?
    /// The SSRF guard.
    public let targetGuard: TargetAddressGuard
    /// The client requests go through (redirects disallowed).
    public let client: HTTPClient
    let limits: [String: SharedLimit]
    /// Each system's URL and host (parsed once).
    let urls: [String: URL]
    let hosts: [String: String]
    let logger: Logger

    /// The largest response body read.
    static let maxResponseBytes = 64 * 1024

    /// The client of every webhook transmitter that is given none: redirects are never
    /// followed, and enough HTTP/1.1 connections per host for the largest concurrency. A
    /// process-wide client, like `HTTPClient.shared`, so it needs no shutdown.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// A transmitter over `systems`; `systemOfCode` names a comms code's system.
    public init(systems: ExternalSystems, allowPrivateTargets: Bool, client: HTTPClient = WebhookTransmitter.sharedClient,
                logger: Logger = Logger(label: "herald.external.webhook"),
                systemOfCode: @escaping @Sendable (String) -> String?) {
        self.systems = systems
        self.systemOfCode = systemOfCode
        self.targetGuard = TargetAddressGuard(allowPrivateTargets: allowPrivateTargets)
        self.client = client
        self.limits = systems.systems.mapValues { SharedLimit($0.concurrency) }
        self.urls = systems.systems.compactMapValues { URL(string: $0.url) }
        self.hosts = systems.systems.compactMapValues { URL(string: $0.url)?.host }
        self.logger = logger
    }

    /// A transmitter taking each code's system from `catalog` (as it is when each comm is sent,
    /// so a reloaded catalog applies).
    public init(systems: ExternalSystems, allowPrivateTargets: Bool, catalog: any TemplateCatalog,
                client: HTTPClient = WebhookTransmitter.sharedClient, logger: Logger = Logger(label: "herald.external.webhook")) {
        self.init(systems: systems, allowPrivateTargets: allowPrivateTargets, client: client, logger: logger) {
            catalog.code($0)?.externalSystem
        }
    }

    /// The `webhook-id` of a distribution: `msg_<distribution id>` (characters other than
    /// letters, digits, `_` and `-` replaced by `_`, as ids must not contain `.`).
    public static func messageID(of distribution: Distribution) -> String {
        var bytes: [UInt8] = Array("msg_".utf8)
        bytes.reserveCapacity(4 + distribution.id.utf8.count)
        var lastWasMultibyte = false
        for byte in distribution.id.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "-"):
                bytes.append(byte)
                lastWasMultibyte = false
            case 0x80..<0xC0 where lastWasMultibyte:
                continue  // the rest of a character already replaced
            default:
                bytes.append(UInt8(ascii: "_"))
                lastWasMultibyte = byte >= 0xC0
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Sends the batch, concurrently within each system's limit. One outcome per transmission, in order.
    public func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome] {
        var outcomes = [TransmissionOutcome?](repeating: nil, count: batch.count)
        await withTaskGroup(of: (Int, TransmissionOutcome).self) { group in
            for (index, tx) in batch.enumerated() {
                switch route(tx) {
                case .failure(let unrouted):
                    outcomes[index] = unrouted.outcome
                case .success(let system):
                    group.addTask { (index, await self.send(tx, to: system)) }
                }
            }
            for await (index, outcome) in group { outcomes[index] = outcome }
        }
        return outcomes.map { $0 ?? .retry("not sent") }
    }

    /// Sends one transmission (within its system's limit, shared with every batch).
    public func transmit(one tx: Transmission) async -> TransmissionOutcome {
        switch route(tx) {
        case .failure(let unrouted): unrouted.outcome
        case .success(let system): await send(tx, to: system)
        }
    }

    struct Unrouted: Error { var outcome: TransmissionOutcome }

    /// The system of `tx`, or its permanent failure.
    func route(_ tx: Transmission) -> Result<ExternalSystem, Unrouted> {
        guard let name = systemOfCode(tx.request.commsCode) else {
            return .failure(Unrouted(outcome: .permanent(
                "comms code \(tx.request.commsCode) names no external system (code.json \"external\": {\"system\": …})")))
        }
        guard let system = systems[name] else {
            return .failure(Unrouted(outcome: .permanent("external system \(name) is not configured (config file external.systems.\(name))")))
        }
        return .success(system)
    }

    /// Sends one distribution to `system`, holding one of its places while in flight.
    func send(_ tx: Transmission, to system: ExternalSystem) async -> TransmissionOutcome {
        guard let limit = limits[system.name] else { return .permanent("external system \(system.name) is not configured") }
        await limit.acquire()
        defer { limit.release() }
        guard let host = hosts[system.name] else {
            return .permanent("external system \(system.name): bad URL \(system.url)")
        }
        do {
            try await targetGuard.check(host: host)
        } catch {
            switch error {
            case .privateAddress: return .permanent("\(system.name): \(error)")
            case .unresolved: return .retry("\(system.name): \(error)")
            }
        }
        let body = ExternalCommPayload(tx, system: system.name).json()
        var headers = HTTPHeaders()
        headers.reserveCapacity(7)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: "Herald-Webhooks/1")
        for (name, value) in WebhookSigner(secret: system.secret).headers(id: Self.messageID(of: tx.distribution), body: body) {
            headers.add(name: name, value: value)
        }
        let (seconds, attoseconds) = system.timeout.components
        let timeout = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let answer: CappedResponse.Response
        do {
            guard let url = urls[system.name] else { throw HTTPClientError.invalidURL }
            // The EventLoopFuture API: the response is gathered on the event loop and handed
            // over once (the async API resumes the task for the head and again for the body).
            let request = try HTTPClient.Request(url: url, method: .POST, headers: headers, body: .byteBuffer(ByteBuffer(bytes: body)))
            answer = try await client.execute(request: request, delegate: CappedResponse(cap: Self.maxResponseBytes),
                                              deadline: .now() + timeout, logger: logger).futureResult.get()
        } catch {
            return Self.outcome(for: error, system: system.name)
        }
        return Self.outcome(status: answer.status, body: Data(answer.body), system: system.name)
    }

    /// The outcome of an answered request.
    static func outcome(status: Int, body: Data, system: String) -> TransmissionOutcome {
        switch status {
        case 200..<300:
            let json = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
            return .sent(reference: json.flatMap { HTTPGatewayTransmitter.value(at: "id", in: $0) })
        case 408, 429, 500..<600:
            return .retry("HTTP \(status) from \(system): \(HTTPGatewayTransmitter.excerpt(body))", code: String(status))
        case 300..<400:
            return .permanent("HTTP \(status) from \(system) (redirects are not followed): \(HTTPGatewayTransmitter.excerpt(body))",
                              code: String(status))
        default:
            return .permanent("HTTP \(status) from \(system): \(HTTPGatewayTransmitter.excerpt(body))", code: String(status))
        }
    }

    /// The outcome of a request that got no answer.
    static func outcome(for error: any Error, system: String) -> TransmissionOutcome {
        if let error = error as? HTTPClientError {
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) {
                return .permanent("\(system) URL: \(error)")
            }
            if [.deadlineExceeded, .readTimeout, .remoteConnectionClosed, .writeTimeout].contains(error) {
                return .possibleDuplicate("\(error) — \(system) may have received it (webhook-id lets it de-duplicate)")
            }
            if error == .connectTimeout { return .retry("\(system) unreachable: \(error)") }
            return .retry("\(system) request failed: \(error)")
        }
        return .retry("\(system) unreachable: \(error)")
    }
}

/// Gathers a response's status and at most `cap` bytes of its body (the rest is read and
/// dropped), on the request's event loop.
final class CappedResponse: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = (status: Int, body: [UInt8])
    let cap: Int
    // Touched only on the request's event loop, one callback at a time.
    private var status = 0
    private var body: [UInt8] = []

    init(cap: Int) { self.cap = cap }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        status = Int(head.status.code)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        if body.count < cap { body += buffer.readableBytesView.prefix(cap - body.count) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response { (status, body) }
}
