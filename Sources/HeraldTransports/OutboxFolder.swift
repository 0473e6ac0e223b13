import Foundation
import HeraldCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One folder of the outbox (`<outbox>/<method>/`) as an ``OutboxTransmitter`` writes it: each
/// file goes under a temporary name (`.<file>.<pid>.tmp`) and is renamed into place; temporary
/// files that a dead process left are removed before the first write; and in a spool folder it
/// knows which line holds each distribution already written there, so that a distribution
/// handed over again (its batch was written, its commit lost) is answered with that line
/// instead of being written a second time (see ``OutboxTransmitter``).
///
/// The index is built from the folder itself — every spool file is read once per process — so it
/// survives any crash. Files other writers (another process on the same data folder) add later
/// are found through the folder's **journal**, `.spool-journal`: every writer, holding an
/// `flock` on it, reads the names appended since its last look, indexes those files, appends the
/// name of its own new file and only then renames that file into place. A batch therefore reads
/// a few bytes instead of listing a folder of thousands of files (the listing was a quarter of
/// `herald serve`'s CPU under API load, and grew with the folder). A name whose file never
/// appeared (a crash between the append and the rename) is skipped. Without a journal (it cannot
/// be opened) the folder is listed before every batch, as a fallback. It costs
/// about 50 bytes per spooled distribution (ids that are UUIDs are kept as 128-bit numbers).
final class OutboxFolder: Sendable {
    let path: String
    private let state = Mutex<State>(State())

    /// Where a spooled distribution is: the spool file (an index into ``State/files``) and its
    /// line, from 1.
    struct Place: Sendable, Hashable {
        var file: UInt32
        var line: UInt32
    }

    /// A distribution id as the index keeps it.
    enum Key: Hashable {
        /// Canonical lowercase UUID text (`8-4-4-4-12` hex digits), as its 128 bits.
        case uuid(UInt128)
        /// Any other id, as its text (so two different ids never share a key).
        case text(String)

        init(_ id: String) {
            var text = id
            if let number = text.withUTF8({ OutboxFolder.uuidNumber($0) }) {
                self = .uuid(number)
            } else {
                self = .text(id)
            }
        }
    }

    struct State {
        var prepared = false
        /// The journal, open for appending (-1: none, list the folder instead), and how far this
        /// process has read it.
        var journal: Int32 = -1
        var journalOffset: Int64 = 0
        /// Whether the folder was listed once (the first batch): after that, the journal says.
        var listed = false
        var journalOpened = false
        /// The spool files read, by index, and the index of each name.
        var files: [String] = []
        var fileNumbers: [String: UInt32] = [:]
        /// The place of every spooled distribution: ids in canonical UUID form (all Herald
        /// makes) by their 128 bits, any other id by its text.
        var uuidPlaces: [UInt128: Place] = [:]
        var textPlaces: [String: Place] = [:]

        func place(of key: Key) -> Place? {
            switch key {
            case .uuid(let number): uuidPlaces[number]
            case .text(let id): textPlaces[id]
            }
        }

        mutating func setPlace(of key: Key, to place: Place?) {
            switch key {
            case .uuid(let number): uuidPlaces[number] = place
            case .text(let id): textPlaces[id] = place
            }
        }

        mutating func addFile(_ name: String) -> UInt32 {
            let number = UInt32(files.count)
            files.append(name)
            fileNumbers[name] = number
            return number
        }
    }

    init(url: URL) {
        var path = url.path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.path = path
    }

    // MARK: Writing files

    /// The temporary name a file is written under by this process.
    static func temporaryName(for name: String) -> String { ".\(name).\(getpid()).tmp" }

    /// Removes, once per folder object, the temporary files of processes that are gone (a crash
    /// between write and rename). Readers never count them (hidden names ending `.tmp`); this
    /// keeps the folder clean. A live process's temporary file is left alone.
    func prepare() {
        state.withLock { prepare(&$0) }
    }

