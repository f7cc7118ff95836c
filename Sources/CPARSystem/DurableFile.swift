import Glibc

/// The one way cpard writes a file that must be whole or absent: a temporary name in the same directory, created
/// with exactly `mode` (0600 unless told; the umask plays no part), every byte written, fsync, rename over the final
/// name, fsync of the directory. On every error path, and when dropped without `commit()`, the temporary file is
/// removed, so no half-written copy (perhaps holding patient data) is left behind.
///
/// ```
/// try DurableFile.write(bytes, to: path)                  // small files
/// let file = try DurableFile(creating: path, mode: 0o640) // streamed files
/// try file.write(chunk) …; try file.commit()
/// ```
public final class DurableFile {
    /// The final name.
    public let path: String
    /// Where the bytes go until `commit()`.
    public let temporaryPath: String
    /// The temporary file's descriptor, for writers that stream into it themselves; closed by `commit`/`discard`.
    public let descriptor: Int32
    private var open = true

    /// Writes `bytes` to `path` durably in one call.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600, syncDirectory: Bool = true) throws(SystemError) {
        let file = try DurableFile(creating: path, mode: mode)
        try file.write(bytes)
        try file.commit(syncDirectory: syncDirectory)
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o600, syncDirectory: Bool = true) throws(SystemError) {
        try write(Array(text.utf8), to: path, mode: mode, syncDirectory: syncDirectory)
    }

    /// Creates the temporary file for `path`.
    /// - Parameters:
    ///   - mode: the file's exact permission bits.
    ///   - temporaryPath: a fixed temporary name, for a caller that is the only writer of `path` and whose recovery
    ///     looks for that name (a stale file there is replaced); or one the caller's protocol requires (Maildir's
    ///     `tmp/`). By default a unique hidden name beside `path`, ending `.tmp`.
    public init(creating path: String, mode: mode_t = 0o600, temporaryPath: String? = nil) throws(SystemError) {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
        var name = temporaryPath ?? ""
        var fd: Int32 = -1
        if let temporaryPath {
            try Posix.unlink(temporaryPath)
            fd = try Posix.open(temporaryPath, flags, mode: mode)
        } else {
            var attempt = 0
            while fd < 0 {
                name = Self.uniqueTemporaryName(for: path)
                do throws(SystemError) {
                    fd = try Posix.open(name, flags, mode: mode)
                } catch where error.code == .exists && attempt < 8 {
                    attempt += 1
                }
            }
        }
        self.temporaryPath = name
        descriptor = fd
        do throws(SystemError) {
            try Posix.fchmod(descriptor, mode, path: name)
        } catch {
            discard()
            throw error
        }
    }

    deinit { if open { discard() } }

    /// Appends bytes; on failure the temporary file is removed.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        precondition(open, "DurableFile written after commit or discard")
        do throws(SystemError) {
            try Posix.writeAll(descriptor, bytes, path: temporaryPath)
        } catch {
            discard()
            throw error
        }
    }

    public func write(_ bytes: [UInt8]) throws(SystemError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(SystemError) in try write(raw) } }.get()
    }

    /// fsync, close, rename over `path`, fsync of the directory. On failure the temporary file is removed.
    /// - Parameters:
    ///   - sync: false skips both fsyncs (dry runs only).
    ///   - syncDirectory: false skips the directory's fsync, for a caller writing many files into one directory
    ///     that calls `Posix.syncDirectory` once after the last.
    public func commit(sync: Bool = true, syncDirectory: Bool = true) throws(SystemError) {
        precondition(open, "DurableFile committed twice")
        do throws(SystemError) {
            if sync { try Posix.fsync(descriptor, path: temporaryPath) }
            open = false
            try Posix.close(descriptor, path: temporaryPath)
            try Posix.rename(temporaryPath, path)
        } catch {
            if open { Posix.closeQuietly(descriptor) }
            open = false
            Posix.unlinkQuietly(temporaryPath)
            throw error
        }
        if sync && syncDirectory { try Posix.syncDirectory(Posix.directory(of: path)) }
    }

    /// Closes and removes the temporary file; `path` is untouched.
    public func discard() {
        guard open else { return }
        open = false
        Posix.closeQuietly(descriptor)
        Posix.unlinkQuietly(temporaryPath)
    }

    /// `<dir>/.<name>.<pid>-<random>.tmp`, with the name shortened so the whole stays within NAME_MAX.
    static func uniqueTemporaryName(for path: String) -> String {
        let suffix = ".\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16)).tmp"
        var base = Array(Posix.baseName(of: path).utf8)
        let room = 255 - 1 - suffix.utf8.count
        if base.count > room {
            base.removeLast(base.count - room)
            while let last = base.last, last & 0xC0 == 0x80 { base.removeLast() }   // no half UTF-8 sequence
            if let last = base.last, last >= 0xC0 { base.removeLast() }
        }
        let directory = Posix.directory(of: path)
        return (directory == "/" ? "" : directory) + "/." + String(decoding: base, as: UTF8.self) + suffix
    }
}
