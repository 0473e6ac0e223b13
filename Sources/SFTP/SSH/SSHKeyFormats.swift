import Crypto
import Foundation
import NIOSSH

/// The SSH key formats this module reads: OpenSSH private key files (`openssh-key-v1`,
/// unencrypted, ed25519 and ECDSA P-256/384/521) and public keys in `type base64` form.
public enum SSHKeyFormats {
    /// A private key read from an OpenSSH key file.
    public struct PrivateKey: Sendable {
        /// The key, ready for swift-nio-ssh.
        public var key: NIOSSHPrivateKey
        /// The key type name (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …).
        public var keyType: String
        /// The file's comment (often `user@host`).
        public var comment: String
    }

    /// Reads an OpenSSH private key file (`-----BEGIN OPENSSH PRIVATE KEY-----`).
    ///
    /// - Throws: ``SFTPError/invalidConfiguration(_:)`` for an unreadable file, a passphrase-protected
    ///   key, a key type other than ed25519/ECDSA (RSA is not supported), or a malformed file.
    public static func readPrivateKey(path: String) throws(SFTPError) -> PrivateKey {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .invalidConfiguration("cannot read the private key file \(path): \(error.localizedDescription)")
        }
        do {
            return try parsePrivateKey(text)
        } catch .invalidConfiguration(let reason) {
            throw .invalidConfiguration("private key file \(path): \(reason)")
        } catch {
            throw error
        }
    }

    /// Parses the text of an OpenSSH private key file.
    public static func parsePrivateKey(_ text: String) throws(SFTPError) -> PrivateKey {
        let begin = "-----BEGIN OPENSSH PRIVATE KEY-----", end = "-----END OPENSSH PRIVATE KEY-----"
        guard let beginRange = text.range(of: begin), let endRange = text.range(of: end, range: beginRange.upperBound..<text.endIndex) else {
            if text.contains("-----BEGIN") {
                throw .invalidConfiguration("not an OpenSSH-format key (convert it with `ssh-keygen -p -f FILE` to the OpenSSH format)")
            }
            throw .invalidConfiguration("no -----BEGIN OPENSSH PRIVATE KEY----- block")
        }
        let base64 = text[beginRange.upperBound..<endRange.lowerBound].filter { !$0.isWhitespace }
        guard let decoded = Data(base64Encoded: String(base64)) else { throw .invalidConfiguration("the key block is not valid base64") }
        var reader = WireReader(Array(decoded))
        let magic = Array("openssh-key-v1".utf8) + [0]
        guard (try? reader.bytes(magic.count)) == magic else { throw .invalidConfiguration("not an openssh-key-v1 key") }
        let cipher = try reader.string(), kdf = try reader.string()
        _ = try reader.blob()  // kdf options
        guard cipher == "none", kdf == "none" else {
            throw .invalidConfiguration("the key is protected by a passphrase (\(cipher)/\(kdf)); passphrase-protected keys are not supported")
        }
        guard try reader.uint32() == 1 else { throw .invalidConfiguration("the file must hold exactly one key") }
        _ = try reader.blob()  // the public key
        var secret = WireReader(try reader.blob())
        guard try secret.uint32() == (try secret.uint32()) else { throw .invalidConfiguration("check integers differ (corrupt key)") }
        let keyType = try secret.string()
        let key: NIOSSHPrivateKey
        do {
            switch keyType {
            case "ssh-ed25519":
                _ = try secret.blob()  // public
                let privatePart = try secret.blob()  // seed (32) + public (32)
                guard privatePart.count == 64 else { throw SFTPError.invalidConfiguration("bad ed25519 key length") }
                key = NIOSSHPrivateKey(ed25519Key: try Curve25519.Signing.PrivateKey(rawRepresentation: privatePart[0..<32]))
            case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521":
                _ = try secret.string()  // curve name
                _ = try secret.blob()  // public point
                let scalar = try secret.blob()
                switch keyType {
                case "ecdsa-sha2-nistp256":
                    key = NIOSSHPrivateKey(p256Key: try P256.Signing.PrivateKey(rawRepresentation: fixedWidth(scalar, 32)))
                case "ecdsa-sha2-nistp384":
                    key = NIOSSHPrivateKey(p384Key: try P384.Signing.PrivateKey(rawRepresentation: fixedWidth(scalar, 48)))
                default:
                    key = NIOSSHPrivateKey(p521Key: try P521.Signing.PrivateKey(rawRepresentation: fixedWidth(scalar, 66)))
                }
            default:
                throw SFTPError.invalidConfiguration("key type \(keyType) is not supported (use ed25519 or ECDSA)")
            }
        } catch let error as SFTPError {
            throw error
        } catch {
            throw .invalidConfiguration("the \(keyType) key is invalid: \(error)")
        }
        let comment = (try? secret.string()) ?? ""
        return PrivateKey(key: key, keyType: keyType, comment: comment)
    }

    /// An mpint's bytes as a big-endian number of exactly `width` bytes.
    private static func fixedWidth(_ bytes: [UInt8], _ width: Int) throws(SFTPError) -> [UInt8] {
        let trimmed = bytes.drop { $0 == 0 }
        guard trimmed.count <= width else { throw .invalidConfiguration("ECDSA scalar too long") }
        return [UInt8](repeating: 0, count: width - trimmed.count) + trimmed
    }

    /// The OpenSSH fingerprint of a public key: `SHA256:` and the unpadded base64 of the SHA-256
    /// of its wire encoding (what `ssh-keygen -lf` prints).
    public static func fingerprint(_ key: NIOSSHPublicKey) -> String {
        let parts = String(openSSHPublicKey: key).split(separator: " ")
        guard parts.count >= 2, let blob = Data(base64Encoded: String(parts[1])) else { return "SHA256:?" }
        return fingerprint(blob: Array(blob))
    }

    /// The `SHA256:` fingerprint of a public key's wire encoding.
    public static func fingerprint(blob: [UInt8]) -> String {
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }

    /// The key type name of a public key (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …).
    public static func keyType(_ key: NIOSSHPublicKey) -> String {
        String(String(openSSHPublicKey: key).prefix { $0 != " " })
    }
}

/// Reads SSH wire encodings (`uint32`, `string`) off a byte array.
struct WireReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func bytes(_ count: Int) throws(SFTPError) -> [UInt8] {
        guard count >= 0, index + count <= bytes.count else { throw .invalidConfiguration("truncated key data") }
        defer { index += count }
        return Array(bytes[index..<index + count])
    }

    mutating func uint32() throws(SFTPError) -> UInt32 {
        try bytes(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func blob() throws(SFTPError) -> [UInt8] { try bytes(Int(try uint32())) }

    mutating func string() throws(SFTPError) -> String { String(decoding: try blob(), as: UTF8.self) }
}
