import NIOCore

/// The wire format of SFTP packets: `uint32 length`, `byte type`, then the type's fields, with
/// SSH's `string` (uint32 length + bytes) and `uint64` encodings.
public enum SFTPPacketCodec {
    /// The largest packet accepted from the peer (OpenSSH sends at most 256 KiB; long listings
    /// are split by the server).
    public static let maximumPacketLength = 4 * 1024 * 1024

    /// Appends `message`, framed, to `buffer`.
    public static func encode(_ message: SFTPMessage, into buffer: inout ByteBuffer) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        switch message {
        case .initialize(let version):
            buffer.writeInteger(SFTPPacketType.initialize.rawValue)
            buffer.writeInteger(version)
        case .version(let version, let extensions):
            buffer.writeInteger(SFTPPacketType.version.rawValue)
            buffer.writeInteger(version)
            for pair in extensions {
                buffer.writeSFTPString(pair.name)
                buffer.writeSFTPString(pair.data)
            }
        case .open(let id, let path, let flags, let attributes):
            buffer.writeHeader(.open, id)
            buffer.writeSFTPString(path)
            buffer.writeInteger(flags.rawValue)
            buffer.writeAttributes(attributes)
        case .close(let id, let handle):
            buffer.writeHeader(.close, id)
            buffer.writeSFTPString(handle)
        case .read(let id, let handle, let offset, let length):
            buffer.writeHeader(.read, id)
            buffer.writeSFTPString(handle)
            buffer.writeInteger(offset)
            buffer.writeInteger(length)
        case .write(let id, let handle, let offset, let data):
            buffer.writeHeader(.write, id)
            buffer.writeSFTPString(handle)
            buffer.writeInteger(offset)
            buffer.writeSFTPString(data)
        case .lstat(let id, let path): buffer.writePathRequest(.lstat, id, path)
        case .fstat(let id, let handle):
            buffer.writeHeader(.fstat, id)
            buffer.writeSFTPString(handle)
        case .setstat(let id, let path, let attributes):
            buffer.writePathRequest(.setstat, id, path)
            buffer.writeAttributes(attributes)
        case .fsetstat(let id, let handle, let attributes):
            buffer.writeHeader(.fsetstat, id)
            buffer.writeSFTPString(handle)
            buffer.writeAttributes(attributes)
        case .opendir(let id, let path): buffer.writePathRequest(.opendir, id, path)
        case .readdir(let id, let handle):
            buffer.writeHeader(.readdir, id)
            buffer.writeSFTPString(handle)
        case .remove(let id, let path): buffer.writePathRequest(.remove, id, path)
        case .mkdir(let id, let path, let attributes):
            buffer.writePathRequest(.mkdir, id, path)
            buffer.writeAttributes(attributes)
        case .rmdir(let id, let path): buffer.writePathRequest(.rmdir, id, path)
        case .realpath(let id, let path): buffer.writePathRequest(.realpath, id, path)
        case .stat(let id, let path): buffer.writePathRequest(.stat, id, path)
        case .rename(let id, let oldPath, let newPath):
            buffer.writePathRequest(.rename, id, oldPath)
            buffer.writeSFTPString(newPath)
        case .extended(let id, let request, let data):
            buffer.writeHeader(.extended, id)
            buffer.writeSFTPString(request)
            buffer.writeImmutableBuffer(data)
        case .status(let id, let code, let message, let language):
            buffer.writeHeader(.status, id)
            buffer.writeInteger(code.rawValue)
            buffer.writeSFTPString(message)
            buffer.writeSFTPString(language)
        case .handle(let id, let handle):
            buffer.writeHeader(.handle, id)
            buffer.writeSFTPString(handle)
        case .data(let id, let data):
            buffer.writeHeader(.data, id)
            buffer.writeSFTPString(data)
        case .name(let id, let entries):
            buffer.writeHeader(.name, id)
            buffer.writeInteger(UInt32(entries.count))
            for entry in entries {
                buffer.writeSFTPString(entry.filename)
                buffer.writeSFTPString(entry.longname)
                buffer.writeAttributes(entry.attributes)
            }
        case .attributes(let id, let attributes):
            buffer.writeHeader(.attributes, id)
            buffer.writeAttributes(attributes)
        case .extendedReply(let id, let data):
            buffer.writeHeader(.extendedReply, id)
            buffer.writeImmutableBuffer(data)
        }
        buffer.setInteger(UInt32(buffer.writerIndex - lengthIndex - 4), at: lengthIndex)
    }

    /// Takes one whole packet off the front of `buffer`, or returns nil (consuming nothing)
    /// when the packet is not all there yet.
    ///
    /// - Throws: ``SFTPError/protocolError(_:)`` for an oversized, truncated or unknown packet.
    public static func decode(_ buffer: inout ByteBuffer) throws(SFTPError) -> SFTPMessage? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length >= 1, length <= maximumPacketLength else {
            throw .protocolError("packet length \(length) out of range")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        var body = buffer.readSlice(length: Int(length))!
        let message = try decodeBody(&body)
        return message
    }

    private static func decodeBody(_ body: inout ByteBuffer) throws(SFTPError) -> SFTPMessage {
        let typeByte = body.readInteger(as: UInt8.self)!
        guard let type = SFTPPacketType(rawValue: typeByte) else { throw .protocolError("unknown packet type \(typeByte)") }
        var reader = Reader(buffer: body, type: type)
        switch type {
        case .initialize:
            return .initialize(version: try reader.uint32())
        case .version:
            let version = try reader.uint32()
            var extensions: [SFTPExtensionPair] = []
            while reader.buffer.readableBytes > 0 {
                extensions.append(SFTPExtensionPair(name: try reader.string(), data: try reader.string()))
            }
            return .version(version, extensions: extensions)
        case .open:
            return .open(id: try reader.uint32(), path: try reader.string(), flags: SFTPOpenFlags(rawValue: try reader.uint32()),
                         attributes: try reader.attributes())
        case .close: return .close(id: try reader.uint32(), handle: try reader.bytes())
        case .read:
            return .read(id: try reader.uint32(), handle: try reader.bytes(), offset: try reader.uint64(), length: try reader.uint32())
        case .write:
            return .write(id: try reader.uint32(), handle: try reader.bytes(), offset: try reader.uint64(), data: try reader.bytes())
        case .lstat: return .lstat(id: try reader.uint32(), path: try reader.string())
        case .fstat: return .fstat(id: try reader.uint32(), handle: try reader.bytes())
        case .setstat: return .setstat(id: try reader.uint32(), path: try reader.string(), attributes: try reader.attributes())
        case .fsetstat: return .fsetstat(id: try reader.uint32(), handle: try reader.bytes(), attributes: try reader.attributes())
        case .opendir: return .opendir(id: try reader.uint32(), path: try reader.string())
        case .readdir: return .readdir(id: try reader.uint32(), handle: try reader.bytes())
        case .remove: return .remove(id: try reader.uint32(), path: try reader.string())
        case .mkdir: return .mkdir(id: try reader.uint32(), path: try reader.string(), attributes: try reader.attributes())
        case .rmdir: return .rmdir(id: try reader.uint32(), path: try reader.string())
        case .realpath: return .realpath(id: try reader.uint32(), path: try reader.string())
        case .stat: return .stat(id: try reader.uint32(), path: try reader.string())
        case .rename: return .rename(id: try reader.uint32(), oldPath: try reader.string(), newPath: try reader.string())
        case .readlink, .symlink: throw .protocolError("unsupported packet type \(typeByte)")
        case .extended:
            let id = try reader.uint32()
            let request = try reader.string()
            return .extended(id: id, request: request, data: reader.rest())
        case .status:
            let id = try reader.uint32()
            let code = SFTPStatusCode(rawValue: try reader.uint32())
            // Some old servers omit the message and language.
            let message = reader.buffer.readableBytes > 0 ? try reader.string() : ""
            let language = reader.buffer.readableBytes > 0 ? try reader.string() : ""
            return .status(id: id, code: code, message: message, language: language)
        case .handle: return .handle(id: try reader.uint32(), handle: try reader.bytes())
        case .data: return .data(id: try reader.uint32(), data: try reader.bytes())
        case .name:
            let id = try reader.uint32()
            let count = try reader.uint32()
            var entries: [SFTPDirectoryEntry] = []
            entries.reserveCapacity(Int(min(count, 1024)))
            for _ in 0..<count {
                entries.append(SFTPDirectoryEntry(filename: try reader.string(), longname: try reader.string(), attributes: try reader.attributes()))
            }
            return .name(id: id, entries: entries)
        case .attributes: return .attributes(id: try reader.uint32(), attributes: try reader.attributes())
        case .extendedReply: return .extendedReply(id: try reader.uint32(), data: reader.rest())
        }
    }

    /// Reads fields off a packet body, failing with a protocol error when it ends early.
    struct Reader {
        var buffer: ByteBuffer
        let type: SFTPPacketType

        private func truncated() -> SFTPError { .protocolError("truncated \(type) packet") }

        mutating func uint32() throws(SFTPError) -> UInt32 {
            guard let value = buffer.readInteger(as: UInt32.self) else { throw truncated() }
            return value
        }
        mutating func uint64() throws(SFTPError) -> UInt64 {
            guard let value = buffer.readInteger(as: UInt64.self) else { throw truncated() }
            return value
        }
        mutating func bytes() throws(SFTPError) -> ByteBuffer {
            let length = try uint32()
            guard let slice = buffer.readSlice(length: Int(length)) else { throw truncated() }
            return slice
        }
        mutating func string() throws(SFTPError) -> String {
            let slice = try bytes()
            return String(decoding: slice.readableBytesView, as: UTF8.self)
        }
        mutating func rest() -> ByteBuffer { buffer.readSlice(length: buffer.readableBytes)! }

        mutating func attributes() throws(SFTPError) -> SFTPFileAttributes {
            let flags = try uint32()
            var attributes = SFTPFileAttributes()
            if flags & SFTPFileAttributes.sizeFlag != 0 { attributes.size = try uint64() }
            if flags & SFTPFileAttributes.uidgidFlag != 0 {
                attributes.userID = try uint32()
                attributes.groupID = try uint32()
            }
            if flags & SFTPFileAttributes.permissionsFlag != 0 { attributes.permissions = try uint32() }
            if flags & SFTPFileAttributes.acmodtimeFlag != 0 {
                attributes.accessTime = try uint32()
                attributes.modificationTime = try uint32()
            }
            if flags & SFTPFileAttributes.extendedFlag != 0 {
                let count = try uint32()
                for _ in 0..<count {
                    let name = try string()
                    let data = try bytes()
                    attributes.extended.append(.init(name: name, data: Array(data.readableBytesView)))
                }
            }
            return attributes
        }
    }
}

