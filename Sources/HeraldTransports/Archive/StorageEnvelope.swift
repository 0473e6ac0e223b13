import Crypto
import Foundation
import HeraldCore

/// The envelope a stored document is encrypted in: AES-256-GCM (swift-crypto), the key named
/// inside so that any key of a ``StorageKeyring`` can open it (docs/storage-encryption.md):
///
/// | offset      | size | field                                             |
/// |-------------|------|---------------------------------------------------|
/// | 0           | 8    | magic `HRLD-ENC` (ASCII)                          |
/// | 8           | 1    | version, 1                                        |
/// | 9           | 1    | n, the key id's length in bytes (1…255)           |
/// | 10          | n    | key id, UTF-8                                     |
/// | 10+n        | 12   | nonce (random per object)                         |
/// | 22+n        | m    | ciphertext (as long as the plaintext)             |
/// | 22+n+m      | 16   | GCM tag                                           |
///
/// The header (bytes 0 to 22+n, magic to nonce) is the GCM additional authenticated data: a
/// changed version, key id or nonce fails the tag as a changed ciphertext does.
public enum StorageEnvelope {
    /// `HRLD-ENC`.
    public static let magic: [UInt8] = Array("HRLD-ENC".utf8)
    /// The envelope version written: 1.
    public static let version: UInt8 = 1
    /// Bytes of the nonce: 12.
    public static let nonceSize = 12
    /// Bytes of the tag: 16.
    public static let tagSize = 16

    /// Whether `bytes` begin with the envelope's magic.
    public static func isSealed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= magic.count && Array(bytes[0..<magic.count]) == magic
    }

    /// Encrypts `plaintext` with `key` under a fresh random nonce.
    public static func seal(_ plaintext: [UInt8], key: StorageKey) throws -> [UInt8] {
        try seal(plaintext, key: key, nonce: Array(AES.GCM.Nonce()))
    }

    /// Encrypts with a given 12-byte nonce (tests: a nonce must never be used twice with one key).
    static func seal(_ plaintext: [UInt8], key: StorageKey, nonce nonceBytes: [UInt8]) throws -> [UInt8] {
        let id = Array(key.id.utf8)
        var envelope = magic
        envelope.reserveCapacity(magic.count + 2 + id.count + nonceSize + plaintext.count + tagSize)
        envelope.append(version)
        envelope.append(UInt8(id.count))
        envelope += id
        envelope += nonceBytes
        do {
            let nonce = try AES.GCM.Nonce(data: nonceBytes)
            let box = try AES.GCM.seal(plaintext, using: key.key, nonce: nonce, authenticating: envelope)
            envelope += box.ciphertext
            envelope += box.tag
        } catch {
            throw ArchiveFailure(.permanent, "cannot encrypt with storage key \(key.id): \(error)")
        }
        return envelope
    }

    /// Decrypts an envelope with the key of `keyring` it names; returns the plaintext and that
    /// key's id. Anything but an intact envelope sealed with a key of the keyring is an
    /// ``ArchiveFailure`` of kind ``ArchiveFailure/Kind/corrupt``: no magic, another version, a
    /// truncated envelope, a key id the keyring lacks, a failed tag (altered, or the wrong key).
    public static func open(_ envelope: [UInt8], keyring: StorageKeyring) throws -> (plaintext: [UInt8], keyId: String) {
        guard isSealed(envelope) else {
            throw ArchiveFailure(.corrupt, "not an encrypted storage envelope (no HRLD-ENC magic)")
        }
        guard envelope.count >= magic.count + 2 else { throw ArchiveFailure(.corrupt, "encrypted storage envelope truncated in its header") }
        guard envelope[8] == version else {
            throw ArchiveFailure(.corrupt, "encrypted storage envelope of version \(envelope[8]); this Herald reads version \(version)")
        }
        let idLength = Int(envelope[9])
        let headerEnd = 10 + idLength + nonceSize
        guard idLength > 0, envelope.count >= headerEnd + tagSize else {
            throw ArchiveFailure(.corrupt, "encrypted storage envelope truncated (\(envelope.count) bytes)")
        }
        guard let id = String(validating: envelope[10..<(10 + idLength)], as: UTF8.self) else {
            throw ArchiveFailure(.corrupt, "encrypted storage envelope with a key id that is not UTF-8")
        }
        guard let key = keyring.key(id: id) else {
            throw ArchiveFailure(.corrupt, "encrypted with storage key id \(id), which is not in the key file")
        }
        do {
            let nonce = try AES.GCM.Nonce(data: envelope[(10 + idLength)..<headerEnd])
            let box = try AES.GCM.SealedBox(nonce: nonce, ciphertext: envelope[headerEnd..<(envelope.count - tagSize)],
                                            tag: envelope[(envelope.count - tagSize)...])
            let plaintext = try AES.GCM.open(box, using: key.key, authenticating: envelope[0..<headerEnd])
            return (Array(plaintext), id)
        } catch {
            throw ArchiveFailure(.corrupt, "encrypted object failed authentication with storage key \(id): altered or wrong key")
        }
    }
}
