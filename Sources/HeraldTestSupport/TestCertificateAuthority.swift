import Foundation
import NIOSSL

/// A throw-away certificate authority for the TLS test servers, made with `openssl` in a
/// fresh temporary folder: a P-256 root valid for a day and one server certificate it signs
/// for `localhost` and `127.0.0.1`. ``caFile`` holds the root as PEM for clients that add it
/// to their trusted roots. (swift-certificates makes the certificates but needs SwiftASN1,
/// which the package does not name, to write them out.)
public struct TestCertificateAuthority: Sendable {
    /// The folder holding the files (removed with ``removeFiles()``).
    public let directory: String
    /// The root certificate, PEM.
    public let caPEM: String
    /// The server certificate, PEM.
    public let serverCertificatePEM: String
    /// The server certificate's private key, PEM.
    public let serverKeyPEM: String
    /// A file holding ``caPEM``.
    public var caFile: String { directory + "/ca.pem" }

    /// A failed `openssl` step.
    public struct Failure: Error, CustomStringConvertible {
        /// What openssl said.
        public var description: String
    }

    /// Makes the root and the `localhost` server certificate.
    public static func make(name: String = "Herald test CA") async throws -> TestCertificateAuthority {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-test-ca-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func openssl(_ arguments: [String]) async throws {
            let result = try await TestProcess.run("openssl", arguments)
            guard result.status == 0 else { throw Failure(description: "openssl \(arguments.first ?? ""): \(result.errors)") }
        }
        let d = directory
        try Data("""
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth
            subjectAltName=DNS:localhost,IP:127.0.0.1
            """.utf8).write(to: URL(fileURLWithPath: d + "/server.ext"))
        try await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                           "-keyout", d + "/ca.key", "-out", d + "/ca.pem", "-days", "2", "-subj", "/CN=\(name)",
                           "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try await openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                           "-keyout", d + "/server.key", "-out", d + "/server.csr", "-subj", "/CN=localhost"])
        try await openssl(["x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key",
                           "-CAcreateserial", "-out", d + "/server.pem", "-days", "2", "-extfile", d + "/server.ext"])
        func read(_ file: String) throws -> String { try String(contentsOfFile: d + "/" + file, encoding: .utf8) }
        return TestCertificateAuthority(directory: d, caPEM: try read("ca.pem"), serverCertificatePEM: try read("server.pem"),
                                        serverKeyPEM: try read("server.key"))
    }

    /// A TLS server context presenting the server certificate, offering `alpn`.
    public func serverContext(alpn: [String] = ["h2"]) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(serverCertificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(serverKeyPEM.utf8), format: .pem)))
        tls.applicationProtocols = alpn
        return try NIOSSLContext(configuration: tls)
    }

    /// Removes the folder and its files.
    public func removeFiles() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
