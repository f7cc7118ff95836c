import Foundation

/// A fake systemd notification socket: a bound AF_UNIX datagram socket collecting sd_notify messages.
final class NotifySocket {
    let path: String
    private let fd: Int32

    init(in dir: URL) throws {
        path = dir.appendingPathComponent("notify.sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0 else { throw POSIXError(.EADDRINUSE) }
        var tv = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd); unlink(path) }

    /// Messages received until `predicate` holds for one of them or `timeout` passes; returns all received.
    func wait(timeout: TimeInterval, until predicate: (String) -> Bool) -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { continue }
            let message = String(decoding: buffer[..<n], as: UTF8.self)
            messages.append(message)
            if predicate(message) { break }
        }
        return messages
    }
}

/// `cpard` running in the foreground as systemd would run it, with stderr captured to a file.
final class RunningDaemon {
    let process = Process()
    let log: URL

    init(_ h: Harness, notify: NotifySocket?, environment: [String: String] = [:]) throws {
        log = h.dir.appendingPathComponent("cpard-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = Harness.binDir.appendingPathComponent("cpard")
        process.arguments = ["--config", h.config]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NOTIFY_SOCKET")
        env.removeValue(forKey: "JOURNAL_STREAM")
        if let notify { env["NOTIFY_SOCKET"] = notify.path }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func signal(_ sig: Int32) { kill(pid, sig) }

    /// Waits until the log contains `text`.
    @discardableResult
    func waitForLog(_ text: String, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.contains(text) { return true }
            usleep(50_000)
        }
        return false
    }

    /// Waits for exit; returns false on timeout.
    func waitForExit(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return !process.isRunning
    }

    func stop() {
        if process.isRunning { process.terminate(); _ = waitForExit(timeout: 10) }
        if process.isRunning { kill(pid, SIGKILL) }
    }
}
