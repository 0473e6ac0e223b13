import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Postfix's load-testing tools as child processes for `herald bench email`: `smtp-sink` (the
/// sink both senders deliver into) and `smtp-source` (the reference sender). Found on `PATH`
/// or in `/usr/sbin` (Debian's `postfix` package).
struct PostfixBenchTools {
    /// A running `smtp-sink`; ``stop()`` kills it by its PID.
    final class Sink: @unchecked Sendable {
        let process: Process
        let port: Int

        init(process: Process, port: Int) {
            self.process = process
            self.port = port
        }

        /// Kills the sink and reaps it.
        func stop() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// A refusal to run: the tools are missing or did not start.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The full path of `name`, or nil when Postfix is not installed.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"] {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Starts `smtp-sink -u root 127.0.0.1:PORT 1000` on a free port and waits until it listens.
    static func startSink() async throws -> Sink {
        guard let path = find("smtp-sink") else {
            throw Failure(description: "smtp-sink not found: install Debian's postfix package (apt-get install -y postfix)")
        }
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-u", "root", "127.0.0.1:\(port)", "1000"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let sink = Sink(process: process, port: port)
        for _ in 0..<100 {
            if canConnect(port: port) { return sink }
            try await Task.sleep(for: .milliseconds(50))
        }
        sink.stop()
        throw Failure(description: "smtp-sink did not listen on 127.0.0.1:\(port) within 5 s")
    }

    /// Runs `smtp-source -s sessions -m count -l size -f from -t to 127.0.0.1:port` and returns
    /// the wall-clock seconds it took (`reuse` adds `-d`: several messages per session).
    static func runSource(port: Int, sessions: Int, count: Int, size: Int, reuse: Bool) async throws -> Double {
        guard let path = find("smtp-source") else {
            throw Failure(description: "smtp-source not found: install Debian's postfix package (apt-get install -y postfix)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = (reuse ? ["-d"] : []) + ["-s", "\(sessions)", "-m", "\(count)", "-l", "\(size)",
                                                     "-f", "care@herald.example", "-t", "bench@herald.test", "127.0.0.1:\(port)"]
        let stderr = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        let start = Date()
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        guard status == 0 else {
            let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Failure(description: "smtp-source exited \(status): \(text)")
        }
        return seconds
    }

    /// Runs `openssl genpkey` with `arguments` writing a PEM key to `path`; false when openssl
    /// is missing or fails.
    static func generateKey(_ arguments: [String], path: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "genpkey"] + arguments + ["-out", path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0 && FileManager.default.fileExists(atPath: path)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "cannot bind a loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
