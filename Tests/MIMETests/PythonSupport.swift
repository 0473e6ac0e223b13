import Foundation
import HeraldTestSupport
import Testing

/// Runs `python3 -c script args...` with `input` on stdin; returns stdout, failing the test with stderr on a non-zero exit.
func runPython(_ script: String, arguments: [String] = [], input: [UInt8] = []) async throws -> String {
    let result = try await TestProcess.python(script, arguments, input: input)
    guard result.status == 0 else {
        throw PythonFailure(message: "python3 exited \(result.status): \(result.errors)")
    }
    return result.output
}

/// Runs a command line tool and returns its stdout.
func runTool(_ arguments: [String]) async throws -> String {
    let result = try await TestProcess.run(arguments[0], Array(arguments.dropFirst()))
    guard result.status == 0 else {
        throw PythonFailure(message: "\(arguments.joined(separator: " ")) failed: \(result.errors)")
    }
    return result.output
}

struct PythonFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Parses the message on stdin with Python's `email` package and prints a JSON summary.
let pythonParseScript = #"""
import sys, json, email, hashlib
from email import policy
raw = sys.stdin.buffer.read()
msg = email.message_from_bytes(raw, policy=policy.default)
def walk(part):
    node = {"type": part.get_content_type(), "headers": {k: str(v) for k, v in part.items()}}
    if part.is_multipart():
        node["parts"] = [walk(p) for p in part.iter_parts()]
    else:
        node["cte"] = part.get("Content-Transfer-Encoding", "7bit").lower()
        node["filename"] = part.get_filename()
        node["cid"] = part.get("Content-ID")
        node["disposition"] = part.get_content_disposition()
        if part.get_content_maintype() == "text":
            node["text"] = part.get_content().replace("\r\n", "\n")
        else:
            node["sha256"] = hashlib.sha256(part.get_content()).hexdigest()
    return node
out = walk(msg)
out["defects"] = [str(d) for d in msg.defects]
for p in msg.walk():
    out["defects"] += [str(d) for d in p.defects]
out["subject"] = str(msg["Subject"])
for name in ("From", "To", "Cc", "Reply-To"):
    if msg[name] is not None:
        out[name] = [[a.display_name, a.addr_spec] for a in msg[name].addresses]
print(json.dumps(out))
"""#

/// The parsed summary from ``pythonParseScript``.
struct ParsedPart: Decodable {
    var type: String
    var headers: [String: String]
    var parts: [ParsedPart]?
    var cte: String?
    var filename: String?
    var cid: String?
    var disposition: String?
    var text: String?
    var sha256: String?
}

struct ParsedMessage: Decodable {
    var type: String
    var headers: [String: String]
    var parts: [ParsedPart]?
    var defects: [String]
    var subject: String
    var From: [[String]]?
    var To: [[String]]?
    var Cc: [[String]]?
    var text: String?
    var cte: String?

    var root: ParsedPart { ParsedPart(type: type, headers: headers, parts: parts, cte: cte, text: text) }
}

func parseWithPython(_ bytes: [UInt8]) async throws -> ParsedMessage {
    let json = try await runPython(pythonParseScript, input: bytes)
    return try JSONDecoder().decode(ParsedMessage.self, from: Data(json.utf8))
}

/// Every line ends in CRLF and is at most `limit` octets.
func checkLines(_ bytes: [UInt8], limit: Int = 998) -> (allCRLF: Bool, longest: Int) {
    var longest = 0
    var current = 0
    var allCRLF = true
    for (index, byte) in bytes.enumerated() {
        if byte == 10 {
            if index == 0 || bytes[index - 1] != 13 { allCRLF = false }
            longest = max(longest, current - 1)
            current = 0
        } else {
            current += 1
            if byte == 13 && (index + 1 == bytes.count || bytes[index + 1] != 10) { allCRLF = false }
        }
    }
    if current > 0 { allCRLF = false }
    return (allCRLF, max(longest, 0))
}
