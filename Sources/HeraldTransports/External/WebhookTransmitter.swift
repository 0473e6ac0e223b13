import Foundation
import HeraldCore
import Logging
import NIOCore
import StandardWebhooks
import WebhookClient

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
    /// The SSRF guard: it resolves each new connection's host and vets the addresses, and the
    /// client connects to one of those addresses.
    public let targetGuard: TargetAddressGuard
    /// The HTTP/1.1 client requests go through (keep-alive pools, no redirects), the guard as
    /// its resolver.
    public let client: WebhookClient
    let limits: [String: SharedLimit]
    /// Each system's signer (its key set up once).
    let signers: [String: WebhookSigner]
    /// Each system's endpoint (parsed once), or why its URL cannot be used.
    let endpoints: [String: Result<WebhookClient.Endpoint, WebhookClientError>]
    let logger: Logger

    /// The largest response body read.
    static let maxResponseBytes = 64 * 1024

    /// A transmitter over `systems`; `systemOfCode` names a comms code's system.
    public init(systems: ExternalSystems, allowPrivateTargets: Bool, logger: Logger = Logger(label: "herald.external.webhook"),
                systemOfCode: @escaping @Sendable (String) -> String?) {
        self.systems = systems
        self.systemOfCode = systemOfCode
        let targetGuard = TargetAddressGuard(allowPrivateTargets: allowPrivateTargets)
        self.targetGuard = targetGuard
        let client = WebhookClient(configuration: .init(maxResponseBodyBytes: Self.maxResponseBytes) { host, port in
            try await targetGuard.addresses(of: host).map { try SocketAddress(ipAddress: $0.description, port: port) }
        })
        self.client = client
        self.limits = systems.systems.mapValues { SharedLimit($0.concurrency) }
        self.signers = systems.systems.mapValues { WebhookSigner(secret: $0.secret) }
        self.endpoints = systems.systems.mapValues { system in Result { () throws(WebhookClientError) in try client.endpoint(system.url) } }
        self.logger = logger
    }

    /// A transmitter taking each code's system from `catalog` (as it is when each comm is sent,
    /// so a reloaded catalog applies).
    public init(systems: ExternalSystems, allowPrivateTargets: Bool, catalog: any TemplateCatalog,
                logger: Logger = Logger(label: "herald.external.webhook")) {
        self.init(systems: systems, allowPrivateTargets: allowPrivateTargets, logger: logger) {
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
        guard let limit = limits[system.name], let endpoint = endpoints[system.name], let signer = signers[system.name] else {
            return .permanent("external system \(system.name) is not configured")
        }
        await limit.acquire()
        defer { limit.release() }
        let body = ExternalCommPayload(tx, system: system.name).json()
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("Accept", "application/json"), ("User-Agent", "Herald-Webhooks/1"),
        ]
        headers += signer.headers(id: Self.messageID(of: tx.distribution), body: body)
        let (seconds, attoseconds) = system.timeout.components
        let timeout = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let answer: WebhookResponse
        do throws(WebhookClientError) {
            answer = try await client.execute(endpoint.get(), headers: headers, body: body, timeout: timeout)
        } catch {
            return Self.outcome(for: error, system: system.name)
        }
        return Self.outcome(status: answer.status, body: Data(answer.body), system: system.name)
    }

    /// The outcome of an answered request.
    static func outcome(status: Int, body: Data, system: String) -> TransmissionOutcome {
        switch status {
        case 200..<300:
            if case .known(let reference) = Self.simpleID(in: body) { return .sent(reference: reference) }
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

    enum SimpleID: Equatable { case known(String?), unknown }

    /// The top-level `id` of a flat JSON object of ASCII strings without escapes, integers,
    /// booleans and nulls — what receivers usually answer — read without JSONSerialization,
    /// with the same result (a non-empty string, or an integer as text; else nil). `unknown`
    /// for anything else, which JSONSerialization then reads.
    static func simpleID(in body: Data) -> SimpleID {
        body.withUnsafeBytes { raw -> SimpleID in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            func skipSpace() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
            /// A string without escapes or non-ASCII, as its byte range; nil for anything else.
            func string() -> Range<Int>? {
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
                i += 1
                let start = i
                while i < b.count, b[i] != UInt8(ascii: "\"") {
                    guard b[i] >= 0x20, b[i] < 0x7F, b[i] != UInt8(ascii: "\\") else { return nil }
                    i += 1
                }
                guard i < b.count else { return nil }
                i += 1
                return start..<(i - 1)
            }
            func literal(_ word: StaticString) -> Bool {
                let n = word.utf8CodeUnitCount
                guard i + n <= b.count else { return false }
                for k in 0..<n where b[i + k] != word.utf8Start[k] { return false }
                i += n
                return true
            }
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: "{") else { return .unknown }
            i += 1
            var id: String??
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    skipSpace()
                    guard let key = string() else { return .unknown }
                    let isID = key.count == 2 && b[key.lowerBound] == UInt8(ascii: "i") && b[key.lowerBound + 1] == UInt8(ascii: "d")
                    skipSpace()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { return .unknown }
                    i += 1
                    skipSpace()
                    guard i < b.count else { return .unknown }
                    var value: String?
                    switch b[i] {
                    case UInt8(ascii: "\""):
                        guard let range = string() else { return .unknown }
                        value = range.isEmpty ? nil : String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                        let start = i
                        if b[i] == UInt8(ascii: "-") { i += 1 }
                        let digitsStart = i
                        while i < b.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) { i += 1 }
                        let digits = i - digitsStart
                        // Plain integers only (no fraction, exponent, leading zero or overflow).
                        guard digits > 0, digits <= 15, digits == 1 || b[digitsStart] != UInt8(ascii: "0"),
                              i == b.count || ![UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(b[i]),
                              !(b[start] == UInt8(ascii: "-") && digits == 1 && b[digitsStart] == UInt8(ascii: "0")) else { return .unknown }
                        value = String(Int(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))!)
                    default:
                        // true and false bridge to numbers in JSONSerialization: left to it.
                        if isID && !literal("null") { return .unknown }
                        guard isID || literal("true") || literal("false") || literal("null") else { return .unknown }
                        value = nil
                    }
                    if isID {
                        guard id == nil else { return .unknown }  // a repeated key: leave it to the full parser
                        id = .some(value)
                    }
                    skipSpace()
                    guard i < b.count else { return .unknown }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard b[i] == UInt8(ascii: "}") else { return .unknown }
                    i += 1
                    break
                }
            }
            skipSpace()
            guard i == b.count else { return .unknown }
            return .known(id ?? nil)
        }
    }

    /// The outcome of a request that got no answer.
    static func outcome(for error: WebhookClientError, system: String) -> TransmissionOutcome {
        switch error {
        case .invalidRequest:
            return .permanent("\(system) URL: \(error)")
        case .resolution(_, let cause):
            if let refusal = cause as? TargetAddressGuard.Refusal, case .privateAddress = refusal {
                return .permanent("\(system): \(refusal)")
            }
            return .retry("\(system): \(cause)")
        case .connectFailed, .timeout(requestSent: false):
            return .retry("\(system) unreachable: \(error)")
        case .timeout(requestSent: true), .connectionClosed, .malformedResponse:
            return .possibleDuplicate("\(error) — \(system) may have received it (webhook-id lets it de-duplicate)")
        }
    }
}
