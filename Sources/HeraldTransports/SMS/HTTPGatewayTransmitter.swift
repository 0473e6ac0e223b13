import AsyncHTTPClient
import Foundation
import HeraldCore
import Logging
import NIOCore
import NIOHTTP1

/// Sends SMS distributions through an aggregator's JSON-over-HTTP API (``HTTPGatewaySettings``):
/// one `POST` per SMS with the rendered body template and the authentication header; the
/// provider's message id is read from the response at ``HTTPGatewaySettings/idPath`` and kept
/// as the distribution's reference, so the status callback
/// (`POST /v1/inbound/sms-status/{route}`) can find it.
///
/// Batches are sent concurrently, at most ``HTTPGatewaySettings/concurrency`` requests at once,
/// over one `HTTPClient` (by default `HTTPClient.shared`, which needs no shutdown, so a runtime
/// built without its services — `herald demo`, `herald import` — leaks nothing). Outcomes:
/// - 2xx with a message id → `sent` with that id;
/// - 2xx without one → not retryable (it may have been sent; a retry could send it twice);
/// - 408, 429, 5xx, a refused connection → retryable, naming the status;
/// - a timeout or a connection lost after the request went out → `possibleDuplicate` (retried, "possible
///   duplicate" (the gateway may have accepted it);
/// - any other status → not retryable, naming the status with a short excerpt of the body.
public struct HTTPGatewayTransmitter: Transmitter {
    /// The route's settings (validated).
    public let settings: HTTPGatewaySettings
    /// The client requests go through.
    public let client: HTTPClient
    /// The places for requests in flight, shared by every batch (and copy) of this transmitter.
    let inFlight: SharedLimit
    let logger: Logger

    /// The largest response body read.
    static let maxResponseBytes = 64 * 1024

    /// Creates a transmitter over `client` (default `HTTPClient.shared`).
    public init(settings: HTTPGatewaySettings, client: HTTPClient = .shared, logger: Logger = Logger(label: "herald.sms.http")) {
        self.settings = settings
        self.client = client
        self.inFlight = SharedLimit(settings.concurrency)
        self.logger = logger
    }

    /// Sends the batch; at most ``HTTPGatewaySettings/concurrency`` requests are in flight at
    /// once over all the batches being sent. One outcome per transmission, in order.
    public func transmit(_ batch: [Transmission]) async -> [TransmissionOutcome] {
        var outcomes = [TransmissionOutcome?](repeating: nil, count: batch.count)
        let limit = max(1, settings.concurrency)
        await withTaskGroup(of: (Int, TransmissionOutcome).self) { group in
            var next = 0
            func startNext() {
                let index = next
                let tx = batch[index]
                next += 1
                group.addTask {
                    // Each request holds its place only while it is in flight.
                    await self.inFlight.acquire()
                    defer { self.inFlight.release() }
                    return (index, await self.transmit(tx))
                }
            }
            while next < batch.count && next < limit { startNext() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if next < batch.count { startNext() }
            }
        }
        return outcomes.map { $0 ?? .retry("not sent") }
    }

    /// Sends one SMS.
    func transmit(_ tx: Transmission) async -> TransmissionOutcome {
        let d = tx.distribution
        guard let text = d.message, !text.isEmpty else { return .permanent("no message text") }
        guard !d.target.isEmpty else { return .permanent("no destination number") }
        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let name = settings.authHeader, let value = settings.authValue {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(string: settings.render(to: d.target, text: text, id: d.id)))
        let timeout = TimeAmount.nanoseconds(Int64(settings.timeout.components.seconds) * 1_000_000_000
            + settings.timeout.components.attoseconds / 1_000_000_000)
        let status: Int
        let body: Data
        do {
            let response = try await client.execute(request, timeout: timeout, logger: logger)
            status = Int(response.status.code)
            let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
            body = Data(buffer.readableBytesView)
        } catch {
            return Self.outcome(for: error)
        }
        return outcome(status: status, body: body)
    }

    /// The outcome of an answered request.
    func outcome(status: Int, body: Data) -> TransmissionOutcome {
        let excerpt = Self.excerpt(body)
        switch status {
        case 200..<300:
            let json = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
            guard let json, let id = Self.value(at: settings.idPath, in: json) else {
                return .permanent(
                    "HTTP \(status) from the SMS gateway without a message id at '\(settings.idPath)' (it may have been sent): \(excerpt)",
                    code: String(status))
            }
            return .sent(reference: id)
        case 408, 429, 500..<600:
            return .retry("HTTP \(status) from the SMS gateway: \(excerpt)", code: String(status))
        default:
            return .permanent("HTTP \(status) from the SMS gateway: \(excerpt)", code: String(status))
        }
    }

    /// The outcome of a request that got no answer: always retryable; "possible duplicate" when
    /// the request may have reached the gateway.
    static func outcome(for error: any Error) -> TransmissionOutcome {
        if let error = error as? HTTPClientError {
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) {
                return .permanent("SMS gateway URL: \(error)")
            }
            if [.deadlineExceeded, .readTimeout, .remoteConnectionClosed, .writeTimeout].contains(error) {
                return .possibleDuplicate("\(error) — the SMS gateway may have accepted it")
            }
            if error == .connectTimeout { return .retry("SMS gateway unreachable: \(error)") }
            return .retry("SMS gateway request failed: \(error)")
        }
        return .retry("SMS gateway unreachable: \(error)")
    }

    /// The value at a dotted path (`messages.0.id`) as text: a string, or a number written
    /// without a fraction when whole.
    public static func value(at path: String, in json: Any) -> String? {
        var current: Any = json
        for part in path.split(separator: ".") {
            if let object = current as? [String: Any], let next = object[String(part)] {
                current = next
            } else if let array = current as? [Any], let index = Int(part), array.indices.contains(index) {
                current = array[index]
            } else {
                return nil
            }
        }
        switch current {
        case let text as String:
            return text.isEmpty ? nil : text
        case let number as Int:
            return String(number)
        case let number as Double:
            return number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        default:
            return nil
        }
    }

    /// At most 200 characters of a response body, on one line.
    static func excerpt(_ body: Data) -> String {
        let text = String(decoding: body.prefix(1024), as: UTF8.self)
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        if text.isEmpty { return "(empty body)" }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
