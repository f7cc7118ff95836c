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

    private let fd: Int32

    public init(stateDir: String) throws {
        let path = stateDir + "/cpard.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Held(path: path)
        }
    }

    deinit { close(fd) }

    /// True when some process holds the lock of `stateDir` (a cpard is running on it).
    public static func isHeld(stateDir: String) -> Bool {
        let fd = open(stateDir + "/cpard.lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_SH | LOCK_NB) != 0
    }
}