    private func prepare(_ state: inout State) {
        guard !state.prepared else { return }
        state.prepared = true
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") && Self.isStray(temporary: name) {
            unlink(path + "/" + name)
        }
    }

    /// Opens the journal of a spool folder, once (email and letter folders have none).
    private func openJournal(_ state: inout State) {
        guard !state.journalOpened else { return }
        state.journalOpened = true
        state.journal = open(path + "/" + Self.journalName, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    }

    /// The journal's file name (hidden: readers of the outbox never count it).
    static let journalName = ".spool-journal"

    deinit {
        state.withLock { if $0.journal >= 0 { close($0.journal) } }
    }

    /// Runs `body` holding the journal's lock (other processes' writers wait), or without a lock
    /// when there is no journal.
    private func withJournalLock<T>(_ state: inout State, _ body: (inout State) -> T) -> T {
        guard state.journal >= 0 else { return body(&state) }
        while flock(state.journal, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(state.journal, LOCK_UN) }
        return body(&state)
    }

    /// Finds the spool files written since this process last looked: on the first batch every
    /// file in the folder (the journal's end is noted under the lock), later the names the
    /// journal gained; without a journal, the folder is listed.
    private func catchUp(_ state: inout State) {
        guard state.journal >= 0 else { return indexNewFiles(&state) }
        var info = stat()
        guard fstat(state.journal, &info) == 0 else { return indexNewFiles(&state) }
        let end = Int64(info.st_size)
        if !state.listed {
            indexNewFiles(&state)  // everything written before this process (with or without a journal)
            state.listed = true
            state.journalOffset = end
            return
        }
        guard end > state.journalOffset else { return }
        var bytes = [UInt8](repeating: 0, count: Int(end - state.journalOffset))
        let read = bytes.withUnsafeMutableBytes { pread(state.journal, $0.baseAddress, $0.count, off_t(state.journalOffset)) }
        guard read > 0, let last = bytes[..<read].lastIndex(of: 0x0A) else { return }
        state.journalOffset += Int64(last + 1)
        let names = bytes[..<last].split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        index(names.filter { state.fileNumbers[$0] == nil }, &state)
    }

    /// Notes `name` in the journal (before its file is renamed into place).
    private func announce(_ name: String, _ state: inout State) {
        guard state.journal >= 0 else { return }
        let line = Array((name + "\n").utf8)
        let written = line.withUnsafeBytes { write(state.journal, $0.baseAddress, $0.count) }
        if written == line.count { state.journalOffset += Int64(written) }
    }

    /// Whether a temporary file belongs to no live process: `.<file>.<pid>.tmp` of a pid that
    /// is not running, or a name without a pid (written before names carried one).
    static func isStray(temporary name: String) -> Bool {
        let stem = name.dropLast(".tmp".count)
        guard let dot = stem.lastIndex(of: "."), let pid = Int32(stem[stem.index(after: dot)...]), pid > 0 else { return true }
        if pid == getpid() { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Writes `data` to a temporary file in the folder, then renames it to `name`: a reader
    /// sees the whole file or none of it. Not fsynced (see ``OutboxTransmitter``): plain
    /// `write(2)`s, not `Data.write(to:)`, which syncs every file it writes — under API load a
    /// journal commit of the file system for every spool file.
    func publish(_ data: Data, as name: String) throws {
        let temporary = path + "/" + Self.temporaryName(for: name)
        do {
            try Self.writeFile(data, to: temporary)
        } catch {
            unlink(temporary)  // not a half file left behind until the next process cleans up
            throw error
        }
        guard rename(temporary, path + "/" + name) == 0 else {
            let code = errno
            unlink(temporary)
            throw HeraldError(.internalError, "cannot move \(name) into the outbox: errno \(code)")
        }
    }

    /// Creates (or truncates) the file at `path` and writes `data` to it.
    static func writeFile(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HeraldError(.internalError, "cannot create \(path): errno \(errno)") }
        defer { close(fd) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw HeraldError(.internalError, "cannot write \(path): errno \(errno)") }
                offset += n
            }
        }
    }

    // MARK: Spools

    /// One line to spool: the distribution it carries and its JSON text (no newline).
    struct Line: Sendable {
        var id: String
        var json: Data
    }

    /// Spools a batch: lines of distributions not in the folder yet go, in order, into one new
    /// file `<stamp>-<first of their ids>.ndjson`; a distribution already spooled (by this
    /// process or an earlier one) is not written again. Returns, for each line in order, where
    /// it is (`<file>#<line>`), or the error that kept it out of the outbox. Batches of one
    /// folder are spooled one at a time.
    func spool(_ lines: [Line], stamp: String) -> [Result<String, any Error>] {
        state.withLock { state in
            prepare(&state)
            openJournal(&state)
            return withJournalLock(&state) { state in spoolLocked(lines, stamp: stamp, &state) }
        }
    }

    private func spoolLocked(_ lines: [Line], stamp: String, _ state: inout State) -> [Result<String, any Error>] {
            catchUp(&state)
            var results = [Result<String, any Error>?](repeating: nil, count: lines.count)
            // Lines to write take their places in the new file at once (so a distribution twice
            // in the batch is one line); the places are dropped again if the write fails.
            let newFile = UInt32(state.files.count)
            var body = Data()
            var written: [(index: Int, line: UInt32)] = []
            var added: [Key] = []
            for (i, line) in lines.enumerated() {
                let key = Key(line.id)
                if let place = state.place(of: key) {
                    if place.file == newFile {
                        written.append((i, place.line))
                        continue
                    }
                    let name = state.files[Int(place.file)]
                    if access(path + "/" + name, F_OK) == 0 {  // not removed by hand meanwhile
                        results[i] = .success("\(name)#\(place.line)")
                        continue
                    }
                }
                let n = UInt32(added.count + 1)
                state.setPlace(of: key, to: Place(file: newFile, line: n))
                added.append(key)
                body += line.json
                body.append(0x0A)
                written.append((i, n))
            }
            if let first = written.first {
                var name = "\(stamp)-\(lines[first.index].id).ndjson"
                var suffix = 2
                while state.fileNumbers[name] != nil || access(path + "/" + name, F_OK) == 0 {
                    name = "\(stamp)-\(lines[first.index].id)-\(suffix).ndjson"
                    suffix += 1
                }
                do {
                    announce(name, &state)
                    try publish(body, as: name)
                    _ = state.addFile(name)
                    for (index, n) in written { results[index] = .success("\(name)#\(n)") }
                } catch {
                    for key in added { state.setPlace(of: key, to: nil) }
                    for (index, _) in written { results[index] = .failure(error) }
                }
            }
            return results.map { $0! }
    }

    /// Reads the spool files of the folder not read yet (all of them on the first batch), in
    /// name order (names start with the time they were written), recording each line's
    /// distribution; a distribution found twice (spooled before this index existed) keeps its
    /// first line.
    private func indexNewFiles(_ state: inout State) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        index(names.filter { !$0.hasPrefix(".") && $0.hasSuffix(".ndjson") && state.fileNumbers[$0] == nil }.sorted(), &state)
    }

    /// Reads the spool files `fresh`, in order, recording each line's distribution.
    private func index(_ fresh: [String], _ state: inout State) {
        guard !fresh.isEmpty else { return }
        let decoder = JSONDecoder()
        for name in fresh {
            guard let data = FileManager.default.contents(atPath: path + "/" + name) else { continue }  // gone meanwhile
            let fileNumber = state.addFile(name)
            data.withUnsafeBytes { (file: UnsafeRawBufferPointer) in
                guard let base = file.baseAddress else { return }
                var line: UInt32 = 0
                var start = 0
                while start < file.count {
                    let end = memchr(base + start, 0x0A, file.count - start).map { UnsafeRawPointer($0) - base } ?? file.count
                    line += 1
                    let text = UnsafeRawBufferPointer(rebasing: file[start..<end])
                    if let id = Self.spooledId(text) ?? (try? decoder.decode(SpooledId.self, from: Data(text)))?.id {
                        let key = Key(id)
                        if state.place(of: key) == nil { state.setPlace(of: key, to: Place(file: fileNumber, line: line)) }
                    }
                    start = end + 1
                }
            }
        }
    }

    /// The one field of a spool line the index reads (lines the quick scan cannot read).
    struct SpooledId: Decodable {
        var id: String
    }

    /// The `id` of a spool line as ``OutboxTransmitter`` writes it (compact JSON, one flat
    /// object): the text between `"id":"` and the next quote. That sequence cannot occur inside
    /// a JSON string (a quote in a string is escaped), so it is the key. Nil when not found or
    /// when the id holds an escape: the line is then decoded as JSON.
    static func spooledId(_ line: UnsafeRawBufferPointer) -> String? {
        guard let base = line.baseAddress else { return nil }
        let key: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0x22, 0x69, 0x64, 0x22, 0x3A, 0x22)  // "id":"
        var start: Int?
        var from = 0
        while start == nil, from + 6 <= line.count, let quote = memchr(base + from, 0x22, line.count - from) {
            let at = UnsafeRawPointer(quote) - base
            if at + 6 <= line.count && withUnsafeBytes(of: key, { memcmp(quote, $0.baseAddress!, 6) }) == 0 { start = at + 6 }
            from = at + 1
        }
        guard let start else { return nil }
        var end = start
        while end < line.count && line[end] != 0x22 {
            if line[end] == 0x5C { return nil }  // an escape: let the decoder read it
            end += 1
        }
        guard end < line.count else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
    }

    /// The 128 bits of an id in canonical lowercase UUID form (`8-4-4-4-12` hex digits), nil
    /// for any other text.
    static func uuidNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt128? {
        guard bytes.count == 36, bytes[8] == 0x2D, bytes[13] == 0x2D, bytes[18] == 0x2D, bytes[23] == 0x2D else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0, digits = 0
        for i in 0..<36 where i != 8 && i != 13 && i != 18 && i != 23 {
            let byte = bytes[i]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte &- 0x30
            case 0x61...0x66: digit = byte &- 0x61 &+ 10
            default: return nil
            }
            if digits < 16 { high = high << 4 | UInt64(digit) } else { low = low << 4 | UInt64(digit) }
            digits += 1
        }
        return UInt128(high) << 64 | UInt128(low)
    }
}
