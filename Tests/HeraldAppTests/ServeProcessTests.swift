import HeraldAppTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real binary: `herald demo` then `herald serve` on its folder. An idle server must use
/// under 1% of a core, and SIGTERM must stop it cleanly.
struct ServeProcessTests {
    static let binary = packageRoot.appendingPathComponent(".build/debug/herald")

    func run(_ args: [String], environment: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// user + system CPU seconds of a process, from /proc.
    func cpuSeconds(_ pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func get(_ url: String, key: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func idleServeUsesUnderOnePercentOfACoreAndStopsOnSIGTERM() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the herald product first (swift build)")
        let dir = temporaryDirectory("serve")
        defer { try? FileManager.default.removeItem(at: dir) }
        let demo = try run(["demo", "--data-dir", dir.path])
        demo.waitUntilExit()
        #expect(demo.terminationStatus == 0)

        let port = Int.random(in: 20000..<40000)
        let serve = try run(["serve", "--data-dir", dir.path, "--port", "\(port)"], environment: ["HERALD_ADMIN_API_KEY": "k"])
        defer { if serve.isRunning { serve.terminate() } }
        var healthy = false
        for _ in 0..<600 where !healthy {  // up to 60 s: a loaded suite slows a debug build's start
            try await Task.sleep(for: .milliseconds(100))
            healthy = (try? await get("http://127.0.0.1:\(port)/healthz"))?.0 == 200
        }
        #expect(healthy)
        let (status, body) = try await get("http://127.0.0.1:\(port)/v1/comms-requests?accountId=A-2001", key: "k")
        #expect(status == 200)
        #expect(body.contains("PAYMENT_REMINDER"))

        try await Task.sleep(for: .seconds(1))  // let start-up settle
        let before = try cpuSeconds(serve.processIdentifier)
        try await Task.sleep(for: .seconds(4))
        let used = try cpuSeconds(serve.processIdentifier) - before
        #expect(used < 0.04, "idle serve used \(used) s of CPU in 4 s")

        serve.terminate()  // SIGTERM
        let deadline = Date().addingTimeInterval(10)
        while serve.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!serve.isRunning)
        #expect(serve.terminationReason == .exit && serve.terminationStatus == 0)
    }
}
