import Logging
import NIOCore
import NIOPosix
import Synchronization

/// An SFTP client for storing and fetching whole files, on a small pool of SSH sessions.
///
/// ```swift
/// let client = SFTPClient(configuration: .init(
///     host: "files.example.com", user: "herald", authentication: .privateKey(path: "/etc/herald/id_ed25519"),
///     knownHostsFile: "/etc/herald/known_hosts"))
/// try await client.putFile(pdfBytes, to: "/storage/2018/08/02/17/5002761.pdf")
/// let back = try await client.readFile("/storage/2018/08/02/17/5002761.pdf")
/// await client.shutdown()
/// ```
/// Operations may run concurrently: they share up to `configuration.sessions` connections,
/// several at once on each, and each file's WRITEs are pipelined. A connection that breaks
/// fails the operations on it with a transient ``SFTPError`` and is replaced by the next
/// operation (after a backoff when connecting fails). Nothing is retried behind the caller's back.
public final class SFTPClient: Sendable {
    /// The configuration.
    public let configuration: SFTPConfiguration
    private let pool: SFTPSessionPool
    /// Directories known to exist (skips the STAT before each put into the same folder).
    private let knownDirectories = Mutex<Set<String>>([])

    /// Creates a client; no connection is made until the first operation.
    public init(
        configuration: SFTPConfiguration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "sftp")
    ) {
        self.configuration = configuration
        self.pool = SFTPSessionPool(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
    }

    /// Runs `body` with a session of the pool (shared with other operations running at the same time).
    public func withSession<Result: Sendable>(_ body: (SFTPSession) async throws(SFTPError) -> Result) async throws(SFTPError) -> Result {
        let (index, session) = try await pool.acquire()
        do throws(SFTPError) {
            let result = try await body(session)
            await pool.release(index, session: session, error: nil)
            return result
        } catch {
            await pool.release(index, session: session, error: error)
            throw error
        }
    }

    /// Stores `data` at `path`.
    ///
    /// - Parameters:
    ///   - createDirectories: create missing parent directories first (`mkdir -p`).
    ///   - atomically: write `<path>.tmp`, then rename it over `path` (with
    ///     `posix-rename@openssh.com` when offered, else remove and rename), so a reader never
    ///     sees a partial file; the temporary file is removed when the put fails.
    public func putFile(_ data: ByteBuffer, to path: String, createDirectories: Bool = true, atomically: Bool = true) async throws(SFTPError) {
        do throws(SFTPError) {
            try await put(data, to: path, createDirectories: createDirectories, atomically: atomically)
        } catch SFTPError.status(.noSuchFile, _, _) where createDirectories {
            // A directory we believed in was removed behind our back: forget and try once more.
            knownDirectories.withLock { $0.removeAll() }
            try await put(data, to: path, createDirectories: createDirectories, atomically: atomically)
        }
    }

    /// Stores `bytes` at `path`; see ``putFile(_:to:createDirectories:atomically:)-(ByteBuffer,_,_,_)``.
    public func putFile(_ bytes: some Sequence<UInt8>, to path: String, createDirectories: Bool = true, atomically: Bool = true) async throws(SFTPError) {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        try await putFile(buffer, to: path, createDirectories: createDirectories, atomically: atomically)
    }

    private func put(_ data: ByteBuffer, to path: String, createDirectories: Bool, atomically: Bool) async throws(SFTPError) {
        try await withSession { session throws(SFTPError) in
            if createDirectories { try await self.makeDirectories(Self.parent(of: path), on: session) }
            let target = atomically ? path + ".tmp" : path
            let handle = try await session.open(target, flags: [.write, .create, .truncate])
            do throws(SFTPError) {
                try await session.writeAll(handle, data: data)
                try await session.close(handle)
            } catch {
                try? await session.close(handle)
                if atomically { try? await session.remove(target) }
                throw error
            }
            guard atomically else { return }
            do throws(SFTPError) {
                if session.serverInfo.supportsPosixRename {
                    try await session.posixRename(target, to: path)
                } else {
                    do throws(SFTPError) {
                        try await session.remove(path)
                    } catch SFTPError.status(.noSuchFile, _, _) {}
                    try await session.rename(target, to: path)
                }
            } catch {
                try? await session.remove(target)
                throw error
            }
        }
    }

    /// The whole content of the file at `path`.
    public func readFile(_ path: String) async throws(SFTPError) -> [UInt8] {
        let buffer = try await readFileBuffer(path)
        return Array(buffer.readableBytesView)
    }

    /// The whole content of the file at `path`, as a buffer.
    public func readFileBuffer(_ path: String) async throws(SFTPError) -> ByteBuffer {
        try await withSession { session throws(SFTPError) in
            let handle = try await session.open(path, flags: .read)
            do throws(SFTPError) {
                let size = try await session.fstat(handle).size
                let data = try await session.readAll(handle, expectedSize: size)
                try? await session.close(handle)
                return data
            } catch {
                try? await session.close(handle)
                throw error
            }
        }
    }

    /// Creates `path` and any missing parent directories (`mkdir -p`); existing directories are fine.
    ///
    /// - Throws: ``SFTPError/status(_:message:path:)`` with ``SFTPStatusCode/failure`` when a path
    ///   element exists and is not a directory, or the server's refusal.
    public func makeDirectories(_ path: String) async throws(SFTPError) {
        try await withSession { session throws(SFTPError) in try await self.makeDirectories(path, on: session) }
    }

    private func makeDirectories(_ path: String, on session: SFTPSession) async throws(SFTPError) {
        let path = Self.trimmed(path)
        if path.isEmpty || path == "/" || path == "." || knownDirectories.withLock({ $0.contains(path) }) { return }
        do throws(SFTPError) {
            let attributes = try await session.stat(path)
            guard attributes.isDirectory != false else { throw SFTPError.status(.failure, message: "not a directory", path: path) }
        } catch SFTPError.status(.noSuchFile, _, _) {
            try await makeDirectories(Self.parent(of: path), on: session)
            do throws(SFTPError) {
                try await session.mkdir(path)
            } catch SFTPError.status(let code, let message, let errorPath) {
                // Made meanwhile by someone else?
                guard let attributes = try? await session.stat(path), attributes.isDirectory == true else {
                    throw .status(code, message: message, path: errorPath)
                }
            }
        }
        knownDirectories.withLock {
            if $0.count > 4096 { $0.removeAll() }
            $0.insert(path)
        }
    }

    /// The attributes of `path` (following symbolic links).
    public func stat(_ path: String) async throws(SFTPError) -> SFTPFileAttributes {
        try await withSession { session throws(SFTPError) in try await session.stat(path) }
    }

    /// Removes the file at `path`.
    public func remove(_ path: String) async throws(SFTPError) {
        try await withSession { session throws(SFTPError) in try await session.remove(path) }
    }

    /// Removes the empty directory at `path`.
    public func removeDirectory(_ path: String) async throws(SFTPError) {
        knownDirectories.withLock { $0.removeAll() }
        try await withSession { session throws(SFTPError) in try await session.rmdir(path) }
    }

    /// Renames `oldPath` to `newPath`; with `replacing`, an existing `newPath` is replaced
    /// (atomically with `posix-rename@openssh.com`, else by removing it first).
    public func rename(_ oldPath: String, to newPath: String, replacing: Bool = false) async throws(SFTPError) {
        try await withSession { session throws(SFTPError) in
            if replacing && session.serverInfo.supportsPosixRename {
                try await session.posixRename(oldPath, to: newPath)
                return
            }
            if replacing {
                do throws(SFTPError) {
                    try await session.remove(newPath)
                } catch SFTPError.status(.noSuchFile, _, _) {}
            }
            try await session.rename(oldPath, to: newPath)
        }
    }

    /// The entries of `directory` (without `.` and `..`), in the server's order.
    public func list(_ directory: String) async throws(SFTPError) -> [SFTPDirectoryEntry] {
        try await withSession { session throws(SFTPError) in
            let handle = try await session.opendir(directory)
            var entries: [SFTPDirectoryEntry] = []
            do throws(SFTPError) {
                while let batch = try await session.readdir(handle) {
                    entries += batch.filter { $0.filename != "." && $0.filename != ".." }
                }
            } catch {
                try? await session.close(handle)
                throw error
            }
            try? await session.close(handle)
            return entries
        }
    }

    /// The server's canonical absolute form of `path` (`.` gives the login directory).
    public func realpath(_ path: String) async throws(SFTPError) -> String {
        try await withSession { session throws(SFTPError) in try await session.realpath(path) }
    }

    /// Refuses new operations, lets running ones finish (up to the request timeout), then closes
    /// every session.
    public func shutdown() async {
        await pool.shutdown(grace: configuration.timeouts.request)
    }

    static func trimmed(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }

    /// The directory part of `path` ("" for a bare name, "/" for a top-level one).
    static func parent(of path: String) -> String {
        let path = trimmed(path)
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }
}
