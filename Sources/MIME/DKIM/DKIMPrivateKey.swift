import Crypto
import Foundation
import _CryptoExtras

/// A DKIM signing key read from PEM: RSA (≥ 2048 bits, rsa-sha256) or Ed25519 (ed25519-sha256, RFC 8463).
public struct DKIMPrivateKey: Sendable {
    enum Backing: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    let backing: Backing

    /// Reads a PEM private key (PKCS#8 `PRIVATE KEY`, or PKCS#1 `RSA PRIVATE KEY`), detecting its type.
    public init(pemRepresentation pem: String) throws {
        if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            backing = .rsa(key)
        } else if let key = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem) {
            backing = .ed25519(key)
        } else {
            throw MIMEError.invalidKey("not an RSA (≥ 2048 bits) or Ed25519 private key in PEM")
        }
    }

    /// Reads a PEM private key from a file.
    public init(pemFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MIMEError.invalidKey("cannot read \(path)")
        }
        try self.init(pemRepresentation: String(decoding: data, as: UTF8.self))
    }

    /// The DKIM `a=` tag value: `rsa-sha256` or `ed25519-sha256`.
    public var algorithm: String {
        switch backing {
        case .rsa: "rsa-sha256"
        case .ed25519: "ed25519-sha256"
        }
    }

    /// The TXT record to publish at `selector._domainkey.domain`: `v=DKIM1; k=rsa; p=...`.
    public var dnsRecord: String {
        switch backing {
        case .rsa(let key): "v=DKIM1; k=rsa; p=" + key.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let key): "v=DKIM1; k=ed25519; p=" + key.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// Signs the DKIM data: RSASSA-PKCS1-v1_5 over SHA-256, or Ed25519 over the SHA-256 digest (RFC 8463).
    func sign(_ data: [UInt8]) throws -> [UInt8] {
        do {
            switch backing {
            case .rsa(let key):
                return Array(try key.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation)
            case .ed25519(let key):
                return Array(try key.signature(for: Data(SHA256.hash(data: data))))
            }
        } catch {
            throw MIMEError.signingFailed("\(error)")
        }
    }
}
