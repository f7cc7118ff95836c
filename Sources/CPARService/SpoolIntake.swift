import Foundation
import CPARCore
import CPARStore
import CPARSystem

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

    /// Modes of the spool directories cpard creates, whatever the umask (an existing directory keeps its own):
    /// `incoming/` is group-writable so the people and tools allowed to drop requests can (packaging gives it 2770);
    /// `active/` and `rejected/` are cpard's, readable by the group.
    public static let incomingMode: mode_t = 0o770
    public static let privateMode: mode_t = 0o750

    public func prepareDirectories() throws {
        try Posix.makeDirectories(config.spoolDir, mode: Self.privateMode)
        try Posix.makeDirectory(config.incomingDir, mode: Self.incomingMode)
        for dir in [config.rejectedDir, activeDir] { try Posix.makeDirectory(dir, mode: Self.privateMode) }
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
            guard let st = try? Posix.lstat(from) else { continue }   // gone already (taken by another scan)
            if (st.st_mode & S_IFMT) != S_IFREG {
                reject(name, in: config.incomingDir, why: (st.st_mode & S_IFMT) == S_IFLNK ? "is a symbolic link" : "is not a regular file")
                rejected += 1
                continue
            }
            guard (try? Posix.rename(from, activeDir + "/" + name)) != nil else { continue }
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
                    _ = try engine.request(panel: panel, trigger: .manual, requestedBy: request.requestedBy ?? "spool:\(Self.shown(name))",
                                           reason: request.reason)
                }
            }
            CrashPoint.hit("spool-committed")
            Posix.unlinkQuietly(path)
            log.info("spool.taken", ["file": Self.shown(name), "panels": panels.count])
            return true
        } catch let e as SpoolRequest.Invalid {
            reject(name, in: dir, why: e.description)
            return false
        } catch let e as SubmissionEngine.RequestRefused {
            reject(name, in: dir, why: e.description)
            return false
        } catch {
            // The store failed: leave the file where it is for the next scan.
            log.error("spool.error", ["file": Self.shown(name), "error": Redaction.scrubQuoting("\(error)")])
            return nil
        }
    }

    private func readRequest(_ path: String) throws -> String {
        let fd: Int32
        do { fd = try Posix.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK) } catch {
            throw SpoolRequest.Invalid(description: "cannot open: \(error.reason)")
        }
        defer { Posix.closeQuietly(fd) }
        guard let st = try? Posix.fstat(fd, path: path), (st.st_mode & S_IFMT) == S_IFREG else {
            throw SpoolRequest.Invalid(description: "is not a regular file")
        }
        guard st.st_size <= SpoolRequest.maximumSize else {
            throw SpoolRequest.Invalid(description: "is larger than \(SpoolRequest.maximumSize) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw in
                Result { () throws(SystemError) in try Posix.read(fd, into: raw.baseAddress! + got, count: raw.count - got, path: path) }
            }
            guard case .success(let count) = n, count > 0 else { break }
            got += count
        }
        guard got == bytes.count, let text = String(validating: bytes, as: UTF8.self) else {
            throw SpoolRequest.Invalid(description: "is not readable UTF-8 text")
        }
        return text
    }

    /// A spool file's name as it may be logged or stored: a person may have named it after a patient (a PHN, a
    /// birth date), so it is scrubbed like the text inside it (`Redaction.scrubQuoting`).
    static func shown(_ name: String) -> String { Redaction.scrubQuoting(name) }

    /// The longest name a rejected file gets, so that `<name>.reason` still fits in NAME_MAX (255 bytes).
    static let longestRejectedName = 255 - ".reason".utf8.count

    /// Moves a bad file to `rejected/` under a name no other rejected file has (postfix's "corrupt": every copy is
    /// kept for inspection), with `<that name>.reason` beside it. A name too long to extend is shortened.
    private func reject(_ name: String, in dir: String, why: String) {
        let from = dir + "/" + name
        var target: String?
        for n in 0..<10_000 {
            let candidate = Self.rejectedName(name, copy: n)
            if candidate.hasSuffix(".reason") { continue }
            let to = config.rejectedDir + "/" + candidate
            do {
                // link(2) never replaces an existing name, so two rejections cannot overwrite each other. Where it
                // is refused (a directory; a dropper's file under fs.protected_hardlinks) the file is renamed to a
                // name that is free: only the one cpard holding the instance lock writes rejected/.
                do {
                    try Posix.link(from, to)
                } catch where error.code == .permissionDenied {
                    if Posix.exists(to) { continue }
                    try Posix.rename(from, to)
                }
                target = candidate
                break
            } catch where error.code == .exists {
                continue
            } catch {
                log.error("spool.error", ["file": Self.shown(name), "error": Redaction.scrubQuoting("cannot move to rejected/: \(error)")])
                return
            }
        }
        guard let target else {
            log.error("spool.error", ["file": Self.shown(name), "error": "cannot move to rejected/: no free name"])
            return
        }
        do {
            if Posix.exists(from) { try Posix.unlink(from) }
            try DurableFile.write("\(name): \(why)\n", to: config.rejectedDir + "/" + target + ".reason", mode: 0o640)
        } catch {
            log.error("spool.error", ["file": Self.shown(name), "error": Redaction.scrubQuoting("\(error)")])
        }
        log.warning("spool.rejected", ["file": Self.shown(name), "reason": why, "kept_as": target == name ? nil : Self.shown(target)])
    }

    /// Copy `n` of `name` in `rejected/`: the name itself, then `name.1`, `name.2`, …, each cut (at a UTF-8
    /// character boundary) to leave room for its suffix and for `.reason`.
    static func rejectedName(_ name: String, copy n: Int) -> String {
        let suffix = n == 0 ? "" : ".\(n)"
        var bytes = Array(name.utf8)
        let room = longestRejectedName - suffix.utf8.count
        if bytes.count > room {
            bytes.removeLast(bytes.count - room)
            while let last = bytes.last, last & 0xC0 == 0x80 { bytes.removeLast() }
            if let last = bytes.last, last >= 0xC0 { bytes.removeLast() }
        }
        return String(decoding: bytes, as: UTF8.self) + suffix
    }
}
