import Crypto
import Foundation
import _CryptoExtras

/// An APNs team key and an FCM service account made for a test or a bench run, with the
/// ``FakePushServer/Options`` that check what is signed with them.
public struct PushTestCredentials: Sendable {
    /// The APNs team id.
    public static let teamID = "TEAM123456"
    /// The APNs key id.
    public static let keyID = "KEY7654321"
    /// The app's bundle id.
    public static let topic = "com.example.herald"
    /// The Firebase project.
    public static let project = "herald-test"
    /// The service account's e-mail.
    public static let clientEmail = "herald@herald-test.iam.gserviceaccount.com"

    /// The APNs signing key.
    public let apnsKey: P256.Signing.PrivateKey
    /// The service account's key.
    public let fcmKey: _RSA.Signing.PrivateKey

    /// Makes fresh keys (RSA-2048 for the service account).
    public init() throws {
        apnsKey = P256.Signing.PrivateKey()
        fcmKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    }

    /// The APNs key as a `.p8` file holds it (PKCS#8 PEM).
    public var apnsKeyPEM: String { apnsKey.pemRepresentation }

    /// A service-account JSON key file's contents.
    public func serviceAccountJSON(tokenURI: String = "https://oauth2.googleapis.com/token") -> String {
        let object: [String: String] = [
            "type": "service_account", "project_id": Self.project, "private_key_id": "fcmkey1",
            "private_key": fcmKey.pkcs8PEMRepresentation, "client_email": Self.clientEmail, "token_uri": tokenURI,
        ]
        return String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    /// Server options that accept exactly these credentials.
    public func serverOptions(checks: Bool = true, record: Bool = true) -> FakePushServer.Options {
        FakePushServer.Options(apnsKeys: [Self.keyID: apnsKey.publicKey], apnsTeamID: Self.teamID, apnsTopic: Self.topic,
                               fcmKey: fcmKey.publicKey, fcmClientEmail: Self.clientEmail, fcmProject: Self.project,
                               checks: checks, record: record)
    }
}
