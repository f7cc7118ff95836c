import Foundation

/// `tools/registry-sim/registry_sim.py` on 127.0.0.1 (mutual TLS unless told otherwise).
final class Simulator: @unchecked Sendable {
    enum ServerCertificate { case valid, expired }

    let dir: TempDirectory
    let process: TestProcess
    let port: Int
    let faultsPath: String
    let recordDir: String
    let baseURL: String

    init(certificates certs: TestCertificates, in dir: TempDirectory, mutualTLS: Bool = true,
         serverCertificate: ServerCertificate = .valid, token: String? = nil, insecureHTTP: Bool = false,
         faults: String? = nil) throws {
        self.dir = dir
        let name = UUID().uuidString.prefix(8)
        recordDir = dir.file("sim-\(name)")
        faultsPath = dir.file("faults-\(name).json")
        let portFile = dir.file("sim-\(name).port")
        var args = ["python3", PackageRoot.tool("registry-sim/registry_sim.py"), "--port", "0",
                    "--port-file", portFile, "--record-dir", recordDir, "--faults", faultsPath,
                    "--parent-pid", String(ProcessInfo.processInfo.processIdentifier)]
        if insecureHTTP {
            args.append("--insecure-http")
        } else {
            let server = serverCertificate == .valid ? "server" : "expired-server"
            args += ["--cert", certs.path("\(server).pem"), "--key", certs.path("\(server).key")]
            if mutualTLS { args += ["--client-ca", certs.path("ca.pem")] }
        }
        if let token { args += ["--token", token] }
        if let faults { try Simulator.writeAtomically(faults, to: faultsPath) }
        process = try TestProcess(args, logPath: dir.file("sim-\(name).log"))
        let text = try process.waitForFile(portFile)
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestSetupError("bad port file: \(text)")
        }
        self.port = port
        baseURL = "\(insecureHTTP ? "http" : "https")://127.0.0.1:\(port)/submissions"
    }

    /// Replaces the faults file (atomically, as the simulator re-reads it on every request).
    func setFaults(_ json: String) throws { try Simulator.writeAtomically(json, to: faultsPath) }

    /// The recorded requests (`requests.jsonl`), oldest first.
    func requests() throws -> [[String: Any]] {
        let path = recordDir + "/requests.jsonl"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            guard let object = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
                throw TestSetupError("requests.jsonl: not an object")
            }
            return object
        }
    }

    func stop() { process.stop() }

    static func writeAtomically(_ text: String, to path: String) throws {
        let tmp = path + ".tmp"
        try text.write(toFile: tmp, atomically: false, encoding: .utf8)
        guard rename(tmp, path) == 0 else { throw TestSetupError("rename \(tmp) failed") }
    }
}
