import Foundation
import HeraldCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Documents on the local filesystem under `YYYY/MM/dd/HH/` (UTC), the layout CMP's storage
/// daemon uses. Locations are `fs:<relative path>`, so a data folder can move.
///
/// **A batch's documents share one pack file.** The merge stages write a batch of up to 500
/// documents through ``makeBatch(createdAt:)``: one file `YYYY/MM/dd/HH/<pack id>.pack` per batch,
/// each document appended with a one-line header, and the location of each document
/// `fs:<pack path>#<name>@<offset>+<length>`. Creating a file is what a filesystem does slowly
/// (on ext4 each create searches the inode bitmap and takes the directory's lock; files deleted
/// recently are skipped one by one), so one create per batch instead of one per email is most
/// of what lets the Email Monitor keep up with an MTA. The pack is made durable with one `fsync`
/// of the file (and one of its folder) in ``FilePack/finish()``, which the merge stage calls before
/// it records the locations. A pack whose batch died before its commit is garbage no row points
/// at (its rows are merged again into a new pack); `herald documents show|unpack` read documents
/// out of packs. The pack format, for tools:
///
///     HERALD-PACK 1\n
///     <name> <length>\n<length bytes of the document>\n     (once per document)
///
/// Locations of documents stored as files of their own (`fs:<relative path>`, as data folders
/// written before packs hold them) are still read.
public struct FileDocumentStore: DocumentStore {
    public let root: URL
    let rootPath: String
    /// The hour folders known to exist, so a new pack makes no `mkdir`/`stat` calls.
    let folders = FolderCache()

    public init(root: URL) {
        self.root = root
        var path = root.path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.rootPath = path
    }

    struct WriteFailure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "errno \(code)" }
    }

    /// Writes all of `data` at `position` in the file (`pwrite`: writers of distinct ranges
    /// need no common file offset, so no lock).
    static func writeAll(_ fd: Int32, _ data: some ContiguousBytes, at position: Int) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let n = pwrite(fd, buffer.baseAddress! + offset, buffer.count - offset, off_t(position + offset))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteFailure(code: errno)
                }
                offset += n
            }
        }
    }

    /// `YYYY/MM/dd/HH/` of a time, UTC (libc `gmtime_r`: no calendar or formatter per call).
    static func hourFolder(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var fields = tm()
        gmtime_r(&time, &fields)
        let year = Int(fields.tm_year) + 1900, month = Int(fields.tm_mon) + 1
        let day = Int(fields.tm_mday), hour = Int(fields.tm_hour)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var y = String(year)
        while y.count < 4 { y = "0" + y }
        return "\(y)/\(two(month))/\(two(day))/\(two(hour))/"
    }

    public func makeBatch(createdAt: Date) -> any DocumentBatch {
        FilePack(store: self, folder: Self.hourFolder(createdAt), id: Identifier.make(now: createdAt))
    }

    /// Makes sure the hour folder exists (made once per process and folder).
    func ensureFolder(_ folder: String) throws {
        guard !folders.contains(folder) else { return }
        try FileManager.default.createDirectory(atPath: rootPath + "/" + folder, withIntermediateDirectories: true)
        folders.insert(folder)
    }

    public func read(_ location: String) async throws -> Data {
        Data(try readBytes(location))
    }

    /// Reads many documents, opening each file (a batch's pack) once.
    public func readMany(_ locations: [String]) async -> [Result<[UInt8], any Error>] {
        var open = OpenFiles(store: self)
        defer { open.closeAll() }
        return locations.map { location in Result { try open.read(location) } }
    }

    /// Reads one document into one buffer.
    public func readBytes(_ location: String) throws -> [UInt8] {
        var open = OpenFiles(store: self)
        defer { open.closeAll() }
        return try open.read(location)
    }

    /// The absolute path of a location's file, refusing locations outside the root.
    func resolve(_ location: String) throws -> (path: String, parsed: DocumentLocation) {
        let parsed = try DocumentLocation(location)
        guard parsed.scheme == "fs" else { throw HeraldError.invalid("fileLocation", "not a filesystem location: \(location)") }
        guard !parsed.path.isEmpty, !parsed.path.hasPrefix("/"), !parsed.path.split(separator: "/").contains("..") else {
            throw HeraldError.invalid("fileLocation", "location escapes the document root: \(location)")
        }
        return (rootPath + "/" + parsed.path, parsed)
    }

    /// The files one read of many keeps open: a pack is opened once for all its documents.
    struct OpenFiles {
        let store: FileDocumentStore
        var descriptors: [String: Int32] = [:]

        mutating func closeAll() {
            for fd in descriptors.values { close(fd) }
            descriptors = [:]
        }

        mutating func read(_ location: String) throws -> [UInt8] {
            let (path, parsed) = try store.resolve(location)
            let fd: Int32
            if let known = descriptors[path] {
                fd = known
            } else {
                fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else {
                    let code = errno
                    throw HeraldError(code == ENOENT ? .notFound : .internalError, "cannot read document \(location): errno \(code)")
                }
                if parsed.entry != nil { descriptors[path] = fd }
            }
            defer { if parsed.entry == nil { close(fd) } }
            let offset: Int, size: Int
            if let entry = parsed.entry {
                (offset, size) = (entry.offset, entry.length)
            } else {
                var info = stat()
                guard fstat(fd, &info) == 0 else { throw HeraldError(.internalError, "cannot read document \(location): errno \(errno)") }
                // Documents do not change once written: read exactly the size fstat gave.
                (offset, size) = (0, max(Int(info.st_size), 0))
            }
            var failure: Int32 = 0
            let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                var count = 0
                while count < size {
                    let n = pread(fd, buffer.baseAddress! + count, size - count, off_t(offset + count))
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        break
                    }
                    if n == 0 { break }
                    count += n
                }
                initialized = count
            }
            guard failure == 0 else { throw HeraldError(.internalError, "cannot read document \(location): errno \(failure)") }
            guard bytes.count == size else {
                throw HeraldError(.internalError, "cannot read document \(location): the file ends after \(bytes.count) of \(size) bytes")
            }
            return bytes
        }
    }
}

