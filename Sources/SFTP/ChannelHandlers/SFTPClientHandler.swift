import NIOCore
import NIOSSH

/// The client end of an SFTP session on an SSH session channel: it carries out what
/// ``SFTPSessionStateMachine`` decides, keeps a promise per outstanding request, and runs the
/// pipelined uploads and downloads on the event loop (a WRITE answered sends the next chunk
/// at once, with no hop to a task).
///
/// Every method must be called on the channel's event loop.
final class SFTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = SFTPMessage
    typealias OutboundIn = Never
    typealias OutboundOut = SSHChannelData

    struct Timing {
        /// How long a request may wait for its answer while nothing else arrives.
        var requestTimeout: TimeAmount
        /// After this long with nothing in flight, a cheap request (REALPATH ".") checks the session.
        var keepAliveInterval: TimeAmount?
    }

    private enum Pending {
        case request(EventLoopPromise<SFTPMessage>)
        case uploadChunk(Int)
        case downloadChunk(Int, SFTPReadPipeline.ReadRequest)
        case keepAlive
    }

    private final class Upload {
        var pipeline: SFTPWritePipeline
        let handle: ByteBuffer
        let data: ByteBuffer
        let path: String
        let promise: EventLoopPromise<Void>
        init(pipeline: SFTPWritePipeline, handle: ByteBuffer, data: ByteBuffer, path: String, promise: EventLoopPromise<Void>) {
            self.pipeline = pipeline
            self.handle = handle
            self.data = data
            self.path = path
            self.promise = promise
        }
    }

    private final class Download {
        var pipeline: SFTPReadPipeline
        let handle: ByteBuffer
        let path: String
        var pieces: [UInt64: ByteBuffer] = [:]
        let promise: EventLoopPromise<ByteBuffer>
        init(pipeline: SFTPReadPipeline, handle: ByteBuffer, path: String, promise: EventLoopPromise<ByteBuffer>) {
            self.pipeline = pipeline
            self.handle = handle
            self.path = path
            self.promise = promise
        }
    }

    private var machine = SFTPSessionStateMachine()
    private var pending: [UInt32: Pending] = [:]
    private var uploads: [Int: Upload] = [:]
    private var downloads: [Int: Download] = [:]
    private var nextTransferID = 0
    private var context: ChannelHandlerContext?
    private let readyPromise: EventLoopPromise<SFTPSessionStateMachine.ServerInfo>
    private let timing: Timing
    private var lastProgress = NIODeadline.now()
    private var watchdog: RepeatedTask?

    /// Completed with the server's version packet when the session is ready, or failed.
    var ready: EventLoopFuture<SFTPSessionStateMachine.ServerInfo> { readyPromise.futureResult }

    /// The error that ended the session, once it is over.
    private(set) var closedError: SFTPError?

    init(eventLoop: any EventLoop, timing: Timing) {
        self.readyPromise = eventLoop.makePromise()
        self.timing = timing
    }

    deinit {
        // A handler dropped before its channel opened (its pipeline failed to build) must not
        // leave the ready promise unfulfilled (NIO traps on leaked promises in debug builds).
        // Failing a fulfilled promise is a no-op.
        readyPromise.fail(SFTPError.connectionLost("the SFTP channel never opened"))
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        act(machine.channelClosed(.connectionLost("the SFTP channel handler was removed")))
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        let action = machine.channelActive()
        guard action != .none else { return }
        let tick = min(timing.requestTimeout, timing.keepAliveInterval ?? timing.requestTimeout)
        let interval = TimeAmount.nanoseconds(max(tick.nanoseconds / 4, TimeAmount.milliseconds(5).nanoseconds))
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        watchdog = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            loopBound.value.checkTimers()
        }
        act(action)
    }

    func channelInactive(context: ChannelHandlerContext) {
        act(machine.channelClosed(.connectionLost("the SSH channel closed")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let sftpError = (error as? SFTPError) ?? .connectionLost("\(error)")
        act(machine.channelClosed(sftpError))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelSuccessEvent: act(machine.subsystemAccepted())
        case is ChannelFailureEvent: act(machine.subsystemRefused())
        default: context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastProgress = .now()
        act(machine.received(unwrapInboundIn(data)))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    // MARK: Actions

    private func act(_ action: SFTPSessionStateMachine.Action) {
        switch action {
        case .none: break
        case .requestSubsystem:
            guard let context else { return }
            let request = SSHChannelRequestEvent.SubsystemRequest(subsystem: "sftp", wantReply: true)
            context.triggerUserOutboundEvent(request).assumeIsolated().whenFailure { [weak self] error in
                self?.act(self?.machine.channelClosed(.connectionFailed("cannot request the sftp subsystem: \(error)")) ?? .none)
            }
        case .send(let message):
            write(message)
            context?.flush()
        case .sessionReady(let info):
            readyPromise.succeed(info)
        case .deliver(let id, let message):
            deliver(id: id, message)
        case .fail(let error):
            fail(error)
        }
    }

    private func write(_ message: SFTPMessage) {
        guard let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: message.encodedSizeHint)
        SFTPPacketCodec.encode(message, into: &buffer)
        context.write(wrapOutboundOut(SSHChannelData(type: .channel, data: .byteBuffer(buffer))), promise: nil)
    }

    private func fail(_ error: SFTPError) {
        closedError = error
        watchdog?.cancel()
        watchdog = nil
        readyPromise.fail(error)
        let failed = pending
        pending = [:]
        machine.clearOutstanding()
        for (_, entry) in failed {
            if case .request(let promise) = entry { promise.fail(error) }
        }
        let failedUploads = uploads, failedDownloads = downloads
        uploads = [:]
        downloads = [:]
        for (_, upload) in failedUploads { upload.promise.fail(error) }
        for (_, download) in failedDownloads { download.promise.fail(error) }
        context?.close(promise: nil)
    }

    private func deliver(id: UInt32, _ message: SFTPMessage) {
        guard let entry = pending.removeValue(forKey: id) else { return }
        switch entry {
        case .request(let promise): promise.succeed(message)
        case .keepAlive: break
        case .uploadChunk(let transfer):
            guard let upload = uploads[transfer] else { return }
            if case .status(_, let code, _, _) = message, code == .ok {
                upload.pipeline.chunkCompleted(nil)
            } else {
                upload.pipeline.chunkCompleted(Self.error(from: message, path: upload.path))
            }
            pump(upload: transfer)
        case .downloadChunk(let transfer, let request):
            guard let download = downloads[transfer] else { return }
            switch message {
            case .data(_, let data):
                if data.readableBytes > 0 { download.pieces[request.offset] = data }
                download.pipeline.received(request, count: data.readableBytes)
            case .status(_, let code, _, _) where code == .eof:
                download.pipeline.reachedEnd(request)
            default:
                download.pipeline.failed(Self.error(from: message, path: download.path))
            }
            pump(download: transfer)
        }
    }

    /// The error a response stands for when it is not the expected one.
    static func error(from message: SFTPMessage, path: String?) -> SFTPError {
        if case .status(_, let code, let text, _) = message { return .status(code, message: text, path: path) }
        return .protocolError("unexpected \(message.typeName) response")
    }

    private func checkTimers() {
        guard closedError == nil else { return }
        let now = NIODeadline.now()
        if !pending.isEmpty {
            if now - lastProgress > timing.requestTimeout {
                act(machine.channelClosed(.timeout("no answer from the SFTP server in \(timing.requestTimeout)")))
            }
        } else if let keepAlive = timing.keepAliveInterval, now - lastProgress > keepAlive {
            // Nothing in flight for a while: a cheap request keeps NATs open and finds a dead peer.
            guard let message = try? machine.startRequest({ .realpath(id: $0, path: ".") }), let id = message.id else { return }
            pending[id] = .keepAlive
            lastProgress = now
            write(message)
            context?.flush()
        }
    }

    // MARK: Requests

    /// Sends one request; the future has the server's response (a STATUS included).
    func send(_ make: (UInt32) -> SFTPMessage) -> EventLoopFuture<SFTPMessage> {
        let promise = readyPromise.futureResult.eventLoop.makePromise(of: SFTPMessage.self)
        do {
            let message = try machine.startRequest(make)
            if pending.isEmpty { lastProgress = .now() }
            pending[message.id!] = .request(promise)
            write(message)
            context?.flush()
        } catch {
            promise.fail(error)
        }
        return promise.futureResult
    }

    /// Writes `data` to the open `handle` from offset 0, `chunkSize` bytes per WRITE with up to
    /// `maxInFlight` WRITEs outstanding; succeeds when every WRITE was answered OK.
    func upload(handle: ByteBuffer, data: ByteBuffer, path: String, chunkSize: Int, maxInFlight: Int) -> EventLoopFuture<Void> {
        let promise = readyPromise.futureResult.eventLoop.makePromise(of: Void.self)
        if let closedError {
            promise.fail(closedError)
            return promise.futureResult
        }
        let id = nextTransferID
        nextTransferID += 1
        uploads[id] = Upload(
            pipeline: SFTPWritePipeline(totalBytes: data.readableBytes, chunkSize: chunkSize, maxInFlight: maxInFlight),
            handle: handle, data: data, path: path, promise: promise)
        pump(upload: id)
        return promise.futureResult
    }

    private func pump(upload id: Int) {
        guard let upload = uploads[id] else { return }
        let chunks = upload.pipeline.nextChunks()
        for chunk in chunks {
            let slice = upload.data.getSlice(at: upload.data.readerIndex + chunk.lowerBound, length: chunk.count)!
            do {
                let message = try machine.startRequest { .write(id: $0, handle: upload.handle, offset: UInt64(chunk.lowerBound), data: slice) }
                if pending.isEmpty { lastProgress = .now() }
                pending[message.id!] = .uploadChunk(id)
                write(message)
            } catch {
                upload.pipeline.chunkCompleted(error)
            }
        }
        if !chunks.isEmpty { context?.flush() }
        if upload.pipeline.isFinished {
            uploads[id] = nil
            if let failure = upload.pipeline.failure { upload.promise.fail(failure) } else { upload.promise.succeed(()) }
        }
    }

    /// Reads the open `handle` to its end, `chunkSize` bytes per READ with up to `maxInFlight`
    /// READs outstanding.
    func download(handle: ByteBuffer, path: String, expectedSize: UInt64?, chunkSize: Int, maxInFlight: Int) -> EventLoopFuture<ByteBuffer> {
        let promise = readyPromise.futureResult.eventLoop.makePromise(of: ByteBuffer.self)
        if let closedError {
            promise.fail(closedError)
            return promise.futureResult
        }
        let id = nextTransferID
        nextTransferID += 1
        downloads[id] = Download(
            pipeline: SFTPReadPipeline(chunkSize: chunkSize, maxInFlight: maxInFlight, expectedSize: expectedSize),
            handle: handle, path: path, promise: promise)
        pump(download: id)
        return promise.futureResult
    }

    private func pump(download id: Int) {
        guard let download = downloads[id] else { return }
        let reads = download.pipeline.nextReads()
        for read in reads {
            do {
                let message = try machine.startRequest { .read(id: $0, handle: download.handle, offset: read.offset, length: read.length) }
                if pending.isEmpty { lastProgress = .now() }
                pending[message.id!] = .downloadChunk(id, read)
                write(message)
            } catch {
                download.pipeline.failed(error)
            }
        }
        if !reads.isEmpty { context?.flush() }
        guard download.pipeline.isFinished else { return }
        downloads[id] = nil
        if let failure = download.pipeline.failure {
            download.promise.fail(failure)
            return
        }
        // Join the pieces in offset order; each must start where the last ended.
        let end = download.pipeline.endOffset ?? 0
        var result = ByteBufferAllocator().buffer(capacity: Int(end))
        var offset: UInt64 = 0
        for key in download.pieces.keys.sorted() where key < end {
            guard key == offset, var piece = download.pieces[key] else {
                download.promise.fail(SFTPError.protocolError("the server's READ answers left a gap at offset \(offset)"))
                return
            }
            offset += UInt64(piece.readableBytes)
            result.writeBuffer(&piece)
        }
        guard offset == end else {
            download.promise.fail(SFTPError.protocolError("the server's READ answers left a gap at offset \(offset)"))
            return
        }
        download.promise.succeed(result)
    }
}

extension SFTPMessage {
    /// Room to allocate for the encoded packet.
    var encodedSizeHint: Int {
        if case .write(_, let handle, _, let data) = self { return 32 + handle.readableBytes + data.readableBytes }
        return 256
    }
}
