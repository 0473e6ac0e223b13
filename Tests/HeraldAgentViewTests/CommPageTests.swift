import Foundation
import HTTPTypes
import HeraldAgentView
import HeraldCore
import HeraldSQLite
import Hummingbird
import HummingbirdTesting
import Testing

/// One comm's page: header, distribution, timeline, fields, text, problems; its email in a
/// sandboxed frame with a strict CSP; its letter as `application/pdf`.
struct CommPageTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]

    /// A multipart/related email whose HTML runs a script and shows an inline image.
    static var eml: [UInt8] {
        let html = #"<html><body><h1>Hello Zo=C3=AB</h1><script>document.title=3D"ran"</script><img src=3D"cid:logo@herald" alt=3D"logo"></body></html>"#
        let text = """
        From: Herald <hello@example.net>\r
        To: zoe@example.net\r
        Subject: Your bill\r
        MIME-Version: 1.0\r
        Content-Type: multipart/related; boundary="b1"\r
        \r
        --b1\r
        Content-Type: multipart/alternative; boundary="b2"\r
        \r
        --b2\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        Hello\r
        --b2\r
        Content-Type: text/html; charset=utf-8\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        \(html)\r
        --b2--\r
        --b1\r
        Content-Type: image/png\r
        Content-ID: <logo@herald>\r
        Content-Transfer-Encoding: base64\r
        \r
        \(Data(png).base64EncodedString())\r
        --b1--\r

        """
        return Array(text.utf8)
    }

    static let pdf = Array("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)

    @Test func smsCommShowsHeaderDistributionTimelineFieldsAndText() async throws {
        let h = try await AgentHarness()
        let id = try await h.comm("WELCOME", at: AgentHarness.t0, method: .sms, distribution: .errorNoRetry,
                                  fields: ["PLAN": "Gold <b>"], message: "Hi Zoë, <script>alert(2)</script> welcome",
                                  problem: RequestProblem(kind: .delivery, reason: "SMSC said 0x0B <bad>", at: AgentHarness.t0))
        try await h.run { client in
            let b = try await client.signIn("kim")
            let page = try await client.get("/agent/comms/\(id)", cookie: b.cookie)
            #expect(page.status == .ok)
            let csp = page.headers[.contentSecurityPolicy] ?? ""
            #expect(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'") && csp.contains("frame-src 'self'"))
            let html = page.text
            for expected in [
                "Comm WELCOME", id, "Welcome &lt;b&gt;aboard&lt;/b&gt;", #"<a href="/agent/customers/C-1">Customer C-1</a>"#,
                "<dt>Method</dt><dd>sms</dd>", "+447700900123", "errorNoRetry (E)", "api, by test",
                "<td>api:test</td>", "<td>comms-monitor</td>", "<td>awaitingProcessing</td><td>processed</td>",
                "<td>PLAN</td><td>Gold &lt;b&gt;</td>", "<td>FIRSTNAME</td><td>Zoë</td>",
                "Hi Zoë, &lt;script&gt;alert(2)&lt;/script&gt; welcome",
                "<strong>Delivery failed</strong>", "SMSC said 0x0B &lt;bad&gt;", "reported that it could not be delivered",
            ] {
                #expect(html.contains(expected), "missing \(expected)")
            }
            #expect(!html.contains("<script>"))
            #expect(!html.contains("<iframe"))
            // The comms list links to the page.
            let list = try await client.get("/agent/customers/C-1", cookie: b.cookie)
            #expect(list.text.contains(#"<a href="/agent/comms/\#(id)">Welcome &lt;b&gt;aboard&lt;/b&gt;</a>"#))
            #expect(try await client.get("/agent/comms/R-404", cookie: b.cookie).status == .notFound)
            #expect(try await client.get("/agent/comms/\(id)/letter.pdf", cookie: b.cookie).status == .notFound)
            #expect(try await client.get("/agent/comms/\(id)/email", cookie: b.cookie).status == .notFound)
        }
    }

    @Test func emailIsServedToASandboxedFrameWithInlineImagesAndNoScripts() async throws {
        let h = try await AgentHarness()
        let id = try await h.comm("BILL", at: AgentHarness.t0, method: .email, sentTo: "zoe@example.net", document: ("email.eml", Self.eml))
        try await h.run { client in
            let b = try await client.signIn("kim")
            let page = try await client.get("/agent/comms/\(id)", cookie: b.cookie)
            #expect(page.status == .ok)
            let iframe = try #require(page.text.components(separatedBy: "<iframe").dropFirst().first)
            #expect(iframe.contains(#"src="/agent/comms/\#(id)/email""#))
            #expect(iframe.contains(" sandbox ") && !iframe.contains("allow-scripts"))
            let email = try await client.get("/agent/comms/\(id)/email", cookie: b.cookie)
            #expect(email.status == .ok)
            let csp = try #require(email.headers[.contentSecurityPolicy])
            #expect(csp.hasPrefix("default-src 'none'; img-src data:;") && csp.contains("sandbox") && !csp.contains("script"))
            #expect(email.headers[HTTPField.Name("X-Frame-Options")!] == "SAMEORIGIN")
            #expect(email.text.contains("<h1>Hello Zoë</h1>"))
            #expect(email.text.contains(#"<img src="data:image/png;base64,\#(Data(Self.png).base64EncodedString())" alt="logo">"#))
            #expect(!email.text.contains("cid:"))
            // Signed out: no email.
            #expect(try await client.get("/agent/comms/\(id)/email").status == .seeOther)
        }
    }

    @Test func letterIsServedAsPDFInlineAndAsADownload() async throws {
        let h = try await AgentHarness()
        let id = try await h.comm("BILL", at: AgentHarness.t0, method: .letter, sentTo: "1 High Street\nCambridge", document: ("letter.pdf", Self.pdf))
        try await h.run { client in
            let b = try await client.signIn("kim")
            let page = try await client.get("/agent/comms/\(id)", cookie: b.cookie)
            #expect(page.text.contains(#"<object class="letter" data="/agent/comms/\#(id)/letter.pdf" type="application/pdf""#))
            #expect(page.text.contains(#"href="/agent/comms/\#(id)/letter.pdf?download=1" download"#))
            let inline = try await client.get("/agent/comms/\(id)/letter.pdf", cookie: b.cookie)
            #expect(inline.status == .ok)
            #expect(inline.headers[.contentType] == "application/pdf")
            #expect(Array(buffer: inline.body) == Self.pdf)
            #expect(inline.headers[.contentDisposition] == "inline; filename=\"\(id).pdf\"")
            #expect(inline.headers[.contentSecurityPolicy] == "frame-ancestors 'self'")
            #expect(inline.headers[HTTPField.Name("X-Frame-Options")!] == "SAMEORIGIN")
            let download = try await client.get("/agent/comms/\(id)/letter.pdf?download=1", cookie: b.cookie)
            #expect(download.headers[.contentDisposition] == "attachment; filename=\"\(id).pdf\"")
            #expect(try await client.get("/agent/comms/\(id)/email", cookie: b.cookie).status == .notFound)
        }
    }
}

extension Array where Element == UInt8 {
    init(buffer: ByteBuffer) { self = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [] }
}
