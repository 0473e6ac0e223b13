import Foundation
import HTTPTypes
import HeraldApp
import HeraldCatalog
import HeraldCore
import HeraldTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus

// Helpers shared by HeraldAppTests and HeraldAppIntegrationTests (a test target cannot import
// another): runtimes on temporary folders, calls into the API, python checks, SMS scenarios.

/// A fresh temporary data folder, removed by the caller.
public func temporaryDirectory(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(name)-\(UUID().uuidString)")
}

extension TestClientProtocol {
    /// Sends a request with a bearer key (nil: none) and an optional JSON body.
    public func call(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, key: String? = "admin-key",
                     headers extra: [HTTPField.Name: String] = [:]) async throws -> TestResponse {
        var headers = HTTPFields()
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = "application/json" }
        for (n, v) in extra { headers[n] = v }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    /// The body as a JSON object (empty when it is not one).
    public var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:] }
    /// The body as text.
    public var text: String { String(buffer: body) }
}

/// A failed check inside a helper (thrown: the calling test fails with it).
public struct EmailTestFailure: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// A runtime on a temporary folder with the sample catalog, configured through the same
/// loader `herald serve` uses with `environment` (HERALD_* variables).
public func makeEmailRuntime(_ name: String, environment: [String: String]) async throws -> HeraldRuntime {
    let dir = temporaryDirectory(name)
    try SampleCatalog.write(to: dir.appendingPathComponent("catalog"))
    var env = environment
    env["HERALD_ADMIN_API_KEY"] = "admin-key"
    let settings = try await HeraldSettings.load(dataDir: dir.path, environment: env)
    return try await HeraldRuntime(settings: settings, logger: Logger(label: "test"))
}

/// Runs `python3 -c script args…` with `input` on stdin and returns stdout (through
/// `TestProcess`: the test pool is not blocked while python runs).
public func python(_ script: String, _ arguments: [String] = [], input: [UInt8] = []) async throws -> String {
    let result = try await TestProcess.python(script, arguments, input: input)
    guard result.status == 0 else {
        throw EmailTestFailure(message: "python3 failed (\(result.status)): \(result.errors)")
    }
    return result.output
}

/// The email scenario steps the email tests share.
public enum EmailScenario {
    /// Stores customer `id` with `email` (created or replaced); an unexpected answer is thrown.
    public static func putCustomer(_ client: some TestClientProtocol, _ id: String, email: String) async throws {
        let r = try await client.call(.put, "/v1/customers/\(id)", json: """
            {"firstName": "Zoë", "lastName": "Ångström", "language": "en", "email": "\(email)"}
            """)
        guard r.status == .created || r.status == .ok else { throw EmailTestFailure(message: "customer \(id): \(r.status) \(r.text)") }
    }

    /// Triggers WELCOME for `customer`; returns the request id.
    public static func welcome(_ client: some TestClientProtocol, customer: String) async throws -> String {
        let r = try await client.call(.post, "/v1/comms-requests", json: #"{"commsCode": "WELCOME", "customerId": "\#(customer)"}"#)
        guard r.status == .created, let id = r.object["id"] as? String else {
            throw EmailTestFailure(message: "WELCOME for \(customer): \(r.status) \(r.text)")
        }
        return id
    }
}
