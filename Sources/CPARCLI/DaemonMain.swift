import Foundation
import CPARCore
import CPARService

/// `cpard [--config PATH] [--once]`: the service in the foreground, or one pass for tests and timer-only hosts.
public enum DaemonMain {
    public static let usage = "usage: cpard [--config PATH] [--once] [--check-config] [--version]"

    public static func run(_ arguments: [String]) -> Int32 {
        // A closed pipe (`| head`) must surface as a write error, not kill the process mid-transaction.
        signal(SIGPIPE, SIG_IGN)
        // SIGABRT (what systemd's watchdog sends) ends cpard at once: the Swift runtime's crash handler would try to
        // start its backtracer, which cannot run under MemoryDenyWriteExecute=, and then carry on. The unit also
        // sets SWIFT_BACKTRACE=enable=no; this covers cpard run by hand or by another supervisor.
        signal(SIGABRT, SIG_DFL)
        // Start from a clean signal mask whatever the parent left us; the service blocks its own signals later.
        var empty = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, nil)
        let args: Arguments
        do {
            args = try Arguments(arguments, spec: OptionSpec(flags: ["once", "check-config", "help", "version"]))
        } catch {
            FileHandle.standardError.write(Data("cpard: \(error)\n\(usage)\n".utf8))
            return ExitStatus.usage.rawValue
        }
        if args.has("help") { print(usage); return 0 }
        if args.has("version") { print("cpard \(CPARVersion.string)"); return 0 }
        let path = ConfigLoader.path(explicit: try? args.value("config"))
        let log = Logger()
        let config: Config
        do {
            config = try ConfigLoader.load(path: path)
        } catch {
            log.error("config.invalid", ["error": "\(error)"])
            return ExitStatus.usage.rawValue
        }
        log.level = config.logLevel
        if args.has("check-config") {
            let check = ConfigCheck(config: config)
            for warning in check.warnings { FileHandle.standardError.write(Data("cpard: warning: \(warning)\n".utf8)) }
            guard check.problems.isEmpty else {
                for problem in check.problems { FileHandle.standardError.write(Data("cpard: \(problem)\n".utf8)) }
                FileHandle.standardError.write(Data("cpard: configuration \(path) has \(check.problems.count) problem(s)\n".utf8))
                return ExitStatus.usage.rawValue
            }
            print("configuration OK: \(path)")
            return 0
        }
        if args.has("once") {
            do {
                let runtime = try Runtime(config: config, log: log)
                _ = try runtime.recover()
                try runtime.pass(pollAllPending: true)
                log.info("service.pass_done", ["queue": try runtime.queueSummary()])
                return 0
            } catch let held as InstanceLock.Held {
                // Not a failure of cpard: the running one does the passes. Its own event, so no alert fires on it.
                log.warning("service.locked", ["path": held.path, "message": "\(held)"])
                return ExitStatus.problems.rawValue
            } catch {
                log.error("service.pass_failed", ["error": "\(error)"])
                return ExitStatus.problems.rawValue
            }
        }
        Daemon.blockSignals()
        do {
            return try Daemon(configPath: path, config: config, log: log).run()
        } catch {
            log.error("service.start_failed", ["error": "\(error)"])
            return ExitStatus.problems.rawValue
        }
    }
}
