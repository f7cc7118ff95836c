import Glibc

/// The one wrapper around POSIX calls (after swift-nio's `syscall(blocking:where:_:)`): retries on EINTR, reads
/// errno at once, and throws a `SystemError` naming the call and the path. The helpers below are the calls cpard
/// makes, each through `call`.
public enum Posix {
    /// Runs `body` until it returns something other than -1 with errno EINTR; -1 with any other errno throws.
    @inlinable
    @discardableResult
    public static func call<T: FixedWidthInteger>(_ name: String, path: String = "", _ body: () -> T) throws(SystemError) -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw SystemError(call: name, path: path, errno: code)
        }
    }

    /// As `call`, for functions that return a pointer and nil on failure (`opendir`).
    @inlinable
    public static func pointer<T>(_ name: String, path: String = "", _ body: () -> T?) throws(SystemError) -> T {
        while true {
            if let result = body() { return result }
            let code = errno
            if code == EINTR { continue }
            throw SystemError(call: name, path: path, errno: code)
        }
    }

    // MARK: - Descriptors

    /// `open(2)`; O_CLOEXEC is always added.
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(SystemError) -> Int32 {
        try call("open", path: path) { Glibc.open(path, flags | O_CLOEXEC, mode) }
    }

    /// `close(2)`. On Linux the descriptor is gone even when close reports EINTR, so it is never retried; other
    /// errors (an NFS write-back failure) are thrown for callers that care.
    public static func close(_ fd: Int32, path: String = "") throws(SystemError) {
        if Glibc.close(fd) == 0 { return }
        let code = errno
        if code == EINTR { return }
        throw SystemError(call: "close", path: path, errno: code)
    }

    /// Closes, ignoring errors (on error paths and for read-only descriptors).
    public static func closeQuietly(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Writes every byte, looping over short writes.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String = "") throws(SystemError) {
        guard var p = bytes.baseAddress else { return }
        var n = bytes.count
        while n > 0 {
            let written = try call("write", path: path) { Glibc.write(fd, p, n) }
            if written == 0 { throw SystemError(call: "write", path: path, errno: EIO) }
            p += written
            n -= written
        }
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String = "") throws(SystemError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(SystemError) in try writeAll(fd, raw, path: path) }
        }.get()
    }

    /// Reads up to `count` bytes; 0 at end of file.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, path: String = "") throws(SystemError) -> Int {
        try call("read", path: path) { Glibc.read(fd, buffer, count) }
    }

    public static func fsync(_ fd: Int32, path: String = "") throws(SystemError) {
        try call("fsync", path: path) { Glibc.fsync(fd) }
    }

    public static func fchmod(_ fd: Int32, _ mode: mode_t, path: String = "") throws(SystemError) {
        try call("fchmod", path: path) { Glibc.fchmod(fd, mode) }
    }

    public static func fstat(_ fd: Int32, path: String = "") throws(SystemError) -> Glibc.stat {
        var info = Glibc.stat()
        try call("fstat", path: path) { Glibc.fstat(fd, &info) as Int32 }
        return info
    }

    // MARK: - Paths

    public static func stat(_ path: String) throws(SystemError) -> Glibc.stat {
        var info = Glibc.stat()
        try call("stat", path: path) { fstatat(AT_FDCWD, path, &info, 0) }
        return info
    }

    /// `lstat(2)`: a symbolic link is described, not followed.
    public static func lstat(_ path: String) throws(SystemError) -> Glibc.stat {
        var info = Glibc.stat()
        try call("lstat", path: path) { Glibc.lstat(path, &info) }
        return info
    }

    /// True when something (a file, directory, dangling link, …) has this name.
    public static func exists(_ path: String) -> Bool {
        var info = Glibc.stat()
        return Glibc.lstat(path, &info) == 0
    }

    public static func rename(_ from: String, _ to: String) throws(SystemError) {
        try call("rename", path: to) { Glibc.rename(from, to) }
    }

    /// `link(2)`: fails with `.exists` instead of replacing `to`.
    public static func link(_ from: String, _ to: String) throws(SystemError) {
        try call("link", path: to) { Glibc.link(from, to) }
    }

    /// `unlink(2)`; a missing file is not an error unless `missingOK` is false.
    public static func unlink(_ path: String, missingOK: Bool = true) throws(SystemError) {
        do throws(SystemError) {
            try call("unlink", path: path) { Glibc.unlink(path) }
        } catch where missingOK && error.errno == ENOENT {}
    }

    /// Removes a file on an error path, ignoring failures.
    public static func unlinkQuietly(_ path: String) { _ = Glibc.unlink(path) }

    public static func chmod(_ path: String, _ mode: mode_t) throws(SystemError) {
        try call("chmod", path: path) { Glibc.chmod(path, mode) }
    }

    /// Creates a directory with exactly `mode` (whatever the umask) unless one is already there; an existing
    /// directory keeps the mode its owner gave it. Something else by that name is `.notDirectory`.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(SystemError) {
        if Glibc.mkdir(path, mode) == 0 {
            try chmod(path, mode)
            return
        }
        let code = errno
        if code == EINTR { return try makeDirectory(path, mode: mode) }
        guard code == EEXIST else { throw SystemError(call: "mkdir", path: path, errno: code) }
        let info = try stat(path)
        guard info.st_mode & S_IFMT == S_IFDIR else { throw SystemError(call: "mkdir", path: path, errno: ENOTDIR) }
    }

    /// `makeDirectory` for `path` and every missing parent (the parents get `mode` too).
    public static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(SystemError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if part == "." || part == ".." { continue }
            try makeDirectory(prefix, mode: mode)
        }
    }

    /// The names in a directory, without `.` and `..`, in no particular order.
    public static func listDirectory(_ path: String) throws(SystemError) -> [String] {
        let dir = try pointer("opendir", path: path) { opendir(path) }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw SystemError(call: "readdir", path: path, errno: errno) }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
    }

    /// fsyncs a directory, making the renames and creations in it durable.
    public static func syncDirectory(_ path: String) throws(SystemError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { closeQuietly(fd) }
        try fsync(fd, path: path)
    }

    /// The directory part of a path: `a/b` → `a`, `/b` → `/`, `b` → `.`.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of a path.
    public static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
