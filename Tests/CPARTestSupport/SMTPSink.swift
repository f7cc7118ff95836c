import Foundation

/// `tools/smtp-sink/smtp_sink.py` on 127.0.0.1: stores every message it receives.
public final class SMTPSink: @unchecked Sendable {
    /// The temp dir the sink writes to (kept alive as long as the sink).
    public let dir: TempDirectory
    public let helper: BackgroundHelper
    public let port: Int
    public let outDir: String

    public init(in dir: TempDirectory) throws {
        self.dir = dir
        outDir = dir.file("smtp-out")
        helper = try BackgroundHelper(tool: "smtp-sink/smtp_sink.py", arguments: ["--port", "0", "--out", outDir],
                                      portFile: dir.file("smtp.port"), logPath: dir.file("smtp.log"))
        port = helper.port
    }

    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// The stored raw message number `n` (from 1).
    public func message(_ n: Int) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(outDir)/\(n).eml")))
    }

    /// The entries of `messages.jsonl`, oldest first.
    public func index() throws -> [[String: Any]] {
        let path = outDir + "/messages.jsonl"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    public func stop() { helper.stop() }

    /// Stops the helper before the directory it writes to can go.
    deinit { helper.stop() }
}
