import Crypto
import Foundation

/// One AES-256 key of a ``StorageKeyring``: its id (recorded with each object it seals) and its
/// 32 bytes. The bytes are never shown.
public struct StorageKey: Sendable, CustomStringConvertible {
    /// The key's id: 1 to 255 bytes of UTF-8, no white space.
    public let id: String
    /// The AES-256 key.
    let key: SymmetricKey

    /// A key from its id and 32 bytes; nil when the id or the length is not acceptable.
    public init?(id: String, bytes: [UInt8]) {
        guard bytes.count == 32, Self.isValid(id: id) else { return nil }
        self.id = id
        self.key = SymmetricKey(data: bytes)
    }

    /// Whether `id` can name a key: 1 to 255 bytes of UTF-8, no white space or control character.
    public static func isValid(id: String) -> Bool {
        let count = id.utf8.count
        return (1...255).contains(count) && !id.unicodeScalars.contains {
            $0.properties.isWhitespace || $0.properties.generalCategory == .control
        }
    }

    /// `StorageKey(<id>)`.
    public var description: String { "StorageKey(\(id))" }
}

/// The keys the storage step encrypts with (``SealingArchive``): the **first** key seals every
/// new object, every key opens objects sealed with it. To rotate, put a new key first and keep
/// the old ones below it for as long as objects sealed with them are kept.
///
/// The key file (`HERALD_STORAGE_ENCRYPTION_KEY_FILE`) is text, one key a line:
///
///     # comments and blank lines are ignored
///     2026-12 q83vEjRWhFe7vq3MFx8F0Rl5Jx7XDhHhbA0Z0u9fVeU=
///     2026-06 0Nn4hFf1K0nJ1qkQvQ2c3dGh8aX9Zbq3V6sB2mYpLtA=
///
/// each line `<key id> <base64 of 32 random bytes>` (e.g. `printf '%s %s\n' 2026-12 "$(openssl rand -base64 32)"`).
/// See docs/storage-encryption.md.
public struct StorageKeyring: Sendable {
    /// The keys in file order; the first one writes.
    public let keys: [StorageKey]

    /// A keyring of `keys` (at least one, ids distinct); the first writes.
    public init(_ keys: [StorageKey]) throws {
        guard !keys.isEmpty else { throw FileError(file: nil, line: nil, reason: "no keys") }
        var seen = Set<String>()
        for key in keys where !seen.insert(key.id).inserted {
            throw FileError(file: nil, line: nil, reason: "the key id \(key.id) is given twice")
        }
        self.keys = keys
    }

    /// The key new objects are sealed with: the first.
    public var writeKey: StorageKey { keys[0] }

    /// The key named `id`, if the keyring has it.
    public func key(id: String) -> StorageKey? { keys.first { $0.id == id } }

    /// A key file that cannot be used: its path, the line (from 1) at fault when there is one,
    /// and why. Never contains key material.
    public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The key file's path (nil for a keyring built in code).
        public var file: String?
        /// The line at fault, from 1.
        public var line: Int?
        /// What is wrong.
        public var reason: String

        /// `storage key file <path>, line <n>: <reason>`.
        public var description: String {
            var text = "storage key file"
            if let file { text += " \(file)" }
            if let line { text += ", line \(line)" }
            return text + ": " + reason
        }
    }

    /// Reads the key file at `path` (the format is in the type's description).
    public static func load(path: String) throws -> StorageKeyring {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FileError(file: path, line: nil, reason: "cannot be read (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileError(file: path, line: nil, reason: "is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Reads a key file's text; `file` names it in errors.
    public static func parse(_ text: String, file: String? = nil) throws -> StorageKeyring {
        var keys: [StorageKey] = []
        var lineOfID: [String: Int] = [:]
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            func fail(_ reason: String) -> FileError { FileError(file: file, line: number, reason: reason) }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2 else {
                throw fail("expected `<key id> <base64 of 32 bytes>`, found \(fields.count) field\(fields.count == 1 ? "" : "s")")
            }
            let id = String(fields[0])
            guard StorageKey.isValid(id: id) else { throw fail("the key id is not 1 to 255 bytes of UTF-8 without white space") }
            if let first = lineOfID[id] { throw fail("the key id \(id) is already given on line \(first)") }
            guard let bytes = Data(base64Encoded: String(fields[1])) else { throw fail("the key of \(id) is not valid base64") }
            guard let key = StorageKey(id: id, bytes: Array(bytes)) else {
                throw fail("the key of \(id) is \(bytes.count) bytes; AES-256 needs 32")
            }
            lineOfID[id] = number
            keys.append(key)
        }
        guard !keys.isEmpty else { throw FileError(file: file, line: nil, reason: "has no keys (lines `<key id> <base64 of 32 bytes>`)") }
        return try StorageKeyring(keys)
    }
}
