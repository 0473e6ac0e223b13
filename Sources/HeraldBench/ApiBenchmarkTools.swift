import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `wrk` for `herald bench api`: the Lua scripts it runs and the summary line they print.
enum Wrk {
    /// What one `wrk` run measured, from the `herald-bench` line its script's `done` prints.
    struct Run: Sendable, Equatable {
        /// Responses received (any status).
        var requests: Int
        var seconds: Double
        var p50Microseconds: Double
        var p99Microseconds: Double
        /// `201 Created` responses (trigger script only; 0 for the healthz script).
        var created: Int
        /// 2xx responses other than 201 (an idempotent replay answers 200).
        var otherSuccess: Int
        /// Responses outside 2xx/3xx.
        var nonSuccess: Int
        var connectErrors: Int
        var readErrors: Int
        var writeErrors: Int
        var timeouts: Int
        /// The first failed response, `status body`, when there was one.
        var firstFailure: String?

        var socketErrors: Int { connectErrors + readErrors + writeErrors + timeouts }
        var requestsPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }
        var createdPerSecond: Double { seconds > 0 ? Double(created) / seconds : 0 }
    }

    /// `wrk` could not run or printed no summary.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The `done` callback both scripts share: one `herald-bench key=value …` line, then the
    /// first failed response (if any) on a `herald-bench-failure` line.
    static let doneFunction = """
        function done(summary, latency, requests)
          local created, other, failed, first = 0, 0, 0, nil
          for _, t in ipairs(threads) do
            created = created + (t:get("created") or 0)
            other = other + (t:get("other") or 0)
            first = first or t:get("first")
          end
          local e = summary.errors
          io.write(string.format(
            "herald-bench requests=%d duration_us=%d p50_us=%d p99_us=%d created=%d other2xx=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\\n",
            summary.requests, summary.duration, math.floor(latency:percentile(50.0)), math.floor(latency:percentile(99.0)),
            created, other, e.status, e.connect, e.read, e.write, e.timeout))
          if first then io.write("herald-bench-failure " .. string.gsub(first, "\\n", " ") .. "\\n") end
        end
        """

    /// Every thread gets its number, so that keys made in different threads never meet.
    static let setupFunction = """
        threads = {}
        function setup(thread)
          table.insert(threads, thread)
          thread:set("tid", #threads)
        end
        """

    /// POSTs `body` to `path` with the bearer key; each request has its own `Idempotency-Key`
    /// (`<run>-<thread>-<n>`). Counts 201s, other 2xx and keeps the first failed response.
    static func triggerScript(path: String, body: String, apiKey: String, run: String) -> String {
        """
        -- herald bench api: one trigger per request, each with its own Idempotency-Key.
        \(setupFunction)
        function init(args)
          n, created, other = 0, 0, 0
        end
        local body = '\(body)'
        function request()
          n = n + 1
          return wrk.format("POST", "\(path)", {
            ["Authorization"] = "Bearer \(apiKey)",
            ["Content-Type"] = "application/json",
            ["Idempotency-Key"] = "\(run)-" .. tid .. "-" .. n,
          }, body)
        end
        function response(status, headers, body)
          if status == 201 then created = created + 1
          elseif status >= 200 and status < 300 then other = other + 1
          elseif first == nil then first = status .. " " .. (body or "") end
        end
        \(doneFunction)
        """
    }

    /// No `request` or `response` function: wrk's own fast path, only the summary line.
    static let summaryScript = """
        -- herald bench api: the summary line only.
        \(setupFunction)
        \(doneFunction)
        """

    /// Parses the `herald-bench` lines out of wrk's output.
    static func parse(_ output: String) throws -> Run {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("herald-bench ") }) else {
            throw Failure(description: "wrk printed no summary line:\n\(output)")
        }
        var values: [String: Double] = [:]
        for pair in line.split(separator: " ").dropFirst() {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let v = Double(parts[1]) { values[String(parts[0])] = v }
        }
        func int(_ key: String) throws -> Int {
            guard let v = values[key] else { throw Failure(description: "wrk's summary line has no \(key): \(line)") }
            return Int(v)
        }
        let failure = output.split(separator: "\n").first { $0.hasPrefix("herald-bench-failure ") }
            .map { String($0.dropFirst("herald-bench-failure ".count)) }
        return Run(
            requests: try int("requests"), seconds: Double(try int("duration_us")) / 1e6,
            p50Microseconds: Double(try int("p50_us")), p99Microseconds: Double(try int("p99_us")),
            created: try int("created"), otherSuccess: try int("other2xx"), nonSuccess: try int("non2xx"),
            connectErrors: try int("connect"), readErrors: try int("read"), writeErrors: try int("write"), timeouts: try int("timeout"),
            firstFailure: failure)
    }

    /// Runs `wrk --latency -t<threads> -c<connections> -d<seconds>s -s <script> <url>` and
    /// parses its summary.
    static func run(url: String, script: URL, connections: Int, seconds: Int) async throws -> Run {
        guard let path = PostfixBenchTools.find("wrk") else {
            throw Failure(description: "wrk not found: install Debian's wrk package (apt-get install -y wrk)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-t\(min(2, connections))", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", script.path, url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        // wrk prints at the end only, far less than a pipe holds: read once it has exited.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard status == 0 else { throw Failure(description: "wrk exited \(status):\n\(text)") }
        return try parse(text)
    }
}

/// `herald serve` as a child process: started with an environment, stopped with SIGTERM.
final class ServeProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let log: URL

    private init(process: Process, port: Int, log: URL) {
        self.process = process
        self.port = port
        self.log = log
    }

    var pid: Int32 { process.processIdentifier }

    /// Starts `executable serve` with `environment` (its output going to `log`) and waits until
    /// `GET /healthz` answers 200.
    static func start(executable: URL, environment: [String: String], port: Int, log: URL) async throws -> ServeProcess {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve"]
        process.environment = environment
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        try? logHandle.close()
        let server = ServeProcess(process: process, port: port, log: log)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard process.isRunning else {
                throw Wrk.Failure(description: "herald serve exited \(process.terminationStatus) while starting:\n\(server.logTail())")
            }
            if (try? LoopbackHTTP.request(port: port, method: "GET", path: "/healthz"))?.status == 200 { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.forceStop()
        throw Wrk.Failure(description: "herald serve did not answer GET /healthz with 200 within 60 s:\n\(server.logTail())")
    }

    /// User + system CPU seconds the process has used, from `/proc/<pid>/stat`.
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return 0 }
        return ServeProcess.cpuSeconds(stat: stat, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// `utime + stime` of a `/proc/<pid>/stat` line, in seconds (fields 14 and 15, counted
    /// after the command name, which may itself hold spaces and parentheses).
    static func cpuSeconds(stat: String, ticksPerSecond: Double) -> Double {
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / ticksPerSecond
    }

    /// SIGTERM, then waits up to `timeout` for a graceful exit (SIGKILL after that). Returns the
    /// exit status, nil when it had to be killed.
    func stop(timeout: TimeInterval = 60) async -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            forceStop()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : -process.terminationStatus
    }

    /// SIGKILL and reap, when still running.
    func forceStop() {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// The last lines the server logged.
    func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

/// A minimal blocking HTTP/1.1 client for loopback set-up calls (one request per connection,
/// `Connection: close`); the load itself is wrk's.
enum LoopbackHTTP {
    struct Response {
        var status: Int
        var body: String
        /// The status line and header fields, as received.
        var head: String = ""
    }

    static func request(port: Int, method: String, path: String, headers: [(String, String)] = [], body: String? = nil) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Wrk.Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = PostfixBenchTools.loopback(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw Wrk.Failure(description: "cannot connect to 127.0.0.1:\(port): errno \(errno)") }
        let payload = Array((body ?? "").utf8)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(payload.count)\r\n\r\n"
        let bytes = Array(head.utf8) + payload
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Wrk.Failure(description: "send to 127.0.0.1:\(port) failed: errno \(errno)") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw Wrk.Failure(description: "reading from 127.0.0.1:\(port) failed: errno \(errno)") }
            received += buffer[0..<n]
        }
        let text = String(decoding: received, as: UTF8.self)
        let statusLine = text.prefix { $0 != "\r" && $0 != "\n" }.split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/"), let status = Int(statusLine[1]) else {
            throw Wrk.Failure(description: "not an HTTP response from 127.0.0.1:\(port): \(text.prefix(200))")
        }
        let split = text.range(of: "\r\n\r\n")
        let bodyText = split.map { String(text[$0.upperBound...]) } ?? ""
        return Response(status: status, body: bodyText, head: split.map { String(text[..<$0.lowerBound]) } ?? text)
    }
}
