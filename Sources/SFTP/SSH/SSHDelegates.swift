import NIOCore
import NIOSSH
import Synchronization

/// Why a connection attempt failed, as the delegates saw it (they run inside swift-nio-ssh,
/// whose own errors say less).
final class ConnectFailure: Sendable {
    private let error = Mutex<SFTPError?>(nil)

    func record(_ failure: SFTPError) {
        error.withLock { if $0 == nil { $0 = failure } }
    }

    var recorded: SFTPError? { error.withLock { $0 } }
}

/// Accepts the server's host key only when known_hosts trusts it for this host and port.
final class KnownHostsValidator: NIOSSHClientServerAuthenticationDelegate {
    let knownHosts: KnownHosts
    let host: String
    let port: Int
    let failure: ConnectFailure

    init(knownHosts: KnownHosts, host: String, port: Int, failure: ConnectFailure) {
        self.knownHosts = knownHosts
        self.host = host
        self.port = port
        self.failure = failure
    }

    func validateHostKey(hostKey: NIOSSHPublicKey, validationCompletePromise: EventLoopPromise<Void>) {
        let name = KnownHosts.hostName(host: host, port: port)
        let type = SSHKeyFormats.keyType(hostKey), fingerprint = SSHKeyFormats.fingerprint(hostKey)
        switch knownHosts.verdict(host: host, port: port, key: hostKey) {
        case .trusted:
            validationCompletePromise.succeed(())
        case .unknownHost:
            let error = SFTPError.unknownHostKey(host: name, keyType: type, fingerprint: fingerprint)
            failure.record(error)
            validationCompletePromise.fail(error)
        case .mismatch:
            let error = SFTPError.hostKeyMismatch(host: name, keyType: type, fingerprint: fingerprint)
            failure.record(error)
            validationCompletePromise.fail(error)
        }
    }
}

/// Offers the one configured credential once; a second request means it was refused.
final class SingleCredentialDelegate: NIOSSHClientUserAuthenticationDelegate {
    enum Credential {
        case password(String)
        case key(NIOSSHPrivateKey)
    }

    let user: String
    let host: String
    let credential: Credential
    let failure: ConnectFailure
    private var offered = false

    init(user: String, host: String, credential: Credential, failure: ConnectFailure) {
        self.user = user
        self.host = host
        self.credential = credential
        self.failure = failure
    }

    func nextAuthenticationType(
        availableMethods: NIOSSHAvailableUserAuthenticationMethods, nextChallengePromise: EventLoopPromise<NIOSSHUserAuthenticationOffer?>
    ) {
        let refuse = { (reason: String) in
            let error = SFTPError.authenticationFailed(user: self.user, host: self.host, reason: reason)
            self.failure.record(error)
            nextChallengePromise.fail(error)
        }
        let method: String
        switch credential {
        case .password: method = "password"
        case .key: method = "public key"
        }
        if offered {
            refuse("the server refused the \(method)")
            return
        }
        offered = true
        switch credential {
        case .password(let password):
            guard availableMethods.contains(.password) else { return refuse("the server does not accept passwords") }
            nextChallengePromise.succeed(.init(username: user, serviceName: "", offer: .password(.init(password: password))))
        case .key(let key):
            guard availableMethods.contains(.publicKey) else { return refuse("the server does not accept public keys") }
            nextChallengePromise.succeed(.init(username: user, serviceName: "", offer: .privateKey(.init(privateKey: key))))
        }
    }
}

/// Records the first error on the SSH connection and closes it.
final class SSHErrorHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any
    let failure: ConnectFailure

    init(failure: ConnectFailure) { self.failure = failure }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failure.record((error as? SFTPError) ?? .connectionLost("\(error)"))
        context.close(promise: nil)
    }
}
