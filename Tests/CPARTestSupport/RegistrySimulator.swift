import Foundation

/// `tools/registry-sim/registry_sim.py` on 127.0.0.1 with the shared test certificates (mutual TLS unless told
/// otherwise). Its directory holds the faults file (re-read on every request), `requests.jsonl` and `bodies/`.
public final class RegistrySimulator: @unchecked Sendable {
    public enum ServerCertificate: Sendable { case valid, expired }

    /// The temp dir the simulator's directory is in (kept alive as long as the simulator).
    public let parent: TempDirectory
    /// The record directory: `requests.jsonl`, `bodies/<n>.xml`, the faults file, port file and log.
    public let recordDir: String
    public let faultsPath: String
    public let certificates: TestCertificates
    public let helper: BackgroundHelper
    public let port: Int
    /// The submissions endpoint, e.g. `https://127.0.0.1:PORT/submissions`.
    public let baseURL: String

    /// Starts a simulator in a new directory under `parent`. `checkSchema` makes it validate every POSTed body
    /// against the shipped XSD; `faults` (JSON) is written before it starts.
    public init(in parent: TempDirectory, mutualTLS: Bool = true, serverCertificate: ServerCertificate = .valid,
                token: String? = nil, insecureHTTP: Bool = false, checkSchema: Bool = false,
                faults: String? = nil) throws {
        self.parent = parent
        certificates = try TestCertificates.shared()
        recordDir = parent.file("sim-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: recordDir, withIntermediateDirectories: true)
        faultsPath = recordDir + "/faults.json"
        var args = ["--port", "0", "--record-dir", recordDir, "--faults", faultsPath]
        if insecureHTTP {
            args.append("--insecure-http")
        } else {
            let server = serverCertificate == .valid ? "server" : "expired-server"
            args += ["--cert", certificates.path("\(server).pem"), "--key", certificates.path("\(server).key")]
            if mutualTLS { args += ["--client-ca", certificates.path("ca.pem")] }
        }
        if let token { args += ["--token", token] }
        if checkSchema { args += ["--xsd", PackageRoot.submissionSchema] }
        if let faults { try Self.writeAtomically(faults, to: faultsPath) }
        helper = try BackgroundHelper(tool: "registry-sim/registry_sim.py", arguments: args,
                                      portFile: recordDir + "/port", logPath: recordDir + "/sim.log")
        port = helper.port
        baseURL = "\(insecureHTTP ? "http" : "https")://127.0.0.1:\(port)/submissions"
    }

    /// cpard.conf lines that point at this simulator with the test client certificate.
    public var configLines: String {
        """
        registry.url = \(baseURL)
        registry.client_cert = \(certificates.path("client.pem"))
        registry.client_key = \(certificates.path("client.key"))
        registry.ca_file = \(certificates.path("ca.pem"))
        registry.poll_interval = 1s
        registry.timeout = 10s
        registry.connect_timeout = 5s
        retry.min_backoff = 1s
        retry.max_backoff = 2s
        """
    }

    /// Replaces the faults file (atomically, as the simulator re-reads it on every request).
    public func setFaults(_ json: String) throws { try Self.writeAtomically(json, to: faultsPath) }

    public func setFaults(_ faults: [String: Any]) throws {
        try setFaults(String(decoding: try JSONSerialization.data(withJSONObject: faults), as: UTF8.self))
    }

    /// The recorded requests (`requests.jsonl`), oldest first; a line still being written is left out.
    public func requests() throws -> [[String: Any]] {
        let path = recordDir + "/requests.jsonl"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n", omittingEmptySubsequences: true)
            .dropLast(text.hasSuffix("\n") || text.isEmpty ? 0 : 1)
            .map {
                guard let object = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
                    throw TestSetupError("requests.jsonl: not an object")
                }
                return object
            }
    }

    /// The recorded POSTs, oldest first (none when `requests.jsonl` cannot be read).
    public var posts: [[String: Any]] {
        ((try? requests()) ?? []).filter { $0["method"] as? String == "POST" }
    }

    public func stop() { helper.stop() }

    /// Stops the helper before the directory it writes to can go.
    deinit { helper.stop() }

    private static func writeAtomically(_ text: String, to path: String) throws {
        let tmp = path + ".tmp"
        try text.write(toFile: tmp, atomically: false, encoding: .utf8)
        guard rename(tmp, path) == 0 else { throw TestSetupError("rename \(tmp) failed") }
    }
}
