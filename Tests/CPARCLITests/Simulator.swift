import Foundation
import Testing

/// Test certificates made once per test run by tools/certs/make-certs.sh (openssl).
enum TestCertificates {
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("cpard-certs-\(getpid())")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [Harness.repoRoot.appendingPathComponent("tools/certs/make-certs.sh").path, d.path]
        try! p.run()
        p.waitUntilExit()
        precondition(p.terminationStatus == 0, "make-certs.sh failed")
        return d
    }()

    static func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
}

/// A background helper process (the registry simulator or the SMTP sink) that is always terminated.
final class Background {
    let process = Process()
    let portFile: URL

    init(script: String, arguments: [String], portFile: URL) throws {
        self.portFile = portFile
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Harness.repoRoot.appendingPathComponent(script).path]
            + arguments + ["--port-file", portFile.path, "--parent-pid", String(getpid())]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func port(timeout: TimeInterval = 20) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
               let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return port }
            usleep(50_000)
        }
        throw CocoaError(.fileReadNoSuchFile)
    }

    func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }
}

/// The registry simulator over mutual TLS on 127.0.0.1, with a faults file the test rewrites.
final class RegistrySimulator {
    let dir: URL
    let background: Background
    let port: Int

    init(in parent: URL, faults: [String: Any] = [:], serverCert: String = "server") throws {
        dir = parent.appendingPathComponent("sim")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let faultsFile = dir.appendingPathComponent("faults.json")
        background = try Background(script: "tools/registry-sim/registry_sim.py", arguments: [
            "--cert", TestCertificates.path("\(serverCert).pem"), "--key", TestCertificates.path("\(serverCert).key"),
            "--client-ca", TestCertificates.path("ca.pem"), "--record-dir", dir.path,
            "--xsd", Harness.repoRoot.appendingPathComponent("schema/cpar-submission.xsd").path,
            "--faults", faultsFile.path,
        ], portFile: dir.appendingPathComponent("port"))
        port = try background.port()
        try setFaults(faults)
    }

    var url: String { "https://127.0.0.1:\(port)/submissions" }

    /// cpard.conf lines that point at this simulator with the test client certificate.
    var configLines: String {
        """
        registry.url = \(url)
        registry.client_cert = \(TestCertificates.path("client.pem"))
        registry.client_key = \(TestCertificates.path("client.key"))
        registry.ca_file = \(TestCertificates.path("ca.pem"))
        registry.poll_interval = 1s
        registry.timeout = 10s
        registry.connect_timeout = 5s
        retry.min_backoff = 1s
        retry.max_backoff = 2s
        """
    }

    func setFaults(_ faults: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: faults)
        let tmp = dir.appendingPathComponent(".faults.tmp")
        try data.write(to: tmp)
        _ = rename(tmp.path, dir.appendingPathComponent("faults.json").path)
    }

    /// Every request the simulator recorded.
    func requests() -> [[String: Any]] {
        guard let text = try? String(contentsOf: dir.appendingPathComponent("requests.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    var posts: [[String: Any]] { requests().filter { $0["method"] as? String == "POST" } }

    func stop() { background.stop() }
}
