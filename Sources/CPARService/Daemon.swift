import Foundation
import CPARCore
import CPARSystem

/// `cpard` in the foreground under systemd (`Type=notify`): recovery, then READY=1; a pass whenever work is due,
/// a signal arrives, or the spool rescan interval passes; SIGUSR1 re-queues Failed panels, SIGHUP reloads the
/// configuration, SIGUSR2 just wakes it (the `.path` unit and `cparctl submit` use it), SIGTERM/SIGINT stop it.
// @unchecked: `runtime` and `watchdogTimer` belong to the thread in `run`; other threads touch only lets and `lock`'s fields.
public final class Daemon: @unchecked Sendable {
    private let configPath: String
    private let log: Logger
    private let notifier: SystemdNotifier
    private var runtime: Runtime
    private let wake = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var pendingSignals: Set<Int32> = []
    private var heartbeat = Date()

    /// Seconds to wait after a pass that failed before the next one.
    static let failureBackoff: Int64 = 30
    private var stopRequested = false
    private var shutdownTimeout: Int
    /// Fixed for the life of the process (a reload may not change it): it holds the database, lock and PID file.
    private let stateDir: String

    public init(configPath: String, config: Config, log: Logger, notifier: SystemdNotifier = SystemdNotifier()) throws {
        self.configPath = configPath
        self.log = log
        self.notifier = notifier
        shutdownTimeout = config.shutdownTimeout
        stateDir = config.stateDir
        runtime = try Runtime(config: config, log: log)
        wire(runtime.engine)
    }

    /// Lets a long pass stop between submissions on SIGTERM and show the watchdog it is alive.
    private func wire(_ engine: SubmissionEngine) {
        engine.shouldContinue = { [unowned self] in !lock.withLock { stopRequested } }
        engine.onProgress = { [unowned self] in touch() }
    }

    /// Runs until SIGTERM or SIGINT. Returns the exit status.
    public func run() -> Int32 {
        installSignals()
        do {
            let recovered = try runtime.recover()
            writePIDFile()
            notifier.ready(status: try runtime.queueSummary())
            log.notice("service.ready", ["queued": recovered.queued, "pending": recovered.pending, "pid": getpid()])
            raiseFromInsideIfAsked()
        } catch {
            log.error("service.start_failed", ["error": "\(error)"])
            return 1
        }
        startWatchdog()
        while true {
            let signals = takeSignals()
            if signals.contains(SIGTERM) || signals.contains(SIGINT) { break }
            if signals.contains(SIGHUP) { reload() }
            var failed = false
            do {
                if signals.contains(SIGUSR1) { try runtime.engine.requeueFailed() }
                try runtime.pass()
                notifier.status(try runtime.queueSummary())
            } catch {
                failed = true
                log.error("service.pass_failed", ["error": "\(error)"])
            }
            touch()
            let now = ServiceClock.now()   // the clock the due times were computed with
            let rescan = now + Int64(runtime.config.spoolRescanInterval)
            // After a failed pass, wait before trying again rather than spin on work that stays due.
            let earliest = now + (failed ? Daemon.failureBackoff : 1)
            let next = max(earliest, min(rescan, (try? runtime.nextWakeup()).flatMap { $0 } ?? rescan))
            if lock.withLock({ pendingSignals.isEmpty }) {
                _ = wake.wait(timeout: .now() + .seconds(Int(next - now)))
            }
        }
        notifier.stopping()
        log.notice("service.stopping", [:])
        Posix.unlinkQuietly(pidFilePath)
        return 0
    }

