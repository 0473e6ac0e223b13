import Foundation
import S3
import Testing

/// AWS's published SigV4 test suite (`aws-sig-v4-test-suite`, Apache-2.0; the cases used are
/// copied under Fixtures/aws-sig-v4-test-suite with their NOTICE): for each case the `.req`
/// request is signed with the suite's credentials at 20150830T123600Z and the canonical request,
/// string to sign and `Authorization` header must equal the `.creq`, `.sts` and `.authz` files.
@Suite("SigV4 against AWS's published test suite")
struct SigV4TestSuiteTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/aws-sig-v4-test-suite")
    static let time = SigV4Timestamp(secondsSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

    static func file(_ name: String, _ ext: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("\(name)/\(name).\(ext)"), encoding: .utf8)
    }

    /// The `.req` file as a request: the path exactly as written on the request line, the query
    /// split and decoded, the headers in order, the body's SHA-256.
    static func request(_ name: String) throws -> SigV4.Request {
        let text = try file(name, "req")
        let (head, body): (Substring, Substring) = {
            if let range = text.range(of: "\n\n") { return (text[..<range.lowerBound], text[range.upperBound...]) }
            return (text[...], "")
        }()
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count)
        let path = String(target.prefix { $0 != "?" })
        var query: [(name: String, value: String)] = []
        if let mark = target.firstIndex(of: "?") {
            for pair in target[target.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((SigV4.percentDecode(String(parts[0])), parts.count > 1 ? SigV4.percentDecode(String(parts[1])) : ""))
            }
        }
        let headers = lines.map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
        return SigV4.Request(method: method, path: path, query: query, headers: headers, payload: .bytes(Array(body.utf8)))
    }

    static let cases = [
        "get-vanilla", "get-vanilla-query-order-key-case", "get-vanilla-query-order-value",
        "get-vanilla-query-unreserved", "get-vanilla-utf8-query", "get-header-value-trim",
        "get-header-key-duplicate", "get-unreserved", "get-utf8", "post-vanilla-empty-query-value",
        "post-header-key-case",
        "get-slashes", "get-slash-dot-slash", "get-relative-relative",
    ]

    @Test("canonical request, string to sign and Authorization equal the suite's", arguments: cases)
    func suiteCase(_ name: String) throws {
        let signer = SigV4(
            credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1", service: "service", options: .standard)
        let signed = signer.sign(try Self.request(name), at: Self.time)
        #expect(signed.canonicalRequest == (try Self.file(name, "creq")))
        #expect(signed.stringToSign == (try Self.file(name, "sts")))
        #expect(signed.authorization == (try Self.file(name, "authz")))
    }

    /// The suite's `post-x-www-form-urlencoded` files disagree with each other: the `.sts` is not
    /// the hash of the `.creq` (which signs `content-length`) but of the same request signed without
    /// its `Content-Length` header, and the `.authz` (SignedHeaders=content-type;host;x-amz-date)
    /// signs that `.sts`. We match the `.creq` for the request as written, and the `.sts`/`.authz`
    /// for the request without `Content-Length`. (`-parameters`, whose `.authz` contradicts its own
    /// `.sts`, is left out.)
    @Test("post-x-www-form-urlencoded: .creq as written, .sts/.authz without Content-Length")
    func formURLEncoded() throws {
        let signer = SigV4(
            credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1", service: "service", options: .standard)
        let name = "post-x-www-form-urlencoded"
        var request = try Self.request(name)
        #expect(signer.sign(request, at: Self.time).canonicalRequest == (try Self.file(name, "creq")))
        request.headers.removeAll { $0.name == "Content-Length" }
        let signed = signer.sign(request, at: Self.time)
        #expect(signed.stringToSign == (try Self.file(name, "sts")))
        #expect(signed.authorization == (try Self.file(name, "authz")))
    }

    @Test("a session token is signed as x-amz-security-token (post-sts-header-before)")
    func securityTokenSigned() throws {
        let signer = SigV4(
            credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                        sessionToken: Self.token),
            region: "us-east-1", service: "service", options: .standard)
        let name = "post-sts-header-before"
        let signed = signer.sign(try Self.request(name), at: Self.time)
        #expect(signed.canonicalRequest == (try Self.file(name, "creq")))
        #expect(signed.stringToSign == (try Self.file(name, "sts")))
        #expect(signed.authorization == (try Self.file(name, "authz")))
        #expect(signed.headers.filter { $0.name == "x-amz-security-token" }.map(\.value) == [Self.token])
    }

    @Test("a session token can be added after signing (post-sts-header-after)")
    func securityTokenAfter() throws {
        var options = SigV4.Options.standard
        options.signsSecurityToken = false
        let signer = SigV4(
            credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                        sessionToken: Self.token),
            region: "us-east-1", service: "service", options: options)
        let name = "post-sts-header-after"
        let signed = signer.sign(try Self.request(name), at: Self.time)
        #expect(signed.canonicalRequest == (try Self.file(name, "creq")))
        #expect(signed.authorization == (try Self.file(name, "authz")))
        #expect(signed.headers.filter { $0.name == "x-amz-security-token" }.map(\.value) == [Self.token])
    }

    @Test("timestamps are written as AWS writes them")
    func timestamps() {
        #expect(Self.time.dateTime == "20150830T123600Z")
        #expect(Self.time.date == "20150830")
        #expect(SigV4Timestamp(secondsSince1970: 951_782_400).dateTime == "20000229T000000Z")
        #expect(SigV4Timestamp(secondsSince1970: 4_102_444_799).dateTime == "20991231T235959Z")
        #expect(SigV4Timestamp(Date(timeIntervalSince1970: 1_369_353_600.75)).dateTime == "20130524T000000Z")
    }

    @Test("UriEncode keeps only unreserved characters (and / in paths when asked)")
    func uriEncoding() {
        #expect(SigV4.uriEncode("a b+c/d~e_f.g-h*ç$") == "a%20b%2Bc%2Fd~e_f.g-h%2A%C3%A7%24")
        #expect(SigV4.uriEncode("dir/a b", encodeSlash: false) == "dir/a%20b")
        #expect(SigV4.percentDecode("a%20b%2Fc+%zz") == "a b/c+%zz")
    }

    @Test("S3 signs the path as sent; other services encode it once more")
    func pathEncodingFlag() {
        let credentials = AWSCredentials(accessKeyID: "A", secretAccessKey: "S")
        let s3 = SigV4(credentials: credentials, region: "eu-west-1", options: .s3)
        let other = SigV4(credentials: credentials, region: "eu-west-1", service: "execute-api", options: .standard)
        #expect(s3.canonicalURI("/bucket/a%20b//c/../d") == "/bucket/a%20b//c/../d")
        #expect(other.canonicalURI("/a%20b//c/../d") == "/a%2520b/d")
        #expect(s3.canonicalURI("") == "/")
    }
}
