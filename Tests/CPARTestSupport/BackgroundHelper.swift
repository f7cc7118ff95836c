import Foundation

/// A Python helper server from `tools/` (the registry simulator, the SMTP sink) on 127.0.0.1. It is always
/// terminated: by `stop()`, on deinit, and by itself when this process exits (`--parent-pid`).
public final class BackgroundHelper: @unchecked Sendable {
    public let process: TestProcess
    /// The port the helper listens on, read from its `--port-file`.
    public let port: Int

    /// Starts `python3 tools/<tool> ARGUMENTS --port-file PORTFILE --parent-pid PID` and waits for the port file.
    public init(tool: String, arguments: [String], portFile: String, logPath: String,
                timeout: TimeInterval = 30) throws {
        process = try TestProcess("/usr/bin/env", ["python3", PackageRoot.tool(tool)] + arguments
                                      + ["--port-file", portFile, "--parent-pid", String(getpid())],
                                  logPath: logPath)
        port = try Self.waitForPort(in: portFile, of: process, timeout: timeout)
    }

    public func stop() { process.stop() }

    /// The port file is written atomically once the helper listens; fails early if the helper exits.
    private static func waitForPort(in portFile: String, of process: TestProcess,
                                    timeout: TimeInterval) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
               let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return port }
            if !process.isRunning { throw TestSetupError("no port file \(portFile): " + process.exitDescription) }
            usleep(20_000)
        }
        throw TestSetupError("timed out waiting for \(portFile):\n\(process.log)")
    }
}
