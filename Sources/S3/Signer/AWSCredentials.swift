/// The keys a request is signed with: an access key pair, and the session token of temporary
/// (STS) credentials when there is one.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The access key id (`AKIA…`, `ASIA…` for temporary credentials).
    public var accessKeyID: String
    /// The secret access key. Never logged; ``description`` hides it.
    public var secretAccessKey: String
    /// The session token of temporary credentials, sent as `x-amz-security-token`; nil for long-term keys.
    public var sessionToken: String?

    /// Credentials from an access key pair and, for temporary credentials, a session token.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Credentials from the environment: `HERALD_S3_ACCESS_KEY_ID`, `HERALD_S3_SECRET_ACCESS_KEY` and
    /// `HERALD_S3_SESSION_TOKEN`, falling back to the standard `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`. The pair is taken from one family, never
    /// mixed. Nil when neither family has both keys.
    public static func fromEnvironment(_ environment: [String: String]) -> AWSCredentials? {
        for prefix in ["HERALD_S3_", "AWS_"] {
            func value(_ name: String) -> String? {
                guard let value = environment[prefix + name], !value.isEmpty else { return nil }
                return value
            }
            if let id = value("ACCESS_KEY_ID"), let secret = value("SECRET_ACCESS_KEY") {
                return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: value("SESSION_TOKEN"))
            }
        }
        return nil
    }

    /// The access key id and whether there is a session token; the secret is never shown.
    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <hidden>, sessionToken: \(sessionToken == nil ? "none" : "<hidden>"))"
    }
}
