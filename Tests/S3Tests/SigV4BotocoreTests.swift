import Foundation
import HeraldTestSupport
import S3
import Testing

/// The same requests signed by botocore (`S3SigV4Auth`, `S3SigV4QueryAuth`, `SigV4Auth`,
/// `SigV4QueryAuth`) at the same fixed time: the signatures must be equal. botocore is the
/// signer of the AWS CLI and boto3, written independently of ours.
@Suite("SigV4 against botocore's signer")
struct SigV4BotocoreTests {
    static let time = SigV4Timestamp(secondsSince1970: 1_796_621_400)  // 2026-12-07T05:30:00Z
    static let longTerm = AWSCredentials(accessKeyID: "AKIAHERALDTEST000001", secretAccessKey: "s3cr3t/Key+With=Symbols")
    static let session = AWSCredentials(accessKeyID: "ASIAHERALDTEST000002", secretAccessKey: "an0ther/secret",
                                        sessionToken: "FwoGZXIvYXdzEJr//////////wEaDHerald+Session/Token==")

    /// One request for botocore: its signer class, the URL (scheme, host, wire path, encoded query),
    /// the headers, the body and the credentials.
    struct Case: Encodable {
        var signer: String
        var service: String
        var region: String
        var method: String
        var url: String
        var headers: [[String]]
        var body: String
        var accessKey: String
        var secretKey: String
        var token: String?
        var expires: Int?
    }

    static let script = #"""
import datetime, json, sys
from urllib.parse import urlsplit, parse_qsl
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
botocore.auth.get_current_datetime = lambda: datetime.datetime(2026, 12, 7, 5, 30, 0)
out = []
for case in json.load(sys.stdin):
    creds = Credentials(case["accessKey"], case["secretKey"], case.get("token"))
    cls = getattr(botocore.auth, case["signer"])
    if case.get("expires") is not None:
        signer = cls(creds, case["service"], case["region"], expires=case["expires"])
    else:
        signer = cls(creds, case["service"], case["region"])
    request = AWSRequest(method=case["method"], url=case["url"], data=case["body"].encode())
    for name, value in case["headers"]:
        request.headers[name] = value
    signer.add_auth(request)
    query = dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))
    out.append({"authorization": request.headers.get("Authorization"),
                "contentSHA256": request.headers.get("X-Amz-Content-SHA256"),
                "token": request.headers.get("X-Amz-Security-Token"),
                "query": query})
