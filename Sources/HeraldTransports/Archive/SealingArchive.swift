import HeraldCore

/// An archive that encrypts what another stores (`HERALD_STORAGE_ENCRYPTION_KEY_FILE`): each
/// document is sealed in a ``StorageEnvelope`` (AES-256-GCM) with the keyring's first key before
/// the inner archive writes it, under the same key and location; reading opens the envelope with
/// whichever key of the keyring it names. The object's ``ArchivedObject/keyId`` is the sealing
/// key's id and its ``ArchivedObject/storedSize`` the envelope's size.
public struct SealingArchive: DocumentArchive {
    /// The archive that stores the envelopes.
    public let inner: any DocumentArchive
    /// The keys: the first seals, all open.
    public let keyring: StorageKeyring

    /// Encrypts what `inner` stores with `keyring`.
    public init(_ inner: any DocumentArchive, keyring: StorageKeyring) {
        self.inner = inner
        self.keyring = keyring
    }

    /// The inner archive's backend.
    public var backend: String { inner.backend }

    /// Seals `document` with the write key and stores the envelope at `key`.
    public func put(_ document: [UInt8], key: String) async throws -> ArchivedObject {
        let writeKey = keyring.writeKey
        let envelope = try StorageEnvelope.seal(document, key: writeKey)
        var object = try await inner.put(envelope, key: key)
        object.keyId = writeKey.id
        return object
    }

    /// Reads the envelope at `location` and returns its plaintext; a damaged envelope, an
    /// unknown key id or a failed tag is ``ArchiveFailure/Kind/corrupt``.
    public func get(location: String) async throws -> [UInt8] {
        try StorageEnvelope.open(try await inner.get(location: location), keyring: keyring).plaintext
    }

    public func contains(key: String) async throws -> Bool { try await inner.contains(key: key) }

    public func shutdown() async { await inner.shutdown() }
}
