import Foundation
import CPARCore
import CPARStore

/// Takes `*.request` files from `spool/incoming/` into the store (SPEC §10). Dotfiles are ignored (writers write a
/// dotfile, then rename). A file is first renamed into `spool/active/`, then its requests are committed, then it is
/// deleted; a bad one (symlink, not a regular file, too large, not UTF-8, malformed, unknown panel) moves to
/// `spool/rejected/` with a `<name>.reason` file beside it. Files left in `active/` by a crash are taken again at the
/// next scan: a repeated request is a no-op while its panel is Queued or Pending.
public final class SpoolIntake {
    let config: Config
    let store: StateStore
    let engine: SubmissionEngine
    let log: Logger

    public init(config: Config, store: StateStore, engine: SubmissionEngine, log: Logger) {
        self.config = config
        self.store = store
        self.engine = engine
        self.log = log
    }

    var activeDir: String { config.spoolDir + "/active" }

    public func prepareDirectories() throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: config.incomingDir, withIntermediateDirectories: true)
        for dir in [config.rejectedDir, activeDir] {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        }
    }

    /// Takes every request waiting in the spool. Returns (taken, rejected).
    @discardableResult
    public func scan() throws -> (taken: Int, rejected: Int) {
        try prepareDirectories()
        var taken = 0, rejected = 0
        // Leftovers of an interrupted scan first, in the same pass and before anything is sent: their panels are
        // still Queued, so taking them again is a no-op.
        for name in try listing(activeDir) {
            count(process(name, in: activeDir), &taken, &rejected)
        }
        for name in try listing(config.incomingDir) {
            guard name.hasSuffix(".request") else { continue }
            let from = config.incomingDir + "/" + name
            var st = stat()
            guard lstat(from, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) != S_IFREG {
                reject(name, in: config.incomingDir, why: (st.st_mode & S_IFMT) == S_IFLNK ? "is a symbolic link" : "is not a regular file")
                rejected += 1
                continue
            }
            guard rename(from, activeDir + "/" + name) == 0 else { continue }
            count(process(name, in: activeDir), &taken, &rejected)
        }
        return (taken, rejected)
    }

    private func count(_ outcome: Bool?, _ taken: inout Int, _ rejected: inout Int) {
        switch outcome {
        case true?: taken += 1
        case false?: rejected += 1
        case nil: break
        }
    }

    private func listing(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Reads, validates and commits one request file: true when taken, false when rejected, nil when left for the
    /// next scan (the store failed).
    private func process(_ name: String, in dir: String) -> Bool? {
        let path = dir + "/" + name
        do {
            let text = try readRequest(path)
            let request = try SpoolRequest.parse(text)
            let panels: [Panel]
            switch request.target {
            case .all: panels = try store.panels().filter(\.cparEnabled)
            case .panel(let label):
                guard let p = try store.findPanel(label) else { throw SpoolRequest.Invalid(description: "no panel '\(label)'") }
                panels = [p]
            }
            // All of a file's requests in one transaction: a file is taken whole or not at all.
            try store.transaction {
                for panel in panels {
                    _ = try engine.request(panel: panel, trigger: .manual, requestedBy: request.requestedBy ?? "spool:\(name)",
                                           reason: request.reason)
                }
            }
            CrashPoint.hit("spool-committed")
            unlink(path)
            log.info("spool.taken", ["file": name, "panels": panels.count])
            return true
        } catch let e as SpoolRequest.Invalid {
            reject(name, in: dir, why: e.description)
            return false
        } catch let e as SubmissionEngine.RequestRefused {
            reject(name, in: dir, why: e.description)
            return false
        } catch {
            // The store failed: leave the file where it is for the next scan.
            log.error("spool.error", ["file": name, "error": "\(error)"])
            return nil
        }
    }

    private func readRequest(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw SpoolRequest.Invalid(description: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw SpoolRequest.Invalid(description: "is not a regular file")
        }
        guard st.st_size <= SpoolRequest.maximumSize else {
            throw SpoolRequest.Invalid(description: "is larger than \(SpoolRequest.maximumSize) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n == bytes.count, let text = String(validating: bytes, as: UTF8.self) else {
            throw SpoolRequest.Invalid(description: "is not readable UTF-8 text")
        }
        return text
    }

    private func reject(_ name: String, in dir: String, why: String) {
        var target = config.rejectedDir + "/" + name
        if FileManager.default.fileExists(atPath: target) { target += ".\(Int(Date().timeIntervalSince1970))-\(getpid())" }
        guard rename(dir + "/" + name, target) == 0 else {
            log.error("spool.error", ["file": name, "error": "cannot move to rejected/: \(String(cString: strerror(errno)))"])
            return
        }
        let reason = "\(name): \(why)\n"
        _ = FileManager.default.createFile(atPath: target + ".reason", contents: Data(reason.utf8),
                                       attributes: [.posixPermissions: 0o640])
        log.warning("spool.rejected", ["file": name, "reason": why])
    }
}
