import Foundation

/// A `fileLocation` taken apart (no I/O): `<scheme>:<path>` for a document that is a file of
/// its own, `<scheme>:<path>#<name>@<offset>+<length>` for one stored in a pack file with
/// others (the bytes `offset ..< offset + length` of the file at `path`).
public struct DocumentLocation: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var path: String
    /// Where in a pack; nil for a file of its own.
    public var entry: Entry?

    public struct Entry: Sendable, Hashable {
        public var name: String
        public var offset: Int
        public var length: Int

        public init(name: String, offset: Int, length: Int) {
            self.name = name
            self.offset = offset
            self.length = length
        }
    }

    public init(scheme: String, path: String, entry: Entry? = nil) {
        self.scheme = scheme
        self.path = path
        self.entry = entry
    }

    /// Parses a location; throws naming what is wrong with it.
    public init(_ text: String) throws {
        // Searched in the UTF-8 view: the delimiters are ASCII, and a Character search walks
        // grapheme clusters (the sender parses a location per email).
        let bytes = text.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon != text.startIndex else {
            throw HeraldError.invalid("fileLocation", "'\(text)' has no scheme (e.g. fs:)")
        }
        scheme = String(text[..<colon])
        let rest = text[bytes.index(after: colon)...]
        guard let hash = rest.utf8.lastIndex(of: UInt8(ascii: "#")) else {
            path = String(rest)
            entry = nil
            return
        }
        path = String(rest[..<hash])
        let fragment = rest[rest.utf8.index(after: hash)...]
        guard let at = fragment.utf8.lastIndex(of: UInt8(ascii: "@")), let plus = fragment.utf8.lastIndex(of: UInt8(ascii: "+")), at < plus,
              let offset = Int(fragment[fragment.utf8.index(after: at)..<plus]), let length = Int(fragment[fragment.utf8.index(after: plus)...]),
              offset >= 0, length >= 0, at != fragment.startIndex else {
            throw HeraldError.invalid("fileLocation", "'\(text)' does not end in #<name>@<offset>+<length>")
        }
        entry = Entry(name: String(fragment[..<at]), offset: offset, length: length)
    }

    /// The document's own file name: the pack entry's name, else the path's last component.
    public var name: String {
        if let entry { return entry.name }
        return path.split(separator: "/").last.map(String.init) ?? path
    }

    public var description: String {
        guard let entry else { return "\(scheme):\(path)" }
        return "\(scheme):\(path)#\(entry.name)@\(entry.offset)+\(entry.length)"
    }
}
