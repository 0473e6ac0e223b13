import NIOCore

/// Runs a task's jobs on one event loop (SE-0417 task executor preference).
///
/// A session's send loop prefers its channel's event loop: a reply the loop reads resumes the
/// waiting session on that same thread, and the session's writes run there without a hop back.
/// On the global pool every pipelined message cost two cross-thread wake-ups (the write handed
/// to the loop, the reply handed back), about a tenth of the email path's CPU.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: the only stored property is an immutable, thread-safe `EventLoop`.
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
