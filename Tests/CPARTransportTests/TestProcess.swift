import Foundation

/// A child process for integration tests: output goes to a log file, and `stop()` (also run on deinit)
/// terminates it and waits.
///
/// The child is started through a tiny Python trampoline that clears the signal mask before exec: Foundation's
/// `Process` passes on the mask of the spawning thread, and test threads (Dispatch workers) block SIGTERM,
/// which would make the child ignore `terminate()`.
final class TestProcess: @unchecked Sendable {
    private static let trampoline =
        "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp(sys.argv[1], sys.argv[1:])"

    let process = Process()
    let logPath: String
    let arguments: [String]

    init(_ arguments: [String], logPath: String) throws {
        self.logPath = logPath
        self.arguments = arguments
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw TestSetupError("cannot open \(logPath)") }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.trampoline] + arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until `path` exists and is non-empty; fails early if the process exits.
    func waitForFile(_ path: String, timeoutSeconds: Double = 30) throws -> String {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty { return text }
            if !process.isRunning {
                throw TestSetupError("\(arguments.joined(separator: " ")) exited "
                                     + "(\(process.terminationStatus)) before writing \(path):\n\(log)")
            }
            usleep(20_000)
        }
        throw TestSetupError("timed out waiting for \(path):\n\(log)")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
