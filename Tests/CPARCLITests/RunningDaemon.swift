import CPARTestSupport
import Foundation

/// `cpard` running in the foreground as systemd would run it, its output captured to a log file.
final class RunningDaemon {
    let child: TestProcess

    init(_ h: Harness, notify: NotifySocket?, environment: [String: String] = [:]) throws {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NOTIFY_SOCKET")
        env.removeValue(forKey: "JOURNAL_STREAM")
        if let notify { env["NOTIFY_SOCKET"] = notify.path }
        for (k, v) in environment { env[k] = v }
        child = try TestProcess(Harness.binDir.appendingPathComponent("cpard").path, ["--config", h.config],
                                environment: env,
                                logPath: h.dir.appendingPathComponent("cpard-\(UUID().uuidString.prefix(8)).log").path)
    }

    var process: Process { child.process }
    var output: String { child.log }

    func signal(_ sig: Int32) { kill(child.pid, sig) }

    /// Waits until the log contains `text`.
    @discardableResult
    func waitForLog(_ text: String, timeout: TimeInterval = 20) -> Bool { child.waitForLog(text, timeout: timeout) }

    /// Waits for exit; returns false on timeout.
    func waitForExit(timeout: TimeInterval) -> Bool { child.waitForExit(timeout: timeout) }

    func stop() { child.stop() }
}
