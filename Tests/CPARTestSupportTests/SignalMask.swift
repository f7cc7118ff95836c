import Foundation

/// Runs `body` with `signals` blocked on the calling thread, as on a Dispatch worker, then restores the mask.
func withBlockedSignals<T>(_ signals: [Int32] = [SIGTERM, SIGINT, SIGHUP], _ body: () throws -> T) rethrows -> T {
    var block = sigset_t(), saved = sigset_t()
    sigemptyset(&block)
    for s in signals { sigaddset(&block, s) }
    pthread_sigmask(SIG_BLOCK, &block, &saved)
    defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
    return try body()
}

/// The `SigBlk` line of a process's `/proc/<pid>/status`.
func blockedSignalsLine(_ status: String) -> String? {
    status.split(separator: "\n").first { $0.hasPrefix("SigBlk:") }.map(String.init)
}