/// The pack file of one batch (see ``FileDocumentStore``). The file is created on the first
/// document, so a batch whose every merge failed leaves none. Appends from several tasks are
/// serialised and gathered into 256 KiB writes; a failed write makes ``finish()`` fail, so the
/// batch is not committed and no row points into an incomplete pack.
public final class FilePack: DocumentBatch {
    static let magic = Array("HERALD-PACK 1\n".utf8)

    let store: FileDocumentStore
    let folder: String
    let fileName: String
    private let state = Mutex<State>(State())

    struct State {
        var fd: Int32 = -1
        /// The pack's length, written or not.
        var size = 0
        /// Records not written yet, and where in the file they start.
        var pending: [UInt8] = []
        var pendingOffset = 0
        /// Full blocks taken out of `pending` and being written by their appends.
        var writing = 0
        var finished = false
        var broken: String?
    }

    init(store: FileDocumentStore, folder: String, id: String) {
        self.store = store
        self.folder = folder
        self.fileName = id + ".pack"
    }

    /// The pack's location without an entry (`fs:<relative path>`).
    public var relativePath: String { folder + fileName }

    /// Documents are gathered in memory and written in blocks of this size (one `write` per
    /// ~70 emails instead of one per email); ``finish()`` writes the rest before its `fsync`.
    static let writeBlock = 256 * 1024

