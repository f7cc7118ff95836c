import Foundation

extension Process {
    /// `run()` with an empty signal mask for the child.
    ///
    /// Foundation's `Process` passes on the signal mask of the spawning thread, and test threads (Dispatch
    /// workers) block SIGTERM and friends, so a child would ignore `terminate()`. The calling thread's mask is
    /// cleared just for the spawn and then restored.
    public func runWithEmptySignalMask() throws {
        var empty = sigset_t(), saved = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        try run()
    }
}
