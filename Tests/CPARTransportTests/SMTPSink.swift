import Foundation

/// `tools/smtp-sink/smtp_sink.py` on 127.0.0.1.
final class SMTPSink: @unchecked Sendable {
    let process: TestProcess
    let port: Int
    let outDir: String

    init(in dir: TempDirectory) throws {
        outDir = dir.file("smtp-out")
        let portFile = dir.file("smtp.port")
        process = try TestProcess(["python3", PackageRoot.tool("smtp-sink/smtp_sink.py"), "--port", "0",
                                   "--port-file", portFile, "--out", outDir,
                                   "--parent-pid", String(ProcessInfo.processInfo.processIdentifier)],
                                  logPath: dir.file("smtp.log"))
        let text = try process.waitForFile(portFile)
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestSetupError("bad port file: \(text)")
        }
        self.port = port
    }

    var url: String { "smtp://127.0.0.1:\(port)" }

    /// The stored raw message number `n` (from 1).
    func message(_ n: Int) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(outDir)/\(n).eml")))
    }

    func index() throws -> [[String: Any]] {
        let path = outDir + "/messages.jsonl"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func stop() { process.stop() }
}