    public func append(_ data: Data, name: String) async throws -> String {
        // Byte checks (String.contains(String) goes through Foundation's NSString on Linux).
        guard !name.isEmpty, name != "..", name != ".",
              !name.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == 32 || $0 == UInt8(ascii: "#") || $0 == 10 || $0 == 13 }) else {
            throw HeraldError.invalid("name", "document name '\(name)' is not a plain file name")
        }
        let header = Array("\(name) \(data.count)\n".utf8)
        // Under the lock a record only takes its place (offset) and is copied into the block
        // being gathered; a full block is written after the lock is let go, at its own offset,
        // so the other merge workers keep appending meanwhile.
        let (location, block): (String, (fd: Int32, bytes: [UInt8], offset: Int)?) = try state.withLock { state in
            if let broken = state.broken { throw HeraldError(.internalError, "document pack \(relativePath) is unusable: \(broken)") }
            precondition(!state.finished, "a finished document batch takes no more documents")
            if state.fd < 0 { try create(&state) }
            let start = state.size
            state.pending.append(contentsOf: header)
            state.pending.append(contentsOf: data)
            state.pending.append(0x0A)
            state.size += header.count + data.count + 1
            let location = "fs:\(relativePath)#\(name)@\(start + header.count)+\(data.count)"
            guard state.pending.count >= Self.writeBlock else { return (location, nil) }
            var full: [UInt8] = []
            full.reserveCapacity(Self.writeBlock + 64 * 1024)
            swap(&full, &state.pending)
            defer { state.pendingOffset += full.count }
            state.writing += 1
            return (location, (state.fd, full, state.pendingOffset))
        }
        if let block {
            do {
                try FileDocumentStore.writeAll(block.fd, block.bytes, at: block.offset)
                state.withLock { $0.writing -= 1 }
            } catch {
                // Locations in this block were handed out: the pack can no longer be finished.
                state.withLock { state in
                    state.writing -= 1
                    state.broken = "writing documents failed: \(error)"
                }
                throw HeraldError(.internalError, "cannot write to document pack \(relativePath): \(error)")
            }
        }
        return location
    }

    /// Writes the documents gathered last (``finish()``, when no append is running). A failure
    /// makes the pack unusable: documents whose locations were already handed out are not on
    /// disk, so ``finish()`` fails and the batch is not committed (its rows are merged again
    /// into a new pack).
    private func writePending(_ state: inout State) throws {
        guard !state.pending.isEmpty else { return }
        do {
            try FileDocumentStore.writeAll(state.fd, state.pending, at: state.pendingOffset)
            state.pendingOffset += state.pending.count
            state.pending.removeAll(keepingCapacity: true)
        } catch {
            state.broken = "writing documents failed: \(error)"
            throw HeraldError(.internalError, "cannot write to document pack \(relativePath): \(error)")
        }
    }

    /// The documents of a pack file, in order: name, offset and length of each (the pack's
    /// format is checked as it is read: a cut-off last record ends the list with an error).
    public static func entries(ofPackAt path: String) throws -> [DocumentLocation.Entry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HeraldError.notFound("cannot read document pack \(path)")
        }
        let bytes = [UInt8](data)
        guard bytes.starts(with: magic) else { throw HeraldError.invalid("pack", "\(path) is not a Herald document pack (no HERALD-PACK 1 line)") }
        var entries: [DocumentLocation.Entry] = []
        var i = magic.count
        while i < bytes.count {
            guard let newline = bytes[i...].firstIndex(of: 0x0A) else {
                throw HeraldError.invalid("pack", "\(path): record header at byte \(i) has no end of line")
            }
            let header = String(decoding: bytes[i..<newline], as: UTF8.self)
            let parts = header.split(separator: " ")
            guard parts.count == 2, let length = Int(parts[1]), length >= 0, newline + 1 + length < bytes.count, bytes[newline + 1 + length] == 0x0A else {
                throw HeraldError.invalid("pack", "\(path): record at byte \(i) ('\(header.prefix(80))') is malformed or cut off")
            }
            entries.append(DocumentLocation.Entry(name: String(parts[0]), offset: newline + 1, length: length))
            i = newline + 1 + length + 1
        }
        return entries
    }

    private func create(_ state: inout State) throws {
        try store.ensureFolder(folder)
        let path = store.rootPath + "/" + relativePath
        var fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if fd < 0 && errno == ENOENT {
            store.folders.remove(folder)  // the folder went away under us
            try store.ensureFolder(folder)
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        }
        guard fd >= 0 else { throw HeraldError(.internalError, "cannot create document pack \(relativePath): errno \(errno)") }
        state.fd = fd
        state.pending.reserveCapacity(Self.writeBlock + 64 * 1024)
        state.pending.append(contentsOf: Self.magic)
        state.pendingOffset = 0
        state.size = Self.magic.count
    }

    public func finish() async throws {
        try state.withLock { state in
            guard !state.finished else { return }
            // The fsync below must cover every block: appends still writing one are a misuse.
            guard state.writing == 0 else {
                throw HeraldError(.internalError, "document pack \(relativePath) finished while \(state.writing) appends were still writing")
            }
            state.finished = true
            guard state.fd >= 0 else { return }
            defer {
                close(state.fd)
                state.fd = -1
                state.pending = []
            }
            if let broken = state.broken { throw HeraldError(.unavailable, "document pack \(relativePath) is incomplete: \(broken)") }
            try writePending(&state)
            guard fsync(state.fd) == 0 else { throw HeraldError(.unavailable, "cannot sync document pack \(relativePath): errno \(errno)") }
            // The new name must be durable too: sync the folder that holds it.
            let dir = open(store.rootPath + "/" + folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard dir >= 0 else { throw HeraldError(.unavailable, "cannot open \(folder) to sync it: errno \(errno)") }
            defer { close(dir) }
            guard fsync(dir) == 0 else { throw HeraldError(.unavailable, "cannot sync folder \(folder): errno \(errno)") }
        }
    }

    deinit {
        state.withLock { state in if state.fd >= 0 { close(state.fd) } }
    }
}

/// The folders a ``FileDocumentStore`` has made or found, shared by its copies.
final class FolderCache: Sendable {
    private let known = Mutex<Set<String>>([])

    func contains(_ folder: String) -> Bool { known.withLock { $0.contains(folder) } }
    func insert(_ folder: String) { known.withLock { _ = $0.insert(folder) } }
    func remove(_ folder: String) { known.withLock { _ = $0.remove(folder) } }
}
