import CPARSystem
import Glibc

/// A read-only file read with `pread` at explicit offsets, so several workers can share one descriptor.
final class InputFile: Sendable {
    let path: String
    /// The file's size when it was opened; reading stops there even if the file grows.
    let size: Int
    private let fd: Int32

    /// Opens `path` without blocking (a FIFO in the EMR directory must not hang cpard) and refuses anything but a
    /// regular file, naming what it found.
    init(path: String) throws(EMRError) {
        self.path = path
        let fd: Int32
        do {
            fd = try Posix.open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY)
        } catch {
            if error.code == .notFound { throw .missingFile(path) }
            throw .unreadable(file: path, message: "cannot open: " + error.reason)
        }
        let info: stat
        do {
            info = try Posix.fstat(fd, path: path)
        } catch {
            Posix.closeQuietly(fd)
            throw .unreadable(file: path, message: "cannot stat: " + error.reason)
        }
        if let kind = InputFile.kindProblem(info.st_mode) {
            Posix.closeQuietly(fd)
            throw .unreadable(file: path, message: "is \(kind), not a regular file")
        }
        self.fd = fd
        self.size = Int(info.st_size)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    /// What a file is when it is not a regular file ("a directory", "a FIFO (named pipe)", …), else nil.
    static func kindProblem(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "an unusual file"
        }
    }

    deinit { Posix.closeQuietly(fd) }

    /// Reads up to `count` bytes at `offset` (never past `size`); returns how many were read (0 at the end).
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int) throws(EMRError) -> Int {
        let wanted = min(count, size - offset)
        var done = 0
        while done < wanted {
            let got: Int
            do {
                got = try Posix.pread(fd, into: buffer + done, count: wanted - done, at: offset + done, path: path)
            } catch {
                throw .unreadable(file: path, message: "read failed: " + error.reason)
            }
            if got == 0 { break }  // the file shrank while we read it
            done += got
        }
        return done
    }

    /// The offset just past the first LF at or after `offset`, or `size` when there is none.
    func offsetAfterNewline(from offset: Int) throws(EMRError) -> Int {
        let chunk = 64 * 1024
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var at = offset
        while at < size {
            let got = try read(into: buffer, count: chunk, at: at)
            if got == 0 { break }
            if let hit = memchr(buffer, 0x0A, got) {
                return at + (UnsafeMutableRawPointer(hit) - UnsafeMutableRawPointer(buffer)) + 1
            }
            at += got
        }
        return size
    }

}
