import Foundation
import NIOCore
import HeraldTestSupport
import STOMP
import Testing

/// The ActiveMQ broker scripts/servers/activemq.sh starts, and the tools the tests read it with.
enum ActiveMQ {
    /// Started by scripts/test.sh (scripts/servers/activemq.sh).
    struct Missing: Error, CustomStringConvertible {
        var variable: String
        var description: String { "\(variable) is not set: run the tests through scripts/test.sh, which starts ActiveMQ" }
    }

    static func environment(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw Missing(variable: name) }
        return value
    }

    /// The shared broker's port.
    static func port() throws -> Int {
        let text = try environment("HERALD_TEST_STOMP_PORT")
        guard let port = Int(text) else { throw Missing(variable: "HERALD_TEST_STOMP_PORT (a number)") }
        return port
    }

    /// The shared broker's stomp+ssl port and the CA file its certificate chains to.
    static func tls() throws -> (port: Int, caFile: String) {
        guard let port = Int(try environment("HERALD_TEST_STOMP_TLS_PORT")) else {
            throw Missing(variable: "HERALD_TEST_STOMP_TLS_PORT (a number)")
        }
        return (port, try environment("HERALD_TEST_STOMP_CA_FILE"))
    }

    static func login() throws -> String { try environment("HERALD_TEST_STOMP_LOGIN") }
    static func passcode() throws -> String { try environment("HERALD_TEST_STOMP_PASSCODE") }

    /// A client configuration for the broker on `port`.
    static func configuration(port: Int) throws -> STOMPClient.Configuration {
        var configuration = STOMPClient.Configuration(
            endpoint: STOMPEndpoint(host: "127.0.0.1", port: port), login: try login(), passcode: try passcode(),
            heartBeat: STOMPHeartBeat(send: .seconds(1), receive: .seconds(15)), receiptTimeout: .seconds(30),
            reconnectBackoff: .milliseconds(100), maxReconnectBackoff: .seconds(1))
        configuration.connectTimeout = .seconds(5)
        return configuration
    }

    /// A destination of its own for each test (`/queue/herald.it.<name>.<random>`).
    static func destination(_ name: String) -> String {
        "/queue/herald.it.\(name).\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// One message as stomp.py read it.
    struct Received: Decodable, Sendable {
        var headers: [String: String]
        /// The body, base64 as the consumer wrote it.
        var body: String
        var bytes: [UInt8] { Array(Data(base64Encoded: body) ?? Data()) }
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Reads `destination` with the independent consumer, stomp.py: subscribes, takes messages
    /// until `expected` came and then `settle` seconds passed with nothing new (so duplicates
    /// show), or until `timeout`.
    static func consume(port: Int, destination: String, expected: Int, settle: Double = 1.0, timeout: Double = 60) async throws -> [Received] {
        let script = #"""
import base64, json, sys, threading, time
import stomp
port, destination, expected, settle, timeout, login, passcode = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7]
received, lock, last = [], threading.Lock(), [time.monotonic()]
class Listener(stomp.ConnectionListener):
    def on_message(self, frame):
        with lock:
            received.append({"headers": dict(frame.headers), "body": base64.b64encode(frame.body).decode()})
            last[0] = time.monotonic()
connection = stomp.Connection([("127.0.0.1", port)], heartbeats=(0, 0), auto_decode=False)
connection.set_listener("collect", Listener())
connection.connect(login, passcode, wait=True)
connection.subscribe(destination, id="it", ack="auto")
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    with lock:
        if len(received) >= expected and time.monotonic() - last[0] >= settle:
            break
    time.sleep(0.05)
connection.disconnect()
with lock:
    print(json.dumps(received))
"""#
        let result = try await TestProcess.python(script, [
            String(port), destination, String(expected), String(settle), String(timeout), try login(), try passcode(),
        ])
        guard result.status == 0 else {
            Issue.record("stomp.py consumer failed (\(result.status)): \(result.errors)")
            return []
        }
        return try JSONDecoder().decode([Received].self, from: result.stdout)
    }

    /// A free TCP port on loopback.
    static func freePort() async throws -> Int {
        let result = try await TestProcess.python(
            "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")
        return try #require(Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}

/// A broker instance of a test's own (HERALD_TEST_STOMP_START): started, killed and started
/// again on the same folder (its persistent store) and port.
final class PrivateBroker: @unchecked Sendable {
    let directory: URL
    let port: Int
    private var process: Process?

    init(port: Int) throws {
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-activemq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Starts the broker and waits until it answers STOMP (at most 90 s).
    func start() async throws {
        let script = try ActiveMQ.environment("HERALD_TEST_STOMP_START")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, directory.appendingPathComponent("broker").path, String(port)]
        let log = directory.appendingPathComponent("broker.log")
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(90)
        var configuration = try ActiveMQ.configuration(port: port)
        configuration.connectTimeout = .seconds(2)
        while true {
            if let connection = try? await STOMPConnection.connect(configuration: configuration) {
                await connection.close()
                return
            }
            guard process.isRunning, ContinuousClock.now < deadline else {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw BrokerFailed(description: "the private ActiveMQ on port \(port) did not start: \(text.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    struct BrokerFailed: Error, CustomStringConvertible { var description: String }

    /// Kills the broker (`SIGKILL`: no orderly shutdown) and waits for it to be gone.
    func kill() async {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        self.process = nil
    }

    /// Stops the broker and removes its folder.
    func remove() async {
        await kill()
        try? FileManager.default.removeItem(at: directory)
    }
}