print(json.dumps(out))
"""#

    struct Answer: Decodable {
        var authorization: String?
        var contentSHA256: String?
        var token: String?
        var query: [String: String]
    }

    static func botocore(_ cases: [Case]) async throws -> [Answer] {
        let result = try await TestProcess.python(script, input: Array(try JSONEncoder().encode(cases)))
        #expect(result.status == 0, "botocore failed: \(result.errors)")
        return try JSONDecoder().decode([Answer].self, from: result.stdout)
    }

    /// One request signed both ways.
    struct Sample {
        var name: String
        var signer: SigV4
        var request: SigV4.Request
        var body: String
        var expires: Int?

        var url: String {
            let query = SigV4.canonicalQueryString(request.query)
            let host = request.headers.first { $0.name.lowercased() == "host" }!.value
            return "http://\(host)\(request.path)" + (query.isEmpty ? "" : "?" + query)
        }

        var botocoreCase: Case {
            let s3 = signer.options == .s3
            let presign = expires != nil
            return Case(
                signer: (s3 ? "S3" : "") + (presign ? "SigV4QueryAuth" : "SigV4Auth"),
                service: signer.service, region: signer.region, method: request.method, url: url,
                headers: request.headers.filter { $0.name.lowercased() != "host" }.map { [$0.name, $0.value] },
                body: body, accessKey: signer.credentials.accessKeyID, secretKey: signer.credentials.secretAccessKey,
                token: signer.credentials.sessionToken, expires: expires)
        }
    }

    static func samples() -> [Sample] {
        let s3 = SigV4(credentials: longTerm, region: "eu-west-1", service: "s3", options: .s3)
        let s3Session = SigV4(credentials: session, region: "eu-central-1", service: "s3", options: .s3)
        let other = SigV4(credentials: session, region: "us-west-2", service: "execute-api", options: .standard)
        let pdf = "%PDF-1.7 stored letter 5002761"
        let key = "/" + SigV4.uriEncode("archive/2018/08/02/17/5002761 ç+$=.pdf", encodeSlash: false)
        return [
            Sample(name: "S3 PUT with checksum and SSE", signer: s3,
                   request: SigV4.Request(method: "PUT", path: "/herald-docs" + key, headers: [
                       ("host", "127.0.0.1:9000"), ("Content-Type", "application/pdf"),
                       ("x-amz-checksum-sha256", "3q2+7w=="), ("x-amz-server-side-encryption", "AES256"),
                   ], payload: .bytes(Array(pdf.utf8))),
                   body: pdf),
            Sample(name: "S3 GET with a session token (virtual-hosted)", signer: s3Session,
                   request: SigV4.Request(method: "GET", path: key, headers: [("host", "herald-docs.s3.eu-central-1.amazonaws.com")]),
                   body: ""),
            Sample(name: "S3 ListObjectsV2 with a continuation token", signer: s3Session,
                   request: SigV4.Request(method: "GET", path: "/herald-docs", query: [
                       ("list-type", "2"), ("prefix", "archive/2018/08/"), ("continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="),
                       ("max-keys", "1000"),
                   ], headers: [("host", "localhost:5000")]),
                   body: ""),
            Sample(name: "S3 multipart complete (POST with uploadId)", signer: s3,
                   request: SigV4.Request(method: "POST", path: "/herald-docs" + key, query: [("uploadId", "VXBsb2FkIElE+/=")],
                                          headers: [("host", "127.0.0.1:9000"), ("Content-Type", "application/xml")],
                                          payload: .bytes(Array("<CompleteMultipartUpload/>".utf8))),
                   body: "<CompleteMultipartUpload/>"),
            Sample(name: "S3 presigned GET with a session token", signer: s3Session,
                   request: SigV4.Request(method: "GET", path: "/herald-docs" + key, headers: [("host", "127.0.0.1:9000")], payload: .unsigned),
                   body: "", expires: 3600),
            Sample(name: "S3 presigned PUT", signer: s3,
                   request: SigV4.Request(method: "PUT", path: "/herald-docs/upload.eml", query: [("x-id", "PutObject")],
                                          headers: [("host", "herald-docs.s3.eu-west-1.amazonaws.com")], payload: .unsigned),
                   body: "", expires: 604_800),
            Sample(name: "other service: path encoded twice, session token", signer: other,
                   request: SigV4.Request(method: "POST", path: "/prod/a%20b/./c", query: [("q", "x y")],
                                          headers: [("host", "api.example.com"), ("Content-Type", "application/json")],
                                          payload: .bytes(Array("{\"a\":1}".utf8))),
                   body: "{\"a\":1}"),
            Sample(name: "other service: presigned", signer: other,
                   request: SigV4.Request(method: "GET", path: "/prod/items", query: [("Action", "List")], headers: [("host", "api.example.com")]),
                   body: "", expires: 300),
        ]
    }

    @Test("our signatures equal botocore's for the same requests")
    func sameAsBotocore() async throws {
        let samples = Self.samples()
        let answers = try await Self.botocore(samples.map(\.botocoreCase))
        try #require(answers.count == samples.count)
        for (sample, answer) in zip(samples, answers) {
            if let expires = sample.expires {
                let presigned = sample.signer.presign(sample.request, at: Self.time, expires: expires)
                let ours = Dictionary(presigned.query.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
                #expect(ours == answer.query, "\(sample.name)")
                #expect(presigned.signature == answer.query["X-Amz-Signature"], "\(sample.name)")
            } else {
                let signed = sample.signer.sign(sample.request, at: Self.time)
                #expect(signed.authorization == answer.authorization, "\(sample.name)")
                let contentSHA = signed.headers.first { $0.name == "x-amz-content-sha256" }?.value
                #expect(contentSHA == answer.contentSHA256, "\(sample.name)")
                #expect(signed.headers.first { $0.name == "x-amz-security-token" }?.value == answer.token, "\(sample.name)")
            }
        }
    }
}
