import HeraldAppTestSupport
import Foundation
import Testing

/// The aiosmtpd server `scripts/test.sh` starts (scripts/servers/smtp.sh).
struct AiosmtpdEnvironment {
    var port: String
    var caFile: String
    var user: String
    var password: String
    var maildir: String

    /// Reads the HERALD_TEST_SMTP_* variables; throws a clear failure when they are unset.
    static func require() throws -> AiosmtpdEnvironment {
        let env = ProcessInfo.processInfo.environment
        guard let port = env["HERALD_TEST_SMTP_PORT"], let caFile = env["HERALD_TEST_SMTP_CA_FILE"], let user = env["HERALD_TEST_SMTP_USER"],
              let password = env["HERALD_TEST_SMTP_PASSWORD"], let maildir = env["HERALD_TEST_SMTP_MAILDIR"] else {
            throw EmailTestFailure(message: "HERALD_TEST_SMTP_PORT/_CA_FILE/_USER/_PASSWORD/_MAILDIR are not set: run the tests with "
                                   + "`bash scripts/test.sh`, which starts the real aiosmtpd server (scripts/servers/smtp.sh)")
        }
        return AiosmtpdEnvironment(port: port, caFile: caFile, user: user, password: password, maildir: maildir)
    }

    /// The message aiosmtpd saved for envelope recipient `address`.
    func message(to address: String) throws -> [UInt8]? {
        let folder = URL(fileURLWithPath: maildir).appendingPathComponent("new")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".rcpt") {
            let rcpt = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            if rcpt.split(separator: "\n").dropFirst().contains(Substring(address)) {
                return [UInt8](try Data(contentsOf: folder.appendingPathComponent(String(name.dropLast(5)))))
            }
        }
        return nil
    }
}

/// A scripted SMTP server (aiosmtpd, plain TCP, no AUTH) in a child process: RCPT replies by
/// local part — `full…` gets 452, `nobody…` gets 550 — and every accepted message is answered
/// `250 2.0.0 Ok: queued as Q<n>`. Stopped by its PID with ``stop()``.
final class ScriptedSMTPServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    static let script = #"""
import asyncio, socket, sys
from aiosmtpd.controller import Controller
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
count = 0
class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("full"):
            return "452 4.2.2 mailbox full, try later"
        if local.startswith("nobody"):
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"
    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        return "250 2.0.0 Ok: queued as Q%d" % count
controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print(port, flush=True)
asyncio.new_event_loop().run_forever()
"""#

    init() throws {
        let stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script]
        process.standardOutput = stdout
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { throw EmailTestFailure(message: "the scripted SMTP server (aiosmtpd) did not start") }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw EmailTestFailure(message: "the scripted SMTP server printed no port")
        }
        self.port = port
    }

    /// SIGKILL: a child of the test process inherits a signal mask that blocks SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
