import Foundation

/// Fault injection for the crash-safety tests: with `CPARD_CRASH_AT=<name>` in the environment, the process kills
/// itself with SIGKILL when it reaches that point — exactly what a power cut or `kill -9` there would do.
/// Unset in production; reading it costs one string comparison per point.
enum CrashPoint {
    static let armed = ProcessInfo.processInfo.environment["CPARD_CRASH_AT"]

    static func hit(_ name: String) {
        if armed == name { kill(getpid(), SIGKILL) }
    }
}
