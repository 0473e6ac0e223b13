import HeraldCore
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// AgentView's passwords: bcrypt hashes (hummingbird-auth's `HummingbirdBcrypt`), made and
/// checked on NIO's thread pool so the slow hash never holds a thread of the cooperative pool;
/// the rules a new password must meet; and generated passwords.
public struct AgentPasswords: Sendable {
    /// bcrypt's cost (log2 of its rounds): 12 by default; tests use 4.
    public let cost: UInt8
    /// A hash of a random password, checked when the user name is unknown so that an unknown
    /// name takes as long to refuse as a wrong password; made on first need (not at startup).
    private let decoy = Decoy()

    private final class Decoy: Sendable {
        let hash = Mutex<String?>(nil)
    }

    /// The shortest password accepted (8 characters).
    public static let minimumLength = 8
    /// bcrypt reads no more than 72 bytes; a longer password is refused rather than cut.
    public static let maximumBytes = 72

    /// Passwords hashed with bcrypt at `cost` (4–31).
    public init(cost: UInt8 = 12) {
        self.cost = max(4, min(cost, 31))
    }

    /// Throws `invalidInput` (field `password`) for an empty, short or over-long password.
    public static func validate(_ password: String) throws(HeraldError) {
        guard !password.isEmpty else { throw HeraldError.invalid("password", "the password is empty") }
        guard password.count >= minimumLength else {
            throw HeraldError.invalid("password", "the password must have at least \(minimumLength) characters")
        }
        guard password.utf8.count <= maximumBytes else {
            throw HeraldError.invalid("password", "the password must have at most \(maximumBytes) bytes (bcrypt reads no more)")
        }
    }

    /// The bcrypt hash of a valid password (see ``validate(_:)``).
    public func hash(_ password: String) async throws -> String {
        try Self.validate(password)
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`; with a nil hash (no such user) checks a decoy and
    /// answers false, taking the same time.
    public func verify(_ password: String, hash: String?) async -> Bool {
        let cost = self.cost
        let decoy = self.decoy
        let matches = (try? await NIOThreadPool.singleton.runIfActive {
            let against = hash ?? decoy.hash.withLock { made in
                if let made { return made }
                let new = Bcrypt.hash(Self.generate(), cost: cost)
                made = new
                return new
            }
            return Bcrypt.verify(password, hash: against)
        }) ?? false
        return matches && hash != nil
    }

    /// A new random password: 20 characters from 57 letters and digits that are hard to
    /// confuse (no 0/O, 1/l/I), about 116 bits; from the system's secure generator.
    public static func generate() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
