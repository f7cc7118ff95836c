import Glibc

/// A failed system call: which call, on which path, and the errno it left. Never carries file contents, so it is
/// safe to log. The `code` groups the errno values callers act on (a full disk, a read-only file system, …); new
/// codes can be added without breaking callers, who switch over it with a `default`.
public struct SystemError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is, for callers that decide on it.
    public enum Code: Equatable, Hashable, Sendable {
        case notFound, permissionDenied, readOnlyFileSystem, noSpace, exists, notDirectory, isDirectory
        case nameTooLong, wouldBlock, other
    }

    /// The call that failed, e.g. "open" or "rename".
    public let call: String
    /// The file it was about ("" when none).
    public let path: String
    public let errno: Int32

    public init(call: String, path: String = "", errno: Int32) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    public var code: Code {
        switch errno {
        case ENOENT: .notFound
        case EACCES, EPERM: .permissionDenied
        case EROFS: .readOnlyFileSystem
        case ENOSPC, EDQUOT: .noSpace
        case EEXIST: .exists
        case ENOTDIR: .notDirectory
        case EISDIR: .isDirectory
        case ENAMETOOLONG: .nameTooLong
        case EAGAIN: .wouldBlock
        default: .other
        }
    }

    /// `strerror` text for the errno.
    public var reason: String { Self.text(errno) }

    /// `<path>: <call> failed: <strerror> (errno N)`.
    public var description: String {
        (path.isEmpty ? "" : path + ": ") + "\(call) failed: \(reason) (errno \(errno))"
    }

    /// `strerror` text for an errno value.
    public static func text(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
