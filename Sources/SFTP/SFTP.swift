/// # SFTP
///
/// A standalone SFTP v3 client (draft-ietf-secsh-filexfer-02) on swift-nio-ssh, with no
/// Herald dependency. Built like the SMTP and SMPP modules, in layers:
///
/// - **Messages** (pure): ``SFTPMessage`` and ``SFTPPacketCodec`` code every v3 packet both
///   ways (the tests' fake server uses the same codec); ``SFTPFileAttributes``,
///   ``SFTPStatusCode`` (a struct, so unknown codes survive) and ``SFTPError``.
/// - **State** (pure): ``SFTPSessionStateMachine`` opens the session (subsystem request, INIT,
///   VERSION), allocates request ids and matches responses to them in any order;
///   ``SFTPWritePipeline`` and ``SFTPReadPipeline`` decide which WRITE/READ chunks to send with
///   at most N in flight (short reads are asked again, EOF ends a download).
/// - **SSH** (pure but for file reading): ``KnownHosts`` (OpenSSH known_hosts: hashed `|1|`
///   entries, `[host]:port`, wildcards, negation, `@revoked`) and ``SSHKeyFormats`` (unencrypted
///   `openssh-key-v1` ed25519/ECDSA files, `SHA256:` fingerprints). An unknown or changed host
///   key is refused with ``SFTPError/unknownHostKey(host:keyType:fingerprint:)`` or
///   ``SFTPError/hostKeyMismatch(host:keyType:fingerprint:)``; it is never accepted silently.
/// - **Channel handlers** (thin): on the SSH session channel, ``SSHChannelDataUnwrapper`` and
///   ``SFTPPacketDecoder`` frame packets; `SFTPClientHandler` carries the state machine's
///   actions out, keeps a promise per request and runs pipelined transfers on the event loop
///   (an answered WRITE sends the next chunk with no hop to a task). A watchdog fails the
///   session when requests go unanswered past the request timeout, and an idle session sends
///   `REALPATH .` as a keep-alive.
/// - **Client** (async): ``SFTPSession`` is one SSH connection with its SFTP channel and every
///   protocol operation; ``SFTPClient`` keeps a small pool of sessions (operations share them,
///   several files in flight on each), drops a broken one and connects again on the next call,
///   waiting with exponential backoff after failed attempts. Its whole-file API is what the
///   storage daemon uses: ``SFTPClient/putFile(_:to:createDirectories:atomically:)-(ByteBuffer,_,_,_)``
///   (atomic: `<path>.tmp`, then `posix-rename@openssh.com` when offered, else remove + rename),
///   ``SFTPClient/readFile(_:)``, ``SFTPClient/makeDirectories(_:)`` (`mkdir -p`),
///   ``SFTPClient/stat(_:)``, ``SFTPClient/list(_:)``, ``SFTPClient/rename(_:to:replacing:)``,
///   ``SFTPClient/remove(_:)`` and ``SFTPClient/shutdown()``.
///
/// Nothing is retried behind the caller's back: a failed operation throws an ``SFTPError``
/// whose ``SFTPError/isTransient`` says whether trying again later may help.
enum SFTPModule {}
