import Foundation

/// A long-running child for integration tests: stdout and stderr go to a log file, the child starts with an
/// empty signal mask, and `stop()` (also run on deinit) terminates it and waits.
public final class TestProcess: @unchecked Sendable {
    public let process = Process()
    public let logPath: String
    private let command: String

    /// Starts `executable` (a path) with `arguments`; `environment` nil inherits this process's environment.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                logPath: String) throws {
        self.logPath = logPath
        command = ([executable] + arguments).joined(separator: " ")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw TestSetupError("cannot open \(logPath)") }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.runWithEmptySignalMask()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// Everything the child wrote so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log contains `text`; false on timeout.
    @discardableResult
    public func waitForLog(_ text: String, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.contains(text) { return true }
            usleep(50_000)
        }
        return false
    }

    /// Waits for the child to exit; false on timeout.
    public func waitForExit(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return !process.isRunning
    }

    /// Why the child is gone, with its log, for setup errors.
    public var exitDescription: String { "\(command) exited (\(process.terminationStatus)):\n\(log)" }

    /// SIGTERM, then SIGKILL after 10 s; waits for the exit.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        if !waitForExit(timeout: 10) { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