extension ByteBuffer {
    fileprivate mutating func writeHeader(_ type: SFTPPacketType, _ id: UInt32) {
        writeInteger(type.rawValue)
        writeInteger(id)
    }

    fileprivate mutating func writePathRequest(_ type: SFTPPacketType, _ id: UInt32, _ path: String) {
        writeHeader(type, id)
        writeSFTPString(path)
    }

    mutating func writeSFTPString(_ string: String) {
        let lengthIndex = writerIndex
        writeInteger(UInt32(0))
        let written = writeString(string)
        setInteger(UInt32(written), at: lengthIndex)
    }

    mutating func writeSFTPString(_ bytes: ByteBuffer) {
        writeInteger(UInt32(bytes.readableBytes))
        writeImmutableBuffer(bytes)
    }

    fileprivate mutating func writeAttributes(_ attributes: SFTPFileAttributes) {
        var flags: UInt32 = 0
        if attributes.size != nil { flags |= SFTPFileAttributes.sizeFlag }
        if attributes.userID != nil || attributes.groupID != nil { flags |= SFTPFileAttributes.uidgidFlag }
        if attributes.permissions != nil { flags |= SFTPFileAttributes.permissionsFlag }
        if attributes.accessTime != nil || attributes.modificationTime != nil { flags |= SFTPFileAttributes.acmodtimeFlag }
        if !attributes.extended.isEmpty { flags |= SFTPFileAttributes.extendedFlag }
        writeInteger(flags)
        if let size = attributes.size { writeInteger(size) }
        if flags & SFTPFileAttributes.uidgidFlag != 0 {
            writeInteger(attributes.userID ?? 0)
            writeInteger(attributes.groupID ?? 0)
        }
        if let permissions = attributes.permissions { writeInteger(permissions) }
        if flags & SFTPFileAttributes.acmodtimeFlag != 0 {
            writeInteger(attributes.accessTime ?? 0)
            writeInteger(attributes.modificationTime ?? 0)
        }
        if !attributes.extended.isEmpty {
            writeInteger(UInt32(attributes.extended.count))
            for pair in attributes.extended {
                writeSFTPString(pair.name)
                writeInteger(UInt32(pair.data.count))
                writeBytes(pair.data)
            }
        }
    }
}
