import CPARSystem
import Foundation

/// One cpard per state directory: an exclusive `flock` on `<state.dir>/cpard.lock`, held for the life of the
/// process and released by the kernel however it ends (even `kill -9`).
public final class InstanceLock {
    public struct Held: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "another cpard is already working on this state directory (\(path) is locked); "
                + "it does the passes itself — nudge it with SIGUSR2 instead"
        }
    }

    /// The state directory cannot be written: cpard needs it for its database, payloads and lock.
    public struct Unwritable: Error, CustomStringConvertible {
        public let stateDir: String
        public let error: SystemError
        public var description: String {
            let what = switch error.code {
            case .readOnlyFileSystem: "is on a read-only file system"
            case .permissionDenied: "is not writable by this user"
            case .notFound, .notDirectory: "does not exist"
            default: "cannot be written (\(error.reason))"
            }
            return "state directory \(stateDir) \(what): cpard keeps its database, payloads and lock there and "
                + "needs to write it (cparctl's read-only commands still work)"
        }
    }

    private let fd: Int32

    public init(stateDir: String) throws {
        let path = stateDir + "/cpard.lock"
        do {
            fd = try Posix.open(path, O_RDWR | O_CREAT, mode: 0o600)
        } catch {
            throw Unwritable(stateDir: stateDir, error: error)
        }
        do {
            try Posix.call("flock", path: path) { flock(fd, LOCK_EX | LOCK_NB) }
        } catch {
            Posix.closeQuietly(fd)
            if error.code == .wouldBlock { throw Held(path: path) }
            throw error
        }
    }

    deinit { Posix.closeQuietly(fd) }

    /// True when some process holds the lock of `stateDir` (a cpard is running on it).
    public static func isHeld(stateDir: String) -> Bool {
        guard let fd = try? Posix.open(stateDir + "/cpard.lock", O_RDONLY) else { return false }
        defer { Posix.closeQuietly(fd) }
        return (try? Posix.call("flock") { flock(fd, LOCK_SH | LOCK_NB) }) == nil
    }
}