    static let handledSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2]

    /// Blocks the handled signals in the calling thread and every thread it starts later. Call first thing in
    /// `main`, before any other thread exists, so that only the `sigwait` thread ever receives them.
    public static func blockSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in handledSignals { sigaddset(&set, sig) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// A dedicated thread takes the blocked signals with `sigwaitinfo` and hands those sent from outside the process
    /// to the loop. A signal raised inside cpard (the Swift runtime's crash handler sends SIGUSR1 to every thread to
    /// pause it; a thread may `raise` or `kill(getpid())`) carries our own PID as its sender and is ignored: only an
    /// operator, systemd or another program may re-queue panels, reload or stop cpard. Signals the kernel sends
    /// (a terminal's ^C: `si_pid` 0) still count.
    private func installSignals() {
        Daemon.blockSignals()
        let started = DispatchSemaphore(value: 0)
        let thread = Thread { [weak self] in
            self?.signalThread = pthread_self()
            started.signal()
            var set = sigset_t()
            sigemptyset(&set)
            for sig in Daemon.handledSignals { sigaddset(&set, sig) }
            while true {
                var info = siginfo_t()
                let sig = sigwaitinfo(&set, &info)
                guard sig > 0 else { continue }
                guard let self else { return }
                if Daemon.isFromInside(code: info.si_code, sender: info._sifields._kill.si_pid) {
                    self.log.warning("service.signal_ignored", ["signal": Daemon.name(sig), "code": info.si_code,
                                                                "reason": "sent by cpard itself"])
                    continue
                }
                self.received(sig)
            }
        }
        thread.name = "cpard-signals"
        thread.start()
        started.wait()
    }
    private var signalThread: pthread_t?

    /// A signal whose sender is this process: SI_TKILL from `pthread_kill`/`tgkill`, or SI_USER/SI_QUEUE from
    /// `kill`/`sigqueue`, with our own PID as the sender. Other codes (the kernel's) carry no sender.
    static func isFromInside(code: Int32, sender: pid_t) -> Bool {
        [Int32(SI_USER), Int32(SI_QUEUE), Int32(SI_TKILL)].contains(code) && sender == getpid()
    }

    /// Fault injection for the tests (`CPARD_SELF_SIGNAL=USR1` or `USR2`): once ready, cpard sends itself the signal
    /// the way the Swift runtime's crash handler does (to the signal thread) and by `kill(getpid())`; both must be
    /// ignored. Unset in production.
    private func raiseFromInsideIfAsked() {
        guard let name = ProcessInfo.processInfo.environment["CPARD_SELF_SIGNAL"],
              let sig = Daemon.handledSignals.first(where: { Daemon.name($0) == name }), let thread = signalThread
        else { return }
        pthread_kill(thread, sig)
        kill(getpid(), sig)
    }

    private func received(_ sig: Int32) {
        lock.withLock { _ = pendingSignals.insert(sig) }
        log.info("service.signal", ["signal": Daemon.name(sig)])
        if sig == SIGTERM || sig == SIGINT {
            lock.withLock { stopRequested = true }
            armShutdownDeadline()
        }
        wake.signal()
    }

    /// A send in flight may hold the loop; after `shutdown_timeout` the process exits anyway. Every transition is
    /// its own transaction, so the state stays consistent and the in-flight attempt is re-sent under the same key.
    private func armShutdownDeadline() {
        let timeout = lock.withLock { shutdownTimeout }
        let pidFile = pidFilePath
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(timeout)) { [notifier, log] in
            log.warning("service.shutdown_timeout", ["seconds": timeout])
            notifier.stopping()
            Posix.unlinkQuietly(pidFile)
            // _exit: no atexit handlers or destructors while the main thread may be inside SQLite or libcurl.
            _exit(0)
        }
    }

    private func takeSignals() -> Set<Int32> {
        lock.withLock { defer { pendingSignals.removeAll() }; return pendingSignals }
    }

    private func reload() {
        do {
            let config = try ConfigLoader.load(path: configPath)
            // The state directory is fixed for the life of the process: it holds the database and the lock.
            guard config.stateDir == stateDir else {
                throw ConfigError(file: configPath, line: nil, message: "state.dir cannot change on reload; restart cpard")
            }
            let replacement = try Runtime(config: config, log: log, store: runtime.store, lock: runtime.instanceLock)
            wire(replacement.engine)
            runtime = replacement
            lock.withLock { shutdownTimeout = config.shutdownTimeout }
            log.level = config.logLevel
            log.notice("config.reloaded", ["path": configPath])
        } catch {
            log.error("config.reload_failed", ["path": configPath, "error": "\(error)", "action": "keeping the running configuration"])
        }
    }

    private func touch() { lock.withLock { heartbeat = Date() } }

    /// Pings the watchdog while the loop is alive; a send may legitimately take up to the registry timeouts.
    private func startWatchdog() {
        guard let interval = SystemdNotifier.watchdogInterval() else { return }
        let config = runtime.config
        let allowance = Double(config.connectTimeout + config.requestTimeout) * 2 + Double(config.spoolRescanInterval) + 60
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now(), repeating: interval / 2)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            if Date().timeIntervalSince(self.lock.withLock { self.heartbeat }) < allowance { self.notifier.watchdog() }
        }
        timer.resume()
        watchdogTimer = timer
    }
    private var watchdogTimer: DispatchSourceTimer?

    private let pidFileName = "cpard.pid"
    private var pidFilePath: String { stateDir + "/" + pidFileName }

    private func writePIDFile() {
        let path = pidFilePath
        _ = try? DurableFile.write("\(getpid())\n", to: path, mode: 0o644)
    }

    static func name(_ sig: Int32) -> String {
        switch sig {
        case SIGTERM: "TERM"
        case SIGINT: "INT"
        case SIGHUP: "HUP"
        case SIGUSR1: "USR1"
        case SIGUSR2: "USR2"
        default: "\(sig)"
        }
    }

    /// Nudges a running cpard (its PID file in `state.dir`) to work the queue now. Best effort, and only when a
    /// cpard holds the state directory's lock and the PID names a process called cpard: a stale PID file must never
    /// send SIGUSR2 (fatal by default) to some other process.
    public static func nudge(stateDir: String) {
        guard InstanceLock.isHeld(stateDir: stateDir),
              let text = try? String(contentsOfFile: stateDir + "/cpard.pid", encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
              let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
              comm.trimmingCharacters(in: .whitespacesAndNewlines) == "cpard" else { return }
        kill(pid, SIGUSR2)
    }
}
