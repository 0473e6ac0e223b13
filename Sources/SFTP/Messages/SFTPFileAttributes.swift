/// File attributes (`ATTRS`, draft-ietf-secsh-filexfer-02 §5): each field is present only when
/// the sender set its flag.
public struct SFTPFileAttributes: Sendable, Hashable {
    /// The size in bytes (`SSH_FILEXFER_ATTR_SIZE`).
    public var size: UInt64?
    /// The owner's numeric user id (`SSH_FILEXFER_ATTR_UIDGID`, with ``groupID``).
    public var userID: UInt32?
    /// The owner's numeric group id.
    public var groupID: UInt32?
    /// The POSIX mode bits, file type included (`SSH_FILEXFER_ATTR_PERMISSIONS`).
    public var permissions: UInt32?
    /// Last access, seconds since 1970 (`SSH_FILEXFER_ATTR_ACMODTIME`, with ``modificationTime``).
    public var accessTime: UInt32?
    /// Last modification, seconds since 1970.
    public var modificationTime: UInt32?
    /// Extended attributes (`SSH_FILEXFER_ATTR_EXTENDED`): name and data pairs.
    public var extended: [Extension]

    /// One extended attribute.
    public struct Extension: Sendable, Hashable {
        /// Its name, `name@domain`.
        public var name: String
        /// Its data.
        public var data: [UInt8]
        /// Creates an extended attribute.
        public init(name: String, data: [UInt8]) {
            self.name = name
            self.data = data
        }
    }

    /// Attributes with no field set (what `OPEN` and `MKDIR` send to take the server's defaults).
    public static let none = SFTPFileAttributes()

    /// Creates attributes; fields left nil are not sent.
    public init(
        size: UInt64? = nil, userID: UInt32? = nil, groupID: UInt32? = nil, permissions: UInt32? = nil,
        accessTime: UInt32? = nil, modificationTime: UInt32? = nil, extended: [Extension] = []
    ) {
        self.size = size
        self.userID = userID
        self.groupID = groupID
        self.permissions = permissions
        self.accessTime = accessTime
        self.modificationTime = modificationTime
        self.extended = extended
    }

    /// Whether the mode bits say directory (`S_IFDIR`); nil without permissions.
    public var isDirectory: Bool? { permissions.map { $0 & 0o170000 == 0o040000 } }
    /// Whether the mode bits say regular file (`S_IFREG`); nil without permissions.
    public var isRegularFile: Bool? { permissions.map { $0 & 0o170000 == 0o100000 } }
    /// Whether the mode bits say symbolic link (`S_IFLNK`); nil without permissions.
    public var isSymbolicLink: Bool? { permissions.map { $0 & 0o170000 == 0o120000 } }

    static let sizeFlag: UInt32 = 0x1
    static let uidgidFlag: UInt32 = 0x2
    static let permissionsFlag: UInt32 = 0x4
    static let acmodtimeFlag: UInt32 = 0x8
    static let extendedFlag: UInt32 = 0x8000_0000
}

/// One entry of a directory listing (`SSH_FXP_NAME`).
public struct SFTPDirectoryEntry: Sendable, Hashable {
    /// The file name (no directory part for READDIR; an absolute path for REALPATH).
    public var filename: String
    /// The `ls -l`-style line the server made (informational; its format is not specified).
    public var longname: String
    /// The entry's attributes.
    public var attributes: SFTPFileAttributes

    /// Creates an entry.
    public init(filename: String, longname: String, attributes: SFTPFileAttributes) {
        self.filename = filename
        self.longname = longname
        self.attributes = attributes
    }
}

/// The flags of `SSH_FXP_OPEN` (`SSH_FXF_*`).
public struct SFTPOpenFlags: OptionSet, Sendable, Hashable {
    /// The wire value.
    public var rawValue: UInt32
    /// Creates flags from the wire value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Open for reading.
    public static let read = SFTPOpenFlags(rawValue: 0x01)
    /// Open for writing.
    public static let write = SFTPOpenFlags(rawValue: 0x02)
    /// Every write goes to the end of the file.
    public static let append = SFTPOpenFlags(rawValue: 0x04)
    /// Create the file when it does not exist.
    public static let create = SFTPOpenFlags(rawValue: 0x08)
    /// Truncate an existing file to zero length.
    public static let truncate = SFTPOpenFlags(rawValue: 0x10)
    /// With ``create``: fail when the file exists.
    public static let exclusive = SFTPOpenFlags(rawValue: 0x20)
}
